import nock from 'nock';
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	ICredentialType,
	IHttpRequestOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { GradientApi, gradientToken } from '../credentials/GradientApi.credentials';
import { MailprotectorApi } from '../credentials/MailprotectorApi.credentials';
import { BaseUrlError, checkBaseUrl } from '../nodes/shared/baseUrl';
import { runWorkflow } from './harness/engine';
import { chain, credentialsFor } from './harness/fixtures';
import { SECRETS, TEST_GRADIENT_TOKEN, assertNoSecrets, assertNoSecretsIn } from './harness/leaks';
import { nockOnly } from './harness/nockOnly';

const PROBE_TYPE = 'test.credentialProbe';

/** What n8n's credential tester does: run `test.request` as a declarative node's routing request. */
function credentialTestNode(credential: ICredentialType): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'Credential Probe',
		name: PROBE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Runs a credential test request (tests only)',
		defaults: { name: 'Credential Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: credential.name, required: true }],
		properties: [
			{
				displayName: 'Temp',
				name: 'temp',
				type: 'string',
				default: '',
				routing: { request: credential.test?.request },
			},
		],
	};
	return { description };
}

async function runCredentialTest(
	credential: ICredentialType,
	urls: { mailprotectorUrl?: string; gradientUrl?: string },
) {
	const workflow = chain([
		{
			name: 'Credential Probe',
			type: PROBE_TYPE,
			credentials: [credential.name as 'mailprotectorApi' | 'gradientApi'],
		},
	]);
	return await runWorkflow({
		workflow,
		nodeTypes: { [PROBE_TYPE]: credentialTestNode(credential) },
		credentials: credentialsFor(urls),
	});
}

/**
 * The credential test succeeds against `host` at `path` when both Base URLs are the host with
 * `suffix` after it (and `pad` around it).
 */
async function expectTestReaches(
	credential: ICredentialType,
	host: string,
	path: string,
	suffix: string,
	pad = '',
): Promise<void> {
	nock(host).get(path).reply(200, { ok: true });
	const baseUrl = `${pad}${host}${suffix}${pad}`;
	const result = await runCredentialTest(credential, {
		mailprotectorUrl: baseUrl,
		gradientUrl: baseUrl,
	});
	expect(result.error).toBeUndefined();
}

function messageAndDescription(error: unknown): string {
	const e = error as { message?: string; description?: string | null };
	return `${e?.message ?? ''}\n${e?.description ?? ''}`;
}

describe('leak check', () => {
	it('knows the keys, the Bearer value and the GRADIENT-TOKEN', () => {
		expect(TEST_GRADIENT_TOKEN).toBe(Buffer.from('vk-test:pk-test').toString('base64'));
		expect(SECRETS).toEqual(
			expect.arrayContaining(['mp-test-key', 'vk-test', 'pk-test', 'Bearer mp-test-key']),
		);
		expect(() => assertNoSecrets(`token ${TEST_GRADIENT_TOKEN}`)).toThrow(/leaked/);
		expect(() => assertNoSecrets('Authorization: Bearer mp-test-key')).toThrow(/leaked/);
		expect(() => assertNoSecrets('nothing here')).not.toThrow();
	});
});

