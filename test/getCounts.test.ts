import nock from 'nock';
import { sleep } from 'n8n-workflow';
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeParameters,
	NodeExecutionHint,
} from 'n8n-workflow';

import { MailprotectorApi } from '../credentials/MailprotectorApi.credentials';
import { MailprotectorGetCounts } from '../nodes/MailprotectorGetCounts/MailprotectorGetCounts.node';
import type { GetCountsWalk } from '../nodes/MailprotectorGetCounts/counts';
import type { MailprotectorEmulator, MpDataset } from './emulators';
import {
	SMALL_EXPECTED,
	expectedCounts,
	makeDataset,
	minimumCalls,
	smallDataset,
	startMailprotector,
} from './emulators';
import type { RunResult } from './harness/engine';
import { runWorkflow } from './harness/engine';
import { chain, credentialsFor, nodeType } from './harness/fixtures';
import { assertNoSecretsIn } from './harness/leaks';
import { fetchingLoadOptionsContext } from './harness/loadOptions';

const NODE = 'Get Counts';
const nodeTypes = { [nodeType('mailprotectorGetCounts')]: new MailprotectorGetCounts() };
type Rule = 'billableUsers' | 'groupUserCount' | 'billableUsersPlusAliases';

interface RunArgs {
	parameters?: INodeParameters;
	startItems?: IDataObject[];
	credentials?: Record<string, string>;
	continueOnFail?: boolean;
}

async function run(url: string, args: RunArgs = {}): Promise<RunResult> {
	const workflow = chain(
		[
			{
				name: NODE,
				type: 'mailprotectorGetCounts',
				parameters: args.parameters ?? {},
				credentials: ['mailprotectorApi'],
				continueOnFail: args.continueOnFail,
			},
		],
		{ startItems: args.startItems },
	);
	const credentials = credentialsFor({ mailprotectorUrl: url });
	credentials.mailprotectorApi = { ...credentials.mailprotectorApi, ...(args.credentials ?? {}) };
	return await runWorkflow({ workflow, nodeTypes, credentials });
}

const counts = (items: INodeExecutionData[]) =>
	items.map(({ json }) => ({
		customerId: json.customerId,
		product: json.product,
		count: json.count,
	}));
const stampOf = (item: INodeExecutionData) => item.json.walk as unknown as GetCountsWalk;
const hintsOf = (result: RunResult): NodeExecutionHint[] =>
	(result.run.data.resultData.runData[NODE]?.[0] as { hints?: NodeExecutionHint[] })?.hints ?? [];
const apiCalls = (mp: MailprotectorEmulator) => mp.log.filter((e) => e.path.startsWith('/api/'));
const withOptions = (rule: Rule, includeZero: boolean) => ({
	rule,
	options: { includeZero, requestsPerSecond: 1000, concurrency: 16 },
});

