// Reading an API's answer as the transport sees it: its headers, its error message, and where
// a redirect points.

/** The message an API put in an error body (message, error, a list, or a nested message). */
export function apiMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
	if (!body || typeof body !== 'object') return undefined;
	const b = body as { message?: unknown; error?: unknown };
	const m = b.message ?? b.error;
	if (Array.isArray(m)) return m.map(String).join('; ');
	if (typeof m === 'string') return m;
	if (m && typeof m === 'object' && typeof (m as { message?: unknown }).message === 'string') {
		return (m as { message: string }).message;
	}
	return undefined;
}

/** Header names in lower case, list values joined. */
export function lowerHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
			out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
		}
	}
	return out;
}

/** Where a redirect points, as origin and path: its query or user part may hold a secret. */
export function redirectTarget(location: unknown, from: string): string | undefined {
	if (typeof location !== 'string' || !location.trim()) return undefined;
	try {
		const url = new URL(location.trim(), from);
		return `${url.origin}${url.pathname}`;
	} catch {
		return undefined;
	}
}
