import nock from 'nock';
import { NodeConnectionTypes, jsonParse } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import type { ApiName } from '../nodes/shared/errors';
import { apiError } from '../nodes/shared/errors';
import { backoffMs, retryAfterMs } from '../nodes/shared/retry';
import { GRADIENT_DEFAULTS, MAILPROTECTOR_DEFAULTS, Transport } from '../nodes/shared/transport';
import type { Call, TransportSettings } from '../nodes/shared/transport';
import { runWorkflow } from './harness/engine';
import type { RunResult } from './harness/engine';
import { chain, credentialsFor, hintMessages } from './harness/fixtures';
import { TEST_GRADIENT_TOKEN, assertNoSecrets, assertNoSecretsIn } from './harness/leaks';
import { nockOnly } from './harness/nockOnly';
import { maxInWindow, startScriptedServer, unusedPort } from './harness/scriptedServer';
import type { Script, ScriptedServer } from './harness/scriptedServer';
import { startUntrustedTls } from './harness/untrustedTls';

const PROBE_TYPE = 'test.transportProbe';
const PROBE_NAME = 'Transport Probe';

/**
 * Sends the calls in its `calls` parameter (all at once) through one Transport and returns one
 * item per call (`ok`, `status`, `body` or `error`, `description`, `httpCode`), then a stats item.
 */