describe('Get Counts on the hand-computed small data set', () => {
	let mp: MailprotectorEmulator;
	beforeAll(async () => {
		mp = await startMailprotector({ dataset: smallDataset() });
	});
	afterAll(async () => await mp.close());
	beforeEach(() => mp.clearLog());

	it.each([
		['billableUsers', false, SMALL_EXPECTED.billableUsers],
		['billableUsers', true, SMALL_EXPECTED.billableUsersIncludeZero],
		['groupUserCount', false, SMALL_EXPECTED.groupUserCount],
		['billableUsersPlusAliases', false, SMALL_EXPECTED.billableUsersPlusAliases],
	] as const)(
		'rule %s, includeZero %s: exactly the hand-computed counts',
		async (rule, zero, want) => {
			const result = await run(mp.url, { parameters: withOptions(rule, zero) });
			expect(result.error).toBeUndefined();
			expect(counts(result.output(NODE))).toEqual(want);
		},
	);

	it('emits the item contract: string ids, names, domains, breakdown, walk stamp, pairedItem', async () => {
		const result = await run(mp.url);
		const items = result.output(NODE);
		expect(items).toHaveLength(SMALL_EXPECTED.billableUsers.length);
		const cloudFilter = items.find(
			(i) => i.json.customerId === '1001' && i.json.product === 'CloudFilter',
		)!;
		expect(cloudFilter.pairedItem).toEqual({ item: 0 });
		expect(cloudFilter.json).toMatchObject({
			customerId: '1001',
			customerName: 'ACME corp.',
			domains: ['acme.example'],
			product: 'CloudFilter',
			count: 2,
		});
		expect(cloudFilter.json.breakdown).toMatchObject({
			rule: 'billableUsers',
			primaryDomain: 'acme.example',
			serviceTypes: ['CloudFilter Email Security'],
			groupsCounted: 1,
			domains: [{ domain: 'acme.example', count: 2 }],
			usersByType: { User: 2, Alias: 1, 'Mailing List': 1, 'Unlicensed User': 1 },
			leftOut: {
				aliases: 1,
				mailingLists: 1,
				unlicensedUsers: 1,
				aliasDomains: ['acme-alias.example'],
			},
		});
		expect(cloudFilter.json.breakdown).not.toHaveProperty('userGroups');
		// 1003's first domain is Pending: its first active domain is the second one.
		const mueller = items.find((i) => i.json.customerId === '1003')!;
		expect(mueller.json.domains).toEqual(['mueller.example', 'mueller.de']);
		expect((mueller.json.breakdown as IDataObject).primaryDomain).toBe('mueller.de');
		const stamp = stampOf(cloudFilter);
		expect(stamp).toMatchObject({
			complete: true,
			customers: 'all',
			products: 'all',
			items: items.length,
			calls: apiCalls(mp).length,
		});
		expect(stamp.skipped).toBeUndefined();
		for (const item of items) expect(stampOf(item)).toEqual(stamp);
		expect(hintsOf(result).map((h) => h.message)).toEqual([
			`Walked 3 customers with ${apiCalls(mp).length} Mailprotector API calls and output 9 items`,
		]);
		const second = await run(mp.url);
		expect(stampOf(second.output(NODE)[0]).id).not.toBe(stamp.id);
	});

	it('lists each counted user group in the breakdown with "Breakdown Per User Group"', async () => {
		const find = (r: RunResult) =>
			r.output(NODE).find((i) => i.json.customerId === '1001' && i.json.product === 'CloudFilter')!;
		const summary = find(await run(mp.url)).json.breakdown as IDataObject;
		const detailed = find(await run(mp.url, { parameters: { options: { groupDetail: true } } }))
			.json.breakdown as IDataObject;
		expect(detailed).toEqual({
			...summary,
			counted:
				'Users whose type is "User" and who have no parent, once per service of their user group',
			userGroups: [
				{
					userGroupId: '3001',
					userGroup: 'Default',
					domain: 'acme.example',
					serviceTypes: ['CloudFilter Email Security'],
					count: 2,
					usersByType: { User: 2, Alias: 1, 'Mailing List': 1, 'Unlicensed User': 1 },
				},
			],
		});
	});

	it('counts only the chosen customers, from their own lists', async () => {
		const result = await run(mp.url, {
			parameters: {
				customerScope: 'selected',
				selectedCustomers: {
					customer: [
						{ customer: { __rl: true, mode: 'list', value: '1003' } },
						{ customer: { __rl: true, mode: 'id', value: '1001' } },
					],
				},
			},
		});
		expect(result.error).toBeUndefined();
		const items = result.output(NODE);
		expect(counts(items)).toEqual(
			SMALL_EXPECTED.billableUsers.filter((r) => r.customerId !== '1002'),
		);
		expect(stampOf(items[0]).customers).toEqual(['1001', '1003']);
		const paths = new Set(apiCalls(mp).map((e) => e.path));
		expect(paths.has('/api/v1/customers/1001/users')).toBe(true);
		expect(paths.has('/api/v1/resellers/1/users')).toBe(false);
		expect(paths.has('/api/v1/customers/1002/users')).toBe(false);
	});

	it('skips and reports a chosen customer that does not exist', async () => {
		const result = await run(mp.url, {
			parameters: {
				customerScope: 'selected',
				selectedCustomers: { customer: [{ customer: '1001' }, { customer: '4242' }] },
			},
		});
		const items = result.output(NODE);
		expect(counts(items)).toEqual(
			SMALL_EXPECTED.billableUsers.filter((r) => r.customerId === '1001'),
		);
		expect(stampOf(items[0])).toMatchObject({
			complete: false,
			customers: ['1001', '4242'],
			skipped: [{ customerId: '4242', reason: expect.stringContaining('404') }],
		});
	});

	it('refuses Selected with no customer, naming the field', async () => {
		const result = await run(mp.url, { parameters: { customerScope: 'selected' } });
		expect(result.error?.message).toContain('Selected Customers');
		expect(apiCalls(mp)).toHaveLength(0);
	});

	it('filters products and renames service types with the table', async () => {
		const result = await run(mp.url, {
			parameters: {
				options: {
					products: 'cloudfilter, Shield, xtramail',
					productNames: { name: [{ serviceType: 'shield advanced', product: 'Shield' }] },
				},
			},
		});
		const items = result.output(NODE);
		expect(counts(items)).toEqual([
			{ customerId: '1001', product: 'CloudFilter', count: 2 },
			{ customerId: '1002', product: 'Shield', count: 3 },
			{ customerId: '1002', product: 'XtraMail', count: 3 },
		]);
		expect(stampOf(items[0]).products).toEqual(['CloudFilter', 'Shield', 'XtraMail']);
	});

	it('warns when a Products filter name matches no product, naming it and the products seen', async () => {
		const result = await run(mp.url, {
			parameters: { options: { products: 'CloudFiltr, safesend' } },
		});
		expect(result.error).toBeUndefined();
		expect(counts(result.output(NODE))).toEqual([
			{ customerId: '1001', product: 'SafeSend', count: 2 },
		]);
		const warnings = hintsOf(result).filter((h) => h.type === 'warning');
		expect(warnings.map((h) => h.message)).toEqual([
			'Products filter "CloudFiltr" matched nothing; products seen: Bracket, BracketBundle, CloudFilter, CloudMail, ContinuityBundle, SafeSend, SecureStore, Shield Advanced, XtraMail. Correct the name under Options > Products: "CloudFiltr" -> "CloudFilter", or leave it empty for all products.',
		]);
		// A filter whose every name matches says nothing more.
		const good = await run(mp.url, { parameters: { options: { products: 'CloudFilter' } } });
		expect(hintsOf(good).filter((h) => h.type === 'warning')).toEqual([]);
	});

	it('refuses a Count Rule that is no rule (from an expression), naming the field and the rules, before any call', async () => {
		const result = await run(mp.url, { parameters: { rule: '={{ "everything" }}' } });
		expect(result.error?.message).toBe(
			'Item 0: field "Count Rule" is "everything", which is not a count rule',
		);
		expect((result.error as { description?: string }).description).toBe(
			'Choose one of: Billable Users (billableUsers), User Group User Count (groupUserCount), Billable Users Plus Aliases (billableUsersPlusAliases). An expression must return the value in brackets.',
		);
		expect(apiCalls(mp)).toHaveLength(0);

		// With Continue On Fail, the item that asked carries the reason and the fix; others still count.
		const mixed = await run(mp.url, {
			parameters: { rule: '={{ $json.rule }}' },
			startItems: [{ rule: 'everything' }, { rule: 'billableUsers' }],
			continueOnFail: true,
		});
		expect(mixed.error).toBeUndefined();
		const items = mixed.output(NODE);
		const failed = items.filter((i) => i.json.reason !== undefined);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(String(failed[0].json.reason)).toMatch(
			/^Item 0: field "Count Rule" is "everything", which is not a count rule\. Choose one of: Billable Users \(billableUsers\)/,
		);
		expect(counts(items.filter((i) => i.json.reason === undefined))).toEqual(
			SMALL_EXPECTED.billableUsers,
		);
	});

	it('walks once per distinct parameter set and pairs items to every input that asked', async () => {
		const result = await run(mp.url, {
			parameters: { rule: '={{ $json.rule }}' },
			startItems: [
				{ rule: 'billableUsers' },
				{ rule: 'groupUserCount' },
				{ rule: 'billableUsers' },
			],
		});
		expect(result.error).toBeUndefined();
		const items = result.output(NODE);
		const reads = apiCalls(mp).filter((e) => e.path === '/api/v1/resellers/1');
		expect(reads).toHaveLength(2);
		const billable = items.filter(
			(i) => (i.json.breakdown as IDataObject).rule === 'billableUsers',
		);
		const group = items.filter((i) => (i.json.breakdown as IDataObject).rule === 'groupUserCount');
		expect(counts(billable)).toEqual(SMALL_EXPECTED.billableUsers);
		expect(counts(group)).toEqual(SMALL_EXPECTED.groupUserCount);
		for (const item of billable) expect(item.pairedItem).toEqual([{ item: 0 }, { item: 2 }]);
		for (const item of group) expect(item.pairedItem).toEqual({ item: 1 });
		expect(stampOf(billable[0]).id).not.toBe(stampOf(group[0]).id);
		expect(stampOf(billable[0]).items).toBe(billable.length);
		expect(stampOf(group[0]).items).toBe(group.length);
	});

	it('stops on a wrong key with the credential error and makes no further call', async () => {
		const result = await run(mp.url, { credentials: { apiKey: 'wrong-key' } });
		expect(result.error?.message).toContain('rejected the credentials (401)');
		expect((result.error as { description?: string }).description).toContain('API Key');
		expect(apiCalls(mp)).toHaveLength(1);
		assertNoSecretsIn(result.error);
	});

	it('with Continue On Fail, a wrong key becomes one item with its reason per input', async () => {
		const result = await run(mp.url, {
			credentials: { apiKey: 'wrong-key' },
			continueOnFail: true,
			startItems: [{ a: 1 }, { a: 2 }],
		});
		const items = result.output(NODE);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toMatchObject({ a: 1, reason: expect.stringContaining('401') });
		expect(apiCalls(mp)).toHaveLength(1);
	});

	it('names the Reseller ID field of the credential when the reseller is unknown', async () => {
		const result = await run(mp.url, { credentials: { resellerId: '999' } });
		expect(result.error?.message).toContain('Reseller ID');
		expect(result.error?.message).toContain('999');
		expect(apiCalls(mp).map((e) => e.path)).toEqual(['/api/v1/resellers/999']);
	});
});

