/** A field read as text: a string trimmed, a number written out; anything else is ''. */
export function fieldText(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** A value as a person reads it in a ticket: lists joined with commas; nothing to show is undefined. */
export function displayText(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return value.map(String).join(', ');
	return undefined;
}