class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: PROBE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Sends calls through the shared transport (tests only)',
		defaults: { name: PROBE_NAME },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: 'mailprotectorApi',
				required: true,
				displayOptions: { show: { api: ['Mailprotector'] } },
			},
			{ name: 'gradientApi', required: true, displayOptions: { show: { api: ['Gradient'] } } },
		],
		properties: [
			{
				displayName: 'API',
				name: 'api',
				type: 'options',
				options: [
					{ name: 'Gradient', value: 'Gradient' },
					{ name: 'Mailprotector', value: 'Mailprotector' },
				],
				default: 'Gradient',
			},
			{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' },
			{ displayName: 'Settings', name: 'settings', type: 'json', default: '{}' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const api = this.getNodeParameter('api', 0) as ApiName;
		const calls = jsonParse<Call[]>(this.getNodeParameter('calls', 0) as string);
		const overrides = jsonParse<Partial<TransportSettings>>(
			this.getNodeParameter('settings', 0) as string,
		);
		const defaults = api === 'Gradient' ? GRADIENT_DEFAULTS : MAILPROTECTOR_DEFAULTS;
		const transport = new Transport(
			this,
			api,
			api === 'Gradient' ? 'gradientApi' : 'mailprotectorApi',
			{ ...defaults, ...overrides },
		);
		const settled = await Promise.allSettled(
			calls.map(async (call) => await transport.send({ ...call, itemIndex: 0 })),
		);
		const items: INodeExecutionData[] = [];
		for (const [index, outcome] of settled.entries()) {
			if (outcome.status === 'fulfilled') {
				const { status, body } = outcome.value;
				items.push({
					json: { index, ok: true, status, body: body as IDataObject },
					pairedItem: { item: 0 },
				});
				continue;
			}
			const error = outcome.reason as Error & { description?: string; httpCode?: string };
			if (!this.continueOnFail()) throw outcome.reason;
			items.push({
				json: {
					index,
					ok: false,
					error: error.message,
					description: error.description ?? '',
					httpCode: error.httpCode ?? null,
				},
				pairedItem: { item: 0 },
			});
		}
		items.push({ json: { stats: { ...transport.stats } }, pairedItem: { item: 0 } });
		return [items];
	}
}

/** Fast retries for every test except the Retry-After ones. */
const FAST: Partial<TransportSettings> = {
	requestsPerSecond: 0,
	maxRetries: 3,
	retryBaseMs: 5,
	retryMaxMs: 20,
};

interface ProbeResult {
	result: RunResult;
	answers: IDataObject[];
	stats: { calls: number; retries: number; throttled: number };
}

async function probe(options: {
	api?: ApiName;
	baseUrl: string;
	calls: Array<Partial<Call>>;
	settings?: Partial<TransportSettings>;
	continueOnFail?: boolean;
	/** Credential fields over the test ones (both types). */
	credentials?: Record<string, string>;
}): Promise<ProbeResult> {
	const api = options.api ?? 'Gradient';
	const calls = options.calls.map((call) => ({ method: 'GET', path: '/api/test', ...call }));
	const workflow = chain([
		{
			name: PROBE_NAME,
			type: PROBE_TYPE,
			parameters: {
				api,
				calls: JSON.stringify(calls),
				settings: JSON.stringify({ ...FAST, ...(options.settings ?? {}) }),
			},
			credentials: [api === 'Gradient' ? 'gradientApi' : 'mailprotectorApi'],
			continueOnFail: options.continueOnFail ?? true,
		},
	]);
	const credentials = credentialsFor({
		mailprotectorUrl: options.baseUrl,
		gradientUrl: options.baseUrl,
	});
	for (const type of ['mailprotectorApi', 'gradientApi'] as const) {
		credentials[type] = { ...credentials[type], ...(options.credentials ?? {}) };
	}
	const result = await runWorkflow({
		workflow,
		nodeTypes: { [PROBE_TYPE]: new TransportProbe() },
		credentials,
	});
	const items = result.output(PROBE_NAME).map((item) => item.json);
	const statsItem = items.find((json) => json.stats !== undefined);
	// Nothing a node returns or throws may carry a key.
	assertNoSecretsIn(items);
	assertNoSecretsIn(result.error);
	for (const json of items) {
		if (typeof json.error === 'string') assertNoSecrets(json.error);
		if (typeof json.description === 'string') assertNoSecrets(json.description);
	}
	return {
		result,
		answers: items.filter((json) => json.stats === undefined),
		stats: (statsItem?.stats ?? { calls: 0, retries: 0, throttled: 0 }) as ProbeResult['stats'],
	};
}

/** Scripted servers on 127.0.0.1 for one describe block; `closeAll` closes every one in `servers`. */
function localServers() {
	const servers: Array<{ close(): Promise<void> }> = [];
	return {
		servers,
		async serve(script: Script): Promise<ScriptedServer> {
			const server = await startScriptedServer(script);
			servers.push(server);
			return server;
		},
		async closeAll(): Promise<void> {
			await Promise.all(servers.splice(0).map(async (server) => await server.close()));
		},
	};
}

describe('transport through the engine', () => {
	const { serve, closeAll } = localServers();
	nockOnly({ allowLocal: true, cleanup: closeAll });

	it('sends the credential header and returns the JSON answer', async () => {
		const server = await serve([{ status: 200, body: { data: { id: 'org-1' } } }]);
		const { answers, stats, result } = await probe({
			baseUrl: server.url,
			calls: [{ path: '/api/vendor-api/organization' }],
		});
		expect(result.error).toBeUndefined();
		expect(answers).toEqual([{ index: 0, ok: true, status: 200, body: { data: { id: 'org-1' } } }]);
		expect(stats).toEqual({ calls: 1, retries: 0, throttled: 0 });
		expect(server.arrivals[0].headers['gradient-token']).toBe(TEST_GRADIENT_TOKEN);
		expect(server.arrivals[0].path).toBe('/api/vendor-api/organization');
	});

	it('decrypts the credential once per execution, not once per call', async () => {
		const server = await serve([{ status: 200, body: {} }]);
		const calls = Array.from({ length: 12 }, (_, i) => ({ path: `/api/item/${i}` }));
		const { answers, result } = await probe({ baseUrl: server.url, calls });
		expect(answers.filter((a) => a.ok)).toHaveLength(12);
		expect(server.arrivals).toHaveLength(12);
		expect(server.arrivals.every((a) => a.headers['gradient-token'] === TEST_GRADIENT_TOKEN)).toBe(
			true,
		);
		expect(result.decryptions).toEqual({ gradientApi: 1 });
	});

	describe('(a) 429 and Retry-After', () => {
		it('waits the Retry-After seconds, then succeeds', async () => {
			const server = await serve([
				{ status: 429, headers: { 'Retry-After': '2' }, body: { message: 'Too Many Attempts.' } },
				{ status: 200, body: { ok: true } },
			]);
			const { answers, stats } = await probe({ baseUrl: server.url, calls: [{}] });
			expect(answers[0]).toMatchObject({ ok: true, status: 200 });
			expect(stats).toMatchObject({ calls: 2, retries: 1, throttled: 1 });
			const waited = server.arrivals[1].ms - server.arrivals[0].ms;
			expect(waited).toBeGreaterThanOrEqual(1900);
			expect(waited).toBeLessThan(4000);
		});

		it('reads Retry-After as an HTTP date', async () => {
			const server = await serve([
				() => ({
					status: 429,
					headers: { 'Retry-After': new Date(Date.now() + 2000).toUTCString() },
				}),
				{ status: 200, body: { ok: true } },
			]);
			const { answers, stats } = await probe({ baseUrl: server.url, calls: [{}] });
			expect(answers[0]).toMatchObject({ ok: true });
			expect(stats.throttled).toBe(1);
			// The date has whole seconds, so the wait is between 1 and 2 s (backoff alone is ~5 ms).
			const waited = server.arrivals[1].ms - server.arrivals[0].ms;
			expect(waited).toBeGreaterThanOrEqual(900);
			expect(waited).toBeLessThan(4000);
		});

		it('caps a long Retry-After at retryAfterCapMs', async () => {
			const server = await serve([
				{ status: 429, headers: { 'Retry-After': '120' } },
				{ status: 200, body: {} },
			]);
			const { answers } = await probe({
				baseUrl: server.url,
				calls: [{}],
				settings: { retryAfterCapMs: 300 },
			});
			expect(answers[0]).toMatchObject({ ok: true });
			const waited = server.arrivals[1].ms - server.arrivals[0].ms;
			expect(waited).toBeGreaterThanOrEqual(250);
			expect(waited).toBeLessThan(2000);
		});

		it('429 without Retry-After backs off and gives up with a rate-limit message', async () => {
			const server = await serve([{ status: 429 }]);
			const { answers, stats } = await probe({
				baseUrl: server.url,
				calls: [{ path: '/api/vendor-api/services' }],
				settings: { maxRetries: 2 },
			});
			expect(server.arrivals).toHaveLength(3);
			expect(stats.throttled).toBe(3);
			expect(answers[0].error).toBe(
				'Gradient kept rate-limiting GET /api/vendor-api/services (429) (after 3 attempts)',
			);
			expect(answers[0].httpCode).toBe('429');
		});
	});

	describe('(b) server errors', () => {
		it('503 twice, then 200: succeeds with two retries', async () => {
			const server = await serve([
				{ status: 503, body: { message: 'down' } },
				{ status: 503 },
				{ status: 200, body: { ok: true } },
			]);
			const { answers, stats } = await probe({ baseUrl: server.url, calls: [{}] });
			expect(answers[0]).toMatchObject({ ok: true, status: 200, body: { ok: true } });
			expect(stats).toEqual({ calls: 3, retries: 2, throttled: 0 });
			expect(server.arrivals).toHaveLength(3);
		});

		it('500 forever fails after maxRetries, naming the endpoint and the attempts', async () => {
			const server = await serve([{ status: 500, body: { message: 'Server Error' } }]);
			const { answers, stats } = await probe({
				baseUrl: server.url,
				calls: [{ method: 'POST', path: '/api/vendor-api/service/7/count', body: { count: 3 } }],
				settings: { maxRetries: 3 },
			});
			expect(server.arrivals).toHaveLength(4);
			expect(stats.retries).toBe(3);
			expect(answers[0]).toMatchObject({ ok: false, httpCode: '500' });
			expect(answers[0].error).toBe(
				'Gradient had a server error on POST /api/vendor-api/service/7/count (500) (after 4 attempts)',
			);
			expect(answers[0].description).toMatch(/Server Error/);
			expect(JSON.parse(server.arrivals[0].body)).toEqual({ count: 3 });
		});

		it('without Continue On Fail the run ends with that error', async () => {
			const server = await serve([{ status: 502 }]);
			const { result } = await probe({
				baseUrl: server.url,
				calls: [{}],
				settings: { maxRetries: 1 },
				continueOnFail: false,
			});
			expect(result.error).toMatchObject({
				name: 'NodeApiError',
				httpCode: '502',
				message: 'Gradient had a server error on GET /api/test (502) (after 2 attempts)',
			});
		});
	});

	describe('(c) connection resets', () => {
		it('are retried', async () => {
			const server = await serve([
				{ reset: true },
				{ reset: true },
				{ status: 200, body: { ok: 1 } },
			]);
			const { answers, stats } = await probe({ baseUrl: server.url, calls: [{}] });
			expect(answers[0]).toMatchObject({ ok: true, body: { ok: 1 } });
			expect(stats.retries).toBe(2);
			expect(server.arrivals).toHaveLength(3);
		});

		it('then fail clearly', async () => {
			const server = await serve([{ reset: true }]);
			const { answers } = await probe({
				baseUrl: server.url,
				calls: [{ path: '/api/vendor-api/account' }],
				settings: { maxRetries: 2 },
			});
			expect(server.arrivals).toHaveLength(3);
			expect(answers[0].error).toBe(
				'Could not reach Gradient for GET /api/vendor-api/account (ECONNRESET) (after 3 attempts)',
			);
			expect(answers[0].description).toMatch(/connection failed repeatedly/);
		});
	});

	describe('(d) pacing', () => {
		it('holds 20 requests per second at concurrency 8', async () => {
			const server = await serve([{ status: 200, body: {} }]);
			const calls = Array.from({ length: 60 }, (_, i) => ({ path: `/api/item/${i}` }));
			const { answers, stats } = await probe({
				baseUrl: server.url,
				calls,
				settings: { requestsPerSecond: 20, concurrency: 8 },
			});
			expect(answers.filter((a) => a.ok)).toHaveLength(60);
			expect(stats.calls).toBe(60);
			const times = server.arrivals.map((a) => a.ms);
			expect(times).toHaveLength(60);
			expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(21);
			const span = Math.max(...times) - Math.min(...times);
			const rate = ((times.length - 1) * 1000) / span;
			expect(rate).toBeGreaterThanOrEqual(20 * 0.85);
			expect(rate).toBeLessThanOrEqual(20 * 1.15);
			// Counted over a window too: the first 2 s after the first arrival hold about 40.
			const first = Math.min(...times);
			const inTwoSeconds = times.filter((t) => t - first < 2000).length;
			expect(inTwoSeconds).toBeGreaterThanOrEqual(34);
			expect(inTwoSeconds).toBeLessThanOrEqual(42);
		});
	});

	describe('(e) distinct messages', () => {
		it('Gradient 401 says where to find the keys', async () => {
			const server = await serve([{ status: 401, body: { message: 'Unauthenticated.' } }]);
			const { answers } = await probe({ baseUrl: server.url, calls: [{}] });
			expect(answers[0].httpCode).toBe('401');
			expect(answers[0].error).toMatch(/Gradient rejected the credentials \(401\)/);
			expect(answers[0].description).toMatch(/Integrations > Custom > Generate API Tokens/);
		});

		it('Mailprotector 401 says where to find the key', async () => {
			const server = await serve([{ status: 401, body: { error: 'Unauthorized' } }]);
			const { answers } = await probe({
				api: 'Mailprotector',
				baseUrl: server.url,
				calls: [{ path: '/api/v1/resellers/1' }],
			});
			expect(server.arrivals[0].headers.authorization).toBe('Bearer mp-test-key');
			expect(answers[0].error).toMatch(/Mailprotector rejected the credentials \(401\)/);
			expect(answers[0].description).toMatch(/View API Key/);
		});

		it('nothing listening at the Base URL (ECONNREFUSED) points at the Base URL', async () => {
			const port = await unusedPort();
			const { answers } = await probe({
				baseUrl: `http://127.0.0.1:${port}`,
				calls: [{ path: '/api/vendor-api/organization' }],
			});
			expect(answers[0].error).toBe(
				`Cannot reach 127.0.0.1:${port}: nothing answers at that address (ECONNREFUSED), on GET /api/vendor-api/organization`,
			);
			expect(answers[0].description).toBe(
				"Nothing answered at the credential's Base URL. Check the Base URL in the Gradient credential (by default https://app.usegradient.com), its port, and that n8n can reach it.",
			);
		});

		it('an http Base URL to a public host asks for https and sends nothing', async () => {
			const scope = nock('http://example.com').get(/.*/).reply(200, {});
			const { answers, stats } = await probe({ baseUrl: 'http://example.com', calls: [{}] });
			expect(scope.isDone()).toBe(false);
			nock.cleanAll();
			expect(stats.calls).toBe(0);
			expect(answers[0].ok).toBe(false);
			expect(answers[0].error).toMatch(/must use https/);
		});

		it('a 200 that is not JSON says so', async () => {
			const server = await serve([
				{ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>Sign in</html>' },
			]);
			const { answers } = await probe({
				baseUrl: server.url,
				calls: [{ path: '/api/vendor-api/organization' }],
				settings: { maxRetries: 1 },
			});
			expect(answers[0].error).toMatch(/not JSON/);
			expect(answers[0].error).toMatch(/GET \/api\/vendor-api\/organization/);
			expect(answers[0].description).toMatch(/Base URL/);
		});

		it('the messages differ from one another', async () => {
			const server = await serve([{ status: 401 }]);
			const refused = `http://127.0.0.1:${await unusedPort()}`;
			const texts = [
				(await probe({ baseUrl: server.url, calls: [{}] })).answers[0].error,
				(await probe({ baseUrl: refused, calls: [{}] })).answers[0].error,
				(await probe({ baseUrl: 'http://example.com', calls: [{}] })).answers[0].error,
			];
			expect(new Set(texts).size).toBe(3);
		});
	});

	describe('(f) what is not retried', () => {
		it.each([
			['Gradient', 401],
			['Gradient', 403],
			['Mailprotector', 401],
		] as Array<[ApiName, number]>)('%s %i is sent once', async (api, status) => {
			const server = await serve([{ status, body: { message: 'no' } }]);
			const { answers, stats } = await probe({
				api,
				baseUrl: server.url,
				calls: [{}],
				settings: { maxRetries: 5 },
			});
			expect(server.arrivals).toHaveLength(1);
			expect(stats.retries).toBe(0);
			expect(answers[0].httpCode).toBe(String(status));
		});

		it('Gradient 403 says it flags traffic', async () => {
			const server = await serve([{ status: 403 }]);
			const { answers } = await probe({ baseUrl: server.url, calls: [{}] });
			expect(answers[0].error).toMatch(/Gradient refused GET \/api\/test \(403\)/);
			expect(answers[0].description).toMatch(/Requests Per Second/);
		});

		it('statuses a call accepts are answers, not errors', async () => {
			const server = await serve([{ status: 404, body: { message: 'not mapped' } }]);
			const { answers } = await probe({ baseUrl: server.url, calls: [{ accept: [404] }] });
			expect(server.arrivals).toHaveLength(1);
			expect(answers[0]).toMatchObject({ ok: true, status: 404, body: { message: 'not mapped' } });
		});
	});
});

describe('(g) retryAfterMs and backoffMs', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');

	it.each([
		['2', 2000],
		['0', 0],
		['1.5', 1500],
		[' 3 ', 3000],
		[7, 7000],
		['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
		['Wed, 31 Dec 2025 23:59:00 GMT', 0],
	])('retryAfterMs(%p) = %p', (value, expected) => {
		expect(retryAfterMs(value, now)).toBe(expected);
	});

	it.each([[undefined], [null], [''], ['soon'], [{}]])('retryAfterMs(%p) is undefined', (value) => {
		expect(retryAfterMs(value, now)).toBeUndefined();
	});

	const s: TransportSettings = { ...GRADIENT_DEFAULTS, retryBaseMs: 100, retryMaxMs: 1000 };

	it('doubles per attempt, with jitter between half and all of the step', () => {
		expect(backoffMs(0, s, () => 0)).toBe(50);
		expect(backoffMs(0, s, () => 1)).toBe(100);
		expect(backoffMs(1, s, () => 0)).toBe(100);
		expect(backoffMs(2, s, () => 1)).toBe(400);
		expect(backoffMs(2, s, () => 0.5)).toBe(300);
	});

	it('never exceeds retryMaxMs', () => {
		expect(backoffMs(10, s, () => 1)).toBe(1000);
		expect(backoffMs(30, s, () => 0)).toBe(500);
	});

	it('stays within [step/2, step] for random jitter', () => {
		for (let attempt = 0; attempt < 6; attempt++) {
			const step = Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** attempt);
			const value = backoffMs(attempt, s);
			expect(value).toBeGreaterThanOrEqual(step / 2);
			expect(value).toBeLessThanOrEqual(step);
		}
	});
});

describe('transport: redirects, redaction, reachability, forgiving credentials', () => {
	const { serve, servers, closeAll } = localServers();
	nockOnly({ allowLocal: true, cleanup: closeAll });

	const hintsOf = (result: RunResult): string[] => hintMessages(result, PROBE_NAME);

	describe('(h) a redirect is never followed', () => {
		it.each([301, 302, 303, 307, 308])(
			'%i to another origin: one attempt, nothing reaches the target, the error names it',
			async (status) => {
				const target = await serve([{ status: 200, body: { taken: true } }]);
				const server = await serve([
					{
						status,
						headers: { Location: `${target.url}/api/vendor-api/organization?token=q-secret#x` },
					},
				]);
				const { answers, stats } = await probe({
					baseUrl: server.url,
					calls: [{ method: 'POST', path: '/api/vendor-api/organization', body: { a: 1 } }],
				});
				expect(target.arrivals).toEqual([]);
				expect(server.arrivals).toHaveLength(1);
				expect(stats).toMatchObject({ calls: 1, retries: 0 });
				expect(answers[0]).toMatchObject({ ok: false, httpCode: String(status) });
				expect(answers[0].error).toBe(
					`Gradient answered POST /api/vendor-api/organization with a redirect (${status}) to ${target.url}/api/vendor-api/organization; it was not followed`,
				);
				expect(answers[0].description).toBe(
					`The package never follows a redirect: the keys would travel with it, and a write could turn into a read. Gradient did not accept this call. If Gradient moved, put ${target.url} in the Base URL of the Gradient credential; if you did not expect ${target.url.slice(7)}, leave the Base URL as it is and check any proxy between n8n and Gradient.`,
				);
				expect(`${answers[0].error} ${answers[0].description}`).not.toMatch(/q-secret|#x/);
			},
		);

		it('a relative Location on the same origin says to check the Base URL has no path', async () => {
			const server = await serve([{ status: 301, headers: { Location: '/api/v2/resellers/1' } }]);
			const { answers } = await probe({
				api: 'Mailprotector',
				baseUrl: server.url,
				calls: [{ path: '/api/v1/resellers/1' }],
			});
			expect(server.arrivals).toHaveLength(1);
			expect(answers[0].error).toBe(
				`Mailprotector answered GET /api/v1/resellers/1 with a redirect (301) to ${server.url}/api/v2/resellers/1; it was not followed`,
			);
			expect(answers[0].description).toContain(
				`The redirect stays on ${server.url} but moves the path: check that the Base URL in the Mailprotector credential is only ${server.url}, without a path.`,
			);
		});

		it('a redirect from https to plain http is refused, saying the keys would cross unencrypted', async () => {
			const server = await serve([
				{ status: 302, headers: { Location: 'http://app.usegradient.com/api/vendor-api' } },
			]);
			const { answers } = await probe({
				baseUrl: server.url,
				calls: [{ path: '/api/vendor-api' }],
			});
			expect(answers[0].error).toContain('to http://app.usegradient.com/api/vendor-api;');
			expect(answers[0].description).toContain(
				'It points at plain http, where the keys would cross the network unencrypted.',
			);
		});

		it('a 3xx without a Location still fails once, with the Base URL to check', async () => {
			const server = await serve([{ status: 302 }]);
			const { answers, stats } = await probe({ baseUrl: server.url, calls: [{}] });
			expect(stats.calls).toBe(1);
			expect(answers[0].error).toBe(
				'Gradient answered GET /api/test with a redirect (302) to an address it did not give; it was not followed',
			);
			expect(answers[0].description).toMatch(/Check the Base URL in the Gradient credential/);
		});
	});

	describe('(i) secrets an API echoes are redacted', () => {
		const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
		// Keys whose token has +, / and = in it, so the URL-encoded forms differ from the raw one.
		const keys = {
			vendorApiKey: 'vk-echo>>>?',
			partnerApiKey: 'pk-echo???>',
			apiKey: 'mp-echo-k/y+',
		};
		const token = Buffer.from(`${keys.vendorApiKey}:${keys.partnerApiKey}`).toString('base64');
		const variants = [
			keys.vendorApiKey,
			keys.partnerApiKey,
			keys.apiKey,
			token,
			token.replace(/=+$/, ''),
			encodeURIComponent(token),
			lowerHex(encodeURIComponent(token)),
			encodeURIComponent(keys.apiKey),
			token.replace(/\+/g, '-').replace(/\//g, '_'),
		];
		const clean = (text: unknown) => {
			const found = variants.filter((v) => JSON.stringify(text ?? '').includes(v));
			expect(found).toEqual([]);
		};

		it('has keys that exercise every variant', () => {
			expect(token).toMatch(/[+/]/);
			expect(token).toMatch(/=$/);
			expect(encodeURIComponent(token)).not.toBe(token);
		});

		it.each([400, 500])('Gradient %i echoing the token and the keys', async (status) => {
			const server = await serve((arrival) => ({
				status,
				body: {
					message: `bad token ${String(arrival.headers['gradient-token'])} (${encodeURIComponent(token)}, ${lowerHex(encodeURIComponent(token))}) for ${keys.vendorApiKey}:${keys.partnerApiKey}, url-safe ${token.replace(/\+/g, '-').replace(/\//g, '_')}`,
				},
			}));
			const { answers, result } = await probe({
				baseUrl: server.url,
				calls: [{ method: 'POST', path: '/api/vendor-api/service/7/count', body: {} }],
				credentials: keys,
			});
			expect(server.arrivals[0].headers['gradient-token']).toBe(token);
			expect(answers[0].description).toContain('bad token [redacted] ([redacted], [redacted])');
			clean(answers);
			clean(result.run.data.resultData);
		});

		it('Mailprotector 401 echoing the Bearer header', async () => {
			const server = await serve((arrival) => ({
				status: 401,
				body: {
					error: `no such key: ${String(arrival.headers.authorization)} / ${encodeURIComponent(keys.apiKey)}`,
				},
			}));
			const { answers, result } = await probe({
				api: 'Mailprotector',
				baseUrl: server.url,
				calls: [{ path: '/api/v1/resellers/1' }],
				credentials: keys,
			});
			expect(server.arrivals[0].headers.authorization).toBe(`Bearer ${keys.apiKey}`);
			expect(answers[0].description).toContain('no such key: Bearer [redacted] / [redacted]');
			clean(answers);
			clean(result.run.data.resultData);
		});

		it('an answer a call accepts (404) and a 2xx body are redacted too', async () => {
			const server = await serve([
				{ status: 404, body: { message: `account unknown for ${token}` } },
				{ status: 200, body: { data: { note: `debug ${keys.partnerApiKey}`, ok: 1 } } },
			]);
			const { answers } = await probe({
				baseUrl: server.url,
				calls: [{ accept: [404] }],
				credentials: keys,
			});
			expect(answers[0].body).toEqual({ message: 'account unknown for [redacted]' });
			const second = await probe({ baseUrl: server.url, calls: [{}], credentials: keys });
			expect(second.answers[0].body).toEqual({ data: { note: 'debug [redacted]', ok: 1 } });
		});
	});

	describe('(j) an address that cannot be reached says which and how to fix it', () => {
		it('a host name that does not resolve (ENOTFOUND)', async () => {
			// .invalid never resolves (RFC 6761); an offline resolver may say EAI_AGAIN instead.
			nock.enableNetConnect('mailprotector.example.invalid');
			const { answers } = await probe({
				api: 'Mailprotector',
				baseUrl: 'https://mailprotector.example.invalid',
				calls: [{ path: '/api/v1/resellers/1' }],
			});
			expect(answers[0].error).toMatch(
				/^Cannot reach mailprotector\.example\.invalid: the host name does not resolve \((ENOTFOUND|EAI_AGAIN)\), on GET \/api\/v1\/resellers\/1/,
			);
			expect(answers[0].description).toBe(
				'Check the spelling of the Base URL in the Mailprotector credential (by default https://emailservice.io), and that the n8n host can resolve names (DNS).',
			);
		});

		it.each([
			'CERT_HAS_EXPIRED',
			'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
			'ERR_TLS_CERT_ALTNAME_INVALID',
		])('a certificate error (%s) names the host and the fix', (code) => {
			const error = apiError({ name: 'n' } as never, {
				api: 'Gradient',
				endpoint: 'GET /api/vendor-api/organization',
				origin: 'https://gradient.example.test',
				code,
				attempts: 1,
				kind: 'network',
			});
			expect(error.message).toBe(
				`Cannot reach gradient.example.test: its TLS certificate is not trusted (${code}), on GET /api/vendor-api/organization`,
			);
			expect(error.description).toMatch(/NODE_EXTRA_CA_CERTS/);
			expect(error.description).toMatch(/https:\/\/app\.usegradient\.com/);
		});

		it('a real self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT), not retried', async () => {
			const tls = await startUntrustedTls();
			servers.push(tls);
			const { answers, stats } = await probe({
				baseUrl: tls.url,
				calls: [{ path: '/api/vendor-api/organization' }],
			});
			expect(stats).toMatchObject({ calls: 1, retries: 0 });
			expect(answers[0].error).toBe(
				`Cannot reach ${tls.url.slice(8)}: its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT), on GET /api/vendor-api/organization`,
			);
		});
	});

	describe('(k) forgiving credentials', () => {
		it('trims spaces around the keys before they are sent', async () => {
			const server = await serve([{ status: 200, body: {} }]);
			await probe({
				baseUrl: server.url,
				calls: [{}],
				credentials: { vendorApiKey: '  vk-test ', partnerApiKey: 'pk-test\n' },
			});
			expect(server.arrivals[0].headers['gradient-token']).toBe(TEST_GRADIENT_TOKEN);
			await probe({
				api: 'Mailprotector',
				baseUrl: server.url,
				calls: [{}],
				credentials: { apiKey: ' mp-test-key\t' },
			});
			expect(server.arrivals[1].headers.authorization).toBe('Bearer mp-test-key');
		});

		it.each([
			['Gradient', '/api/vendor-api/', '/api/vendor-api'],
			['Mailprotector', '/api/v1', '/api/v1'],
			['Mailprotector', '/API/v1/resellers/1//', '/API/v1/resellers/1'],
		] as Array<[ApiName, string, string]>)(
			'%s Base URL with the API path %s: stripped, with a note',
			async (api, suffix, path) => {
				const server = await serve([{ status: 200, body: {} }]);
				const { answers, result } = await probe({
					api,
					baseUrl: ` ${server.url}${suffix} `,
					calls: [{ path: '/api/v1/resellers/1' }],
				});
				expect(answers[0]).toMatchObject({ ok: true });
				expect(server.arrivals[0].path).toBe('/api/v1/resellers/1');
				expect(hintsOf(result)).toEqual([
					`The ${api} credential's Base URL ends in the API path "${path}"; the package adds the paths itself, so it used ${server.url}. Enter ${server.url} in the credential to remove this note.`,
				]);
			},
		);

		it('a key pasted into the Base URL as well is not quoted back', async () => {
			const { answers, stats } = await probe({
				baseUrl: 'vk-test',
				calls: [{}],
			});
			expect(stats.calls).toBe(0);
			expect(answers[0].error).toBe(
				'The Gradient credential\'s Base URL "[redacted]" is not a valid URL. Enter it as https://host, without a path.',
			);
		});

		it('a Base URL with another path is refused, saying what to enter; nothing is sent', async () => {
			const server = await serve([{ status: 200, body: {} }]);
			const { answers, stats } = await probe({
				baseUrl: `${server.url}/dashboard`,
				calls: [{}],
			});
			expect(stats.calls).toBe(0);
			expect(server.arrivals).toEqual([]);
			expect(answers[0].error).toBe(
				`The Gradient credential's Base URL "${server.url}/dashboard" has a path (/dashboard). Enter only the address, without a path: ${server.url} (Gradient's own is https://app.usegradient.com).`,
			);
		});
	});
});