describe('credential classes', () => {
	const mp = new MailprotectorApi();
	const gr = new GradientApi();

	it('have the contract names', () => {
		expect(mp.name).toBe('mailprotectorApi');
		expect(gr.name).toBe('gradientApi');
	});

	it('mark the keys, and only the keys, as passwords', () => {
		const passwords = (c: ICredentialType) =>
			c.properties.filter((p) => p.typeOptions?.password === true).map((p) => p.name);
		expect(passwords(mp)).toEqual(['apiKey']);
		expect(passwords(gr).sort()).toEqual(['partnerApiKey', 'vendorApiKey']);
		expect(mp.properties.map((p) => p.name)).toEqual(['apiKey', 'resellerId', 'baseUrl']);
		expect(gr.properties.map((p) => p.name)).toEqual(['vendorApiKey', 'partnerApiKey', 'baseUrl']);
	});

	it('Mailprotector adds a Bearer header', async () => {
		const options: IHttpRequestOptions = { url: '/x', baseURL: 'https://emailservice.io' };
		const out = await (
			mp.authenticate as (c: object, o: IHttpRequestOptions) => Promise<IHttpRequestOptions>
		)(credentialsFor().mailprotectorApi, options);
		expect(out.headers?.Authorization).toBe('Bearer mp-test-key');
	});

	it('Gradient adds GRADIENT-TOKEN = base64("vendor:partner") without a Basic prefix', async () => {
		expect(gradientToken('vk', 'pk')).toBe('dms6cGs=');
		const options: IHttpRequestOptions = { url: '/x', baseURL: 'https://app.usegradient.com' };
		const out = await (
			gr.authenticate as (c: object, o: IHttpRequestOptions) => Promise<IHttpRequestOptions>
		)({ vendorApiKey: 'vk', partnerApiKey: 'pk', baseUrl: 'https://app.usegradient.com' }, options);
		expect(out.headers?.['GRADIENT-TOKEN']).toBe('dms6cGs=');
		expect(out.headers?.Authorization).toBeUndefined();
	});

	it('test requests are authenticated read-only GETs over the Base URL field', () => {
		expect(mp.test.request).toMatchObject({
			method: 'GET',
			url: '=/api/v1/resellers/{{String($credentials.resellerId).trim()}}',
		});
		expect(gr.test.request).toMatchObject({ method: 'GET', url: '/api/vendor-api/organization' });
		for (const c of [mp, gr])
			expect(String(c.test.request.baseURL)).toMatch(/^=\{\{\$credentials\.baseUrl/);
	});

	it('test rule messages say what to fix and hold no secret', () => {
		for (const c of [mp, gr]) {
			const rules = c.test.rules ?? [];
			expect(rules.some((r) => r.type === 'responseCode' && r.properties.value === 401)).toBe(true);
			for (const rule of rules)
				assertNoSecrets(String((rule.properties as { message?: string }).message));
		}
	});

	it('authenticate refuses an http Base URL to a public host', async () => {
		const options: IHttpRequestOptions = { url: '/x', baseURL: 'http://example.com' };
		await expect(
			(mp.authenticate as (c: object, o: IHttpRequestOptions) => Promise<IHttpRequestOptions>)(
				credentialsFor().mailprotectorApi,
				options,
			),
		).rejects.toThrow(/https/);
	});
});

describe('Base URL rules', () => {
	it.each([
		['https://emailservice.io', 'https://emailservice.io'],
		['https://app.usegradient.com/', 'https://app.usegradient.com'],
		['http://127.0.0.1:123', 'http://127.0.0.1:123'],
		['http://localhost', 'http://localhost'],
		['http://[::1]:8', 'http://[::1]:8'],
		[' https://emailservice.io/api/v1/ ', 'https://emailservice.io'],
		['https://app.usegradient.com/api/vendor-api', 'https://app.usegradient.com'],
	])('accepts %s', (raw, expected) => {
		expect(checkBaseUrl(raw, 'Gradient')).toBe(expected);
	});

	it.each([
		['http://example.com', /https/],
		['not a url', /not a valid URL/],
		['', /no Base URL/],
		['   ', /no Base URL/],
		[undefined, /no Base URL/],
		['https://emailservice.io/login', /has a path \(\/login\)\. Enter only the address/],
		['https://user:secret@emailservice.io', /user name or password/],
		['https://emailservice.io/?key=1', /query or # part/],
	])('refuses %p', (raw, message) => {
		let caught: unknown;
		try {
			checkBaseUrl(raw, 'Mailprotector');
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(BaseUrlError);
		expect((caught as Error).message).toMatch(message);
		assertNoSecrets((caught as Error).message);
	});
});

describe('credential test requests through the engine', () => {
	const MP = 'https://mp.example.test';
	const GR = 'https://gradient.example.test';

	nockOnly();

	it('Mailprotector: 2xx passes, with the Bearer header', async () => {
		nock(MP)
			.get('/api/v1/resellers/1')
			.matchHeader('authorization', 'Bearer mp-test-key')
			.reply(200, { id: 1, name: 'Reseller' });
		const result = await runCredentialTest(new MailprotectorApi(), { mailprotectorUrl: MP });
		expect(result.error).toBeUndefined();
		expect(result.output('Credential Probe').map((i) => i.json)).toEqual([
			{ id: 1, name: 'Reseller' },
		]);
	});

	it('Gradient: 2xx passes, with the GRADIENT-TOKEN header', async () => {
		nock(GR)
			.get('/api/vendor-api/organization')
			.matchHeader('gradient-token', TEST_GRADIENT_TOKEN)
			.reply(200, { data: { id: 'org-1' } });
		const result = await runCredentialTest(new GradientApi(), { gradientUrl: GR });
		expect(result.error).toBeUndefined();
		expect(result.output('Credential Probe')).toHaveLength(1);
	});

	it.each([
		['Mailprotector', new MailprotectorApi(), MP, '/api/v1/resellers/1'],
		['Gradient', new GradientApi(), GR, '/api/vendor-api/organization'],
	])('%s: 401 ends in a NodeApiError with httpCode 401', async (_name, credential, host, path) => {
		// n8n-core's httpRequestWithAuthentication sends a request once more after a 401 (its
		// preAuthentication refresh path runs for every credential type), so the test request
		// meets the 401 twice.
		nock(host).get(path).times(2).reply(401, { message: 'Unauthenticated.' });
		const urls = { mailprotectorUrl: MP, gradientUrl: GR };
		const result = await runCredentialTest(credential, urls);
		// The engine keeps a plain copy of the thrown error ({ ...error, message, stack }).
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect(result.nodeError('Credential Probe')).toMatchObject({ name: 'NodeApiError' });
		assertNoSecrets(messageAndDescription(result.error));
		assertNoSecretsIn(result.error);
	});

	// axios alone merges up to two trailing slashes into the path; three would reach the
	// server as `//api/...` unless the credential's expression strips them.
	it.each([
		['Mailprotector', new MailprotectorApi(), '/api/v1/resellers/1', '/'],
		['Mailprotector', new MailprotectorApi(), '/api/v1/resellers/1', '///'],
		['Gradient', new GradientApi(), '/api/vendor-api/organization', '/'],
		['Gradient', new GradientApi(), '/api/vendor-api/organization', '///'],
	])(
		'%s: the test URL is the Base URL without its trailing slashes (%s)',
		async (_name, credential, path, slashes) => {
			await expectTestReaches(credential, 'https://slash.example.test', path, slashes);
		},
	);

	it('an http Base URL to a public host is refused before anything is sent', async () => {
		const scope = nock('http://example.com').get(/.*/).reply(200, {});
		const result = await runCredentialTest(new GradientApi(), {
			gradientUrl: 'http://example.com',
		});
		expect(scope.isDone()).toBe(false);
		nock.cleanAll();
		expect(result.error).toBeDefined();
		expect(messageAndDescription(result.error)).toMatch(/https/);
		assertNoSecrets(messageAndDescription(result.error));
	});
});

describe('forgiving credentials, and no redirect in the credential test', () => {
	const authenticate = (c: ICredentialType) =>
		c.authenticate as (c: object, o: IHttpRequestOptions) => Promise<IHttpRequestOptions>;

	it('authenticate trims the keys and turns redirects off', async () => {
		const mp = await authenticate(new MailprotectorApi())(
			{ ...credentialsFor().mailprotectorApi, apiKey: ' mp-test-key \n' },
			{ url: '/x', baseURL: 'https://emailservice.io' },
		);
		expect(mp.headers?.Authorization).toBe('Bearer mp-test-key');
		expect(mp).toMatchObject({
			disableFollowRedirect: true,
			maxRedirects: 0,
			sendCredentialsOnCrossOriginRedirect: false,
		});
		const gr = await authenticate(new GradientApi())(
			{
				vendorApiKey: '\tvk-test ',
				partnerApiKey: ' pk-test',
				baseUrl: 'https://app.usegradient.com',
			},
			{ url: '/x', baseURL: 'https://app.usegradient.com' },
		);
		expect(gr.headers?.['GRADIENT-TOKEN']).toBe(TEST_GRADIENT_TOKEN);
		expect(gr.disableFollowRedirect).toBe(true);
		expect(gradientToken(' vk ', 'pk\n')).toBe(gradientToken('vk', 'pk'));
	});

	it.each([301, 302, 303, 307, 308])('both test requests have a rule for %i', (status) => {
		for (const c of [new MailprotectorApi(), new GradientApi()]) {
			const rule = (c.test.rules ?? []).find(
				(r) => r.type === 'responseCode' && r.properties.value === status,
			);
			expect(String((rule?.properties as { message?: string })?.message)).toMatch(
				/redirect .* never followed: the keys would go with it\. If .* moved, enter its new address in Base URL/,
			);
		}
	});

	describe('through the engine', () => {
		const MP = 'https://mp.example.test';
		const GR = 'https://gradient.example.test';
		const ELSEWHERE = 'https://elsewhere.example.test';

		nockOnly();

		it.each([
			['Mailprotector', new MailprotectorApi(), MP, '/api/v1/resellers/1'],
			['Gradient', new GradientApi(), GR, '/api/vendor-api/organization'],
		])(
			'%s: a redirect in the test request is not followed, so the key stays home',
			async (_name, credential, host, path) => {
				nock(host)
					.get(path)
					.reply(301, '', { Location: `${ELSEWHERE}${path}` });
				const elsewhere = nock(ELSEWHERE).get(path).reply(200, { stolen: true });
				const result = await runCredentialTest(credential, {
					mailprotectorUrl: MP,
					gradientUrl: GR,
				});
				expect(elsewhere.isDone()).toBe(false);
				nock.cleanAll();
				expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '301' });
				expect(result.output('Credential Probe')).toEqual([]);
				assertNoSecretsIn(result.error);
			},
		);

		it.each([
			['Mailprotector', new MailprotectorApi(), '/api/v1/resellers/1', '/api/v1/'],
			['Gradient', new GradientApi(), '/api/vendor-api/organization', '/api/vendor-api'],
		])(
			'%s: the test URL drops an API path pasted into the Base URL (%s)',
			async (_name, credential, path, suffix) => {
				await expectTestReaches(credential, 'https://paste.example.test', path, suffix, ' ');
			},
		);

		it('Mailprotector: the Reseller ID and the key are trimmed in the test request', async () => {
			nock(MP)
				.get('/api/v1/resellers/1')
				.matchHeader('authorization', 'Bearer mp-test-key')
				.reply(200, { id: 1 });
			const credential = new MailprotectorApi();
			const workflow = chain([
				{ name: 'Credential Probe', type: PROBE_TYPE, credentials: ['mailprotectorApi'] },
			]);
			const credentials = credentialsFor({ mailprotectorUrl: MP });
			credentials.mailprotectorApi = {
				...credentials.mailprotectorApi,
				apiKey: ' mp-test-key ',
				resellerId: ' 1 ',
			};
			const result = await runWorkflow({
				workflow,
				nodeTypes: { [PROBE_TYPE]: credentialTestNode(credential) },
				credentials,
			});
			expect(result.error).toBeUndefined();
		});
	});
});