describe('Get Counts on a generated data set (60 customers, page size 25, per_page ignored)', () => {
	const dataset: MpDataset = makeDataset({ customers: 60, seed: 1 });
	const minimum = minimumCalls(dataset).total;
	let mp: MailprotectorEmulator;
	beforeAll(async () => {
		mp = await startMailprotector({ dataset, pageSize: 25, honourPerPage: false });
	});
	afterAll(async () => await mp.close());
	beforeEach(() => mp.clearLog());

	it('has what the counts must cope with', () => {
		const types = new Set(dataset.users.map((u) => u.user_type.name));
		expect([...types].sort()).toEqual([
			'Alias',
			'Discovered User',
			'Mailing List',
			'Unlicensed User',
			'User',
		]);
		expect(dataset.domains.some((d) => d.parent !== null)).toBe(true);
		expect(dataset.domains.some((d) => d.domain_status.name === 'Pending')).toBe(true);
		const sets = new Set(
			dataset.userGroups.map((g) =>
				dataset.services
					.filter((s) => s.user_group.id === g.id)
					.map((s) => s.service_type)
					.join('+'),
			),
		);
		expect(sets.size).toBeGreaterThan(5);
		expect(dataset.services.some((s) => s.service_type === 'Shield Advanced')).toBe(true);
		// Zero pairs exist, so includeZero is put to the test.
		expect(
			expectedCounts(dataset, { includeZero: true }).filter((r) => r.count === 0),
		).toHaveLength(6);
		expect(dataset.customers.length).toBeGreaterThanOrEqual(60);
		expect(dataset.users.length).toBeGreaterThan(25 * 4);
	});

	it.each([
		['billableUsers', false],
		['billableUsers', true],
		['groupUserCount', false],
		['groupUserCount', true],
		['billableUsersPlusAliases', false],
		['billableUsersPlusAliases', true],
	] as const)(
		`rule %s, includeZero %s: the oracle's counts within 1.2 x the minimum of ${minimum} calls`,
		async (rule, includeZero) => {
			const result = await run(mp.url, { parameters: withOptions(rule, includeZero) });
			expect(result.error).toBeUndefined();
			const items = result.output(NODE);
			expect(counts(items)).toEqual(expectedCounts(dataset, { rule, includeZero }));
			const calls = apiCalls(mp).length;
			const stamp = stampOf(items[0]);
			expect(stamp).toMatchObject({ complete: true, items: items.length, calls });
			// Both numbers appear in the message when this fails.
			expect(`${calls} calls, minimum ${minimum}, ratio ${(calls / minimum).toFixed(2)}`).toMatch(
				calls <= 1.2 * minimum ? /calls/ : /^within 1\.2x$/,
			);
			expect(hintsOf(result)[0].message).toContain(`with ${calls} Mailprotector API calls`);
			// Every list ran to its end although page 1 always held 25 rows.
			expect(apiCalls(mp).every((e) => e.status === 200)).toBe(true);
		},
	);

	it('reads more than 50 chosen customers from the reseller-wide lists', async () => {
		const chosen = dataset.customers.slice(2, 57).map((c) => String(c.id));
		const result = await run(mp.url, {
			parameters: {
				customerScope: 'selected',
				selectedCustomers: { customer: chosen.map((value) => ({ customer: value })) },
				options: { requestsPerSecond: 1000 },
			},
		});
		const want = expectedCounts(dataset).filter((r) => chosen.includes(r.customerId));
		expect(counts(result.output(NODE))).toEqual(want);
		expect(apiCalls(mp).some((e) => e.path === '/api/v1/resellers/1/users')).toBe(true);
		// Only a customer that counts nothing is read on its own (its zero is confirmed first).
		const countsNothing = chosen.filter((id) => !want.some((r) => r.customerId === id));
		expect(countsNothing.length).toBeGreaterThan(0);
		const ownReads = apiCalls(mp)
			.map((e) => /^\/api\/v1\/customers\/(\d+)/.exec(e.path)?.[1])
			.filter((id) => id !== undefined);
		expect([...new Set(ownReads)].sort()).toEqual([...countsNothing].sort());
	});

	it('skips and reports a customer deleted during the walk; the others stay exact', async () => {
		const gone = dataset.customers[dataset.customers.length - 1].id;
		expect(expectedCounts(dataset).some((r) => r.customerId === String(gone))).toBe(true);
		const running = run(mp.url, { parameters: { options: { requestsPerSecond: 200 } } });
		// Services are read last, in customer order: delete the last customer once they start.
		while (!mp.log.some((e) => e.path.endsWith('/services'))) await sleep(2);
		expect(mp.state.deleteCustomer(gone)).toBe(true);
		const result = await running;
		mp.state.reset();
		expect(result.error).toBeUndefined();
		const items = result.output(NODE);
		const others = { ...dataset, customers: dataset.customers.filter((c) => c.id !== gone) };
		expect(counts(items)).toEqual(expectedCounts(others));
		const stamp = stampOf(items[0]);
		expect(stamp.complete).toBe(false);
		expect(stamp.skipped).toEqual([
			{
				customerId: String(gone),
				reason: expect.stringMatching(/answered 404: deleted during the walk/),
			},
		]);
		const hints = hintsOf(result).map((h) => h.message);
		expect(hints).toContainEqual(expect.stringContaining(`Customer ${gone} was skipped`));
		expect(hints[0]).toContain('incomplete walk');
	});

	it('fails on a malformed page with the endpoint and the field', async () => {
		const user = mp.state.dataset.users[30] as unknown as Record<string, unknown>;
		delete user.user_type;
		try {
			const result = await run(mp.url);
			expect(result.error?.message).toContain(
				'answered GET /api/v1/resellers/1/users page 2 in an unexpected shape',
			);
			expect((result.error as { description?: string }).description).toContain(
				'Field [5].user_type: Required',
			);
		} finally {
			mp.state.reset();
		}
	});
});

