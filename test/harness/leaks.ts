/** The keys the test credentials carry (see fixtures.credentialsFor). */
export const TEST_KEYS = {
	mailprotectorApiKey: 'mp-test-key',
	mailprotectorResellerId: '1',
	gradientVendorApiKey: 'vk-test',
	gradientPartnerApiKey: 'pk-test',
	n8nApiKey: 'n8n-test-key',
} as const;

/** GRADIENT-TOKEN of the test keys: base64("vk-test:pk-test"). */
export const TEST_GRADIENT_TOKEN = Buffer.from(
	`${TEST_KEYS.gradientVendorApiKey}:${TEST_KEYS.gradientPartnerApiKey}`,
	'utf8',
).toString('base64');

/** Every string that must never appear in an error, an item or a log. */
export const SECRETS: readonly string[] = [
	TEST_KEYS.mailprotectorApiKey,
	TEST_KEYS.gradientVendorApiKey,
	TEST_KEYS.gradientPartnerApiKey,
	`Bearer ${TEST_KEYS.mailprotectorApiKey}`,
	TEST_GRADIENT_TOKEN,
	TEST_KEYS.n8nApiKey,
];

/** Throws when `text` contains any test key, the Bearer value or the GRADIENT-TOKEN. */
export function assertNoSecrets(text: string | undefined | null): void {
	const haystack = String(text ?? '');
	const found = SECRETS.filter((secret) => haystack.includes(secret));
	if (found.length > 0) {
		throw new Error(
			`Secret leaked (${found.map((s) => JSON.stringify(s)).join(', ')}) in: ${haystack.slice(0, 500)}`,
		);
	}
}

/** assertNoSecrets over any value: strings as they are, errors and objects as JSON (message, description, context included). */
export function assertNoSecretsIn(value: unknown): void {
	if (typeof value === 'string') return assertNoSecrets(value);
	if (value instanceof Error) {
		const e = value as Error & { description?: unknown; context?: unknown; cause?: unknown };
		assertNoSecrets(e.message);
		assertNoSecrets(typeof e.description === 'string' ? e.description : '');
		assertNoSecrets(safeJson({ ...e, context: e.context }));
		return;
	}
	assertNoSecrets(safeJson(value));
}

function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	return (
		JSON.stringify(value, (_key, v: unknown) => {
			if (v && typeof v === 'object') {
				if (seen.has(v)) return '[circular]';
				seen.add(v);
			}
			return v;
		}) ?? ''
	);
}