describe('Get Counts request shapes (nock)', () => {
	const BASE = 'https://mp.example.test';
	beforeEach(() => nock.disableNetConnect());
	afterEach(() => {
		nock.cleanAll();
		nock.enableNetConnect();
	});

	it('sends the Bearer key and page/per_page on every list, and walks pages to a confirmed end', async () => {
		const api = nock(BASE, { reqheaders: { authorization: 'Bearer mp-test-key' } })
			.matchHeader('accept', 'application/json')
			.get('/api/v1/resellers/1')
			.reply(200, { id: 1, name: 'R' });
		let served = 0;
		api.on('request', () => served++);
		const list = (path: string, pages: unknown[][]) => {
			pages.forEach((rows, i) =>
				api
					.get(path)
					.query({ page: String(i + 1), per_page: '100' })
					.reply(200, rows),
			);
			// Whether an end needs confirming depends on the longest page seen so far, which
			// depends on the order the three reseller lists answer in: these reads may come.
			const page = (n: number, rows: unknown[]) =>
				api
					.get(path)
					.query({ page: String(n), per_page: '100' })
					.optionally()
					.reply(200, rows);
			page(2, []);
			page(3, []);
			page(1, pages[0]);
		};
		list('/api/v1/resellers/1/customers', [[{ id: 7, name: 'Seven' }], []]);
		list('/api/v1/resellers/1/domains', [
			[
				{
					id: 70,
					name: 'seven.example',
					account: { id: 7 },
					parent: null,
					domain_status: { id: 2, name: 'Active' },
				},
			],
			[],
		]);
		list('/api/v1/resellers/1/users', [
			[
				{
					id: 1,
					parent: null,
					user_type: { id: 1, name: 'User' },
					user_group: { id: 700, name: 'Default' },
					domain: { id: 70 },
				},
				{
					id: 2,
					parent: null,
					user_type: { id: 1, name: 'User' },
					user_group: { id: 700, name: 'Default' },
					domain: { id: 70 },
				},
			],
			[],
		]);
		list('/api/v1/user_groups/700/services', [[{ id: 9, service_type: 'SafeSend Outbound' }], []]);

		const result = await run(BASE);
		expect(result.error).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
		expect(counts(result.output(NODE))).toEqual([
			{ customerId: '7', product: 'SafeSend', count: 2 },
		]);
		const calls = stampOf(result.output(NODE)[0]).calls;
		expect(calls).toBe(served);
		// 9 once (every list: page 1, then an empty page 2); the lists whose page 1 was the
		// longest seen confirm their end (page 2 again, page 3, page 1 again): at most 4 of them.
		expect(calls).toBeGreaterThanOrEqual(9 + 3);
		expect(calls).toBeLessThanOrEqual(9 + 4 * 3);
	});
});

describe('Customer list search', () => {
	let mp: MailprotectorEmulator;
	beforeAll(async () => {
		mp = await startMailprotector({ customers: 120 });
	});
	afterAll(async () => await mp.close());

	function loadOptionsContext(): ILoadOptionsFunctions {
		return fetchingLoadOptionsContext({
			name: NODE,
			type: nodeType('mailprotectorGetCounts'),
			credential: new MailprotectorApi(),
			credentials: credentialsFor({ mailprotectorUrl: mp.url }).mailprotectorApi,
		});
	}

	it('finds customers by part of the name, case-insensitively, page by page', async () => {
		const search = new MailprotectorGetCounts().methods.listSearch.searchCustomers;
		const ctx = loadOptionsContext();
		const all = mp.state.dataset.customers;
		const want = all.filter((c) => c.name.toLowerCase().includes('acme')).map((c) => String(c.id));
		// The API ignores per_page (25 a page): one search reads 4 pages and hands back a token.
		const first = await search.call(ctx, 'ACME');
		expect(first.paginationToken).toBe('5');
		expect(first.results[0]).toEqual({ name: 'ACME corp. (1001)', value: '1001' });
		const more = await search.call(ctx, 'acme', first.paginationToken);
		expect(more.paginationToken).toBeUndefined();
		expect([...first.results, ...more.results].map((r) => r.value)).toEqual(want);
		expect(want.length).toBeGreaterThan(2);

		const unfiltered = await search.call(ctx);
		expect(unfiltered.results).toHaveLength(100);
		expect(unfiltered.paginationToken).toBe('5');
		const rest = await search.call(ctx, undefined, unfiltered.paginationToken);
		expect(rest.results.map((r) => r.value)).toEqual(all.slice(100).map((c) => String(c.id)));
	});
});
