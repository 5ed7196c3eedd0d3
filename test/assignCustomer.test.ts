import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { GradientAssignCustomer } from '../nodes/GradientAssignCustomer/GradientAssignCustomer.node';
import { GradientMapService } from '../nodes/GradientMapService/GradientMapService.node';
import { MailprotectorGetCounts } from '../nodes/MailprotectorGetCounts/MailprotectorGetCounts.node';
import { descriptionOf } from '../nodes/GradientAssignCustomer/customers';
import { parseIdList } from '../nodes/GradientAssignCustomer/parameters';
import { planAccounts } from '../nodes/GradientAssignCustomer/plan';
import type { WalkStamp } from '../nodes/shared/walkStamp';
import { sourceKey } from '../nodes/shared/walkStamp';
import type { GradientEmulator, MpDataset } from './emulators';
import { expectedCounts, makeDataset, startGradient, startMailprotector } from './emulators';
import type { RunResult } from './harness/engine';
import { runWorkflow } from './harness/engine';
import { chain, credentialsFor, nodeType } from './harness/fixtures';
import { assertNoSecretsIn } from './harness/leaks';
import type { ScriptedServer } from './harness/scriptedServer';
import { startScriptedServer } from './harness/scriptedServer';

const NODE = 'Assign';
const nodeTypes = {
	[nodeType('gradientAssignCustomer')]: new GradientAssignCustomer(),
	[nodeType('gradientMapService')]: new GradientMapService(),
	[nodeType('mailprotectorGetCounts')]: new MailprotectorGetCounts(),
};

// --- data ----------------------------------------------------------------------------------

const walk = (items: number): WalkStamp => ({
	id: 'walk-1',
	complete: true,
	customers: 'all',
	products: 'all',
	items,
});

/** The customer's first active domain, computed from the data set (lowest id, not an alias). */
function firstActiveDomain(dataset: MpDataset, customerId: number): string {
	const domain = dataset.domains
		.filter((d) => d.account.id === customerId && !d.parent && d.domain_status.name === 'Active')
		.sort((a, b) => a.id - b.id)[0];
	return domain?.name ?? '';
}

/** Items as Get Counts emits them: one per (customer, product). */
function itemsFor(
	dataset: MpDataset,
	customers: number,
	products: string[] = ['CloudFilter', 'SafeSend'],
): IDataObject[] {
	const chosen = dataset.customers.slice(0, customers);
	const stamp = walk(chosen.length * products.length);
	return chosen.flatMap((c) =>
		products.map((product) => ({
			customerId: String(c.id),
			customerName: c.name,
			domains: dataset.domains.filter((d) => d.account.id === c.id).map((d) => d.name),
			product,
			count: 3,
			breakdown: { primaryDomain: firstActiveDomain(dataset, c.id) },
			walk: stamp,
		})),
	);
}

// --- running -------------------------------------------------------------------------------

interface RunOptions {
	staticData?: IDataObject;
	continueOnFail?: boolean;
}

async function runAssign(
	g: { url: string },
	items: IDataObject[],
	parameters: IDataObject = {},
	options: RunOptions = {},
): Promise<RunResult> {
	const workflow = chain(
		[
			{
				name: NODE,
				type: 'gradientAssignCustomer',
				parameters: parameters as never,
				credentials: ['gradientApi'],
				continueOnFail: options.continueOnFail,
			},
		],
		{ startItems: items },
	);
	return await runWorkflow({
		workflow,
		nodeTypes,
		credentials: credentialsFor({ gradientUrl: g.url }),
		staticData: options.staticData,
		mode: 'cli',
	});
}

const assigned = (r: RunResult) => r.output(NODE, 0);
const needsMapping = (r: RunResult) => r.output(NODE, 1);
const hints = (r: RunResult): string[] =>
	(r.run.data.resultData.runData[NODE]?.[0]?.hints ?? []).map((h) => h.message);
const writes = (g: GradientEmulator) =>
	g.log.filter((e) => e.method === 'POST' || e.method === 'PATCH');
const byCustomer = (items: INodeExecutionData[]) => {
	const out = new Map<string, IDataObject>();
	for (const item of items) out.set(String(item.json.customerId), item.json);
	return out;
};

function expectNoError(r: RunResult) {
	if (r.error) throw new Error(`Run failed: ${r.error.message} ${r.error.description ?? ''}`);
}

const emulators: Array<{ close(): Promise<void> }> = [];
async function gradient(opts: Parameters<typeof startGradient>[0] = {}): Promise<GradientEmulator> {
	const g = await startGradient(opts);
	emulators.push(g);
	return g;
}
afterAll(async () => {
	await Promise.all(emulators.map(async (e) => await e.close()));
});

// --- pure: the account plan -----------------------------------------------------------------

describe('planAccounts', () => {
	const customers = [
		{ customerId: '1', customerName: 'ACME corp.', description: 'acme.example' },
		{ customerId: '2', customerName: 'Smith & Sons LLC', description: 'smith.example' },
	];

	it('creates the missing, renames the changed, leaves the rest', () => {
		const plan = planAccounts({
			customers,
			accounts: [
				{ id: '2', name: 'Smith and Sons', description: 'smith.example', isMapped: false },
			],
		});
		expect(plan.creates).toEqual([{ id: '1', name: 'ACME corp.', description: 'acme.example' }]);
		expect(plan.renames).toEqual([
			{
				accountId: '2',
				customerId: '2',
				name: 'Smith & Sons LLC',
				description: 'smith.example',
				from: 'Smith and Sons',
			},
		]);
		expect(plan.customers.get('1')).toMatchObject({ action: 'create', gradientAccountId: '1' });
		expect(plan.customers.get('2')).toMatchObject({
			action: 'rename',
			gradientAccountMapped: false,
		});
	});

	it('keeps a remembered PSA spelling while the customer name is unchanged', () => {
		const memory = {
			aligned: { '1': { customerName: 'ACME corp.', accountName: 'Acme Corp' } },
			adopted: {},
		};
		const plan = planAccounts({
			customers: customers.slice(0, 1),
			accounts: [{ id: '1', name: 'Acme Corp', description: 'acme.example' }],
			memory,
		});
		expect(plan.renames).toEqual([]);
		expect(plan.customers.get('1')).toMatchObject({ action: 'existing', alignedTo: 'Acme Corp' });
		// A renamed customer drops the memory and the account follows the new name.
		const renamed = planAccounts({
			customers: [{ ...customers[0], customerName: 'Acme Holdings' }],
			accounts: [{ id: '1', name: 'Acme Corp', description: 'acme.example' }],
			memory,
		});
		expect(renamed.renames.map((r) => r.name)).toEqual(['Acme Holdings']);
		expect(renamed.memory.aligned).toEqual({});
	});

	it('never renames an overridden or adopted account', () => {
		const plan = planAccounts({
			customers,
			accounts: [
				{ id: 'psa-9', name: 'Whatever', isMapped: true },
				{ id: 'native-2', name: 'Smith & Sons LLC' },
			],
			overrides: new Map([['1', 'psa-9']]),
			adoptByName: true,
		});
		expect(plan.creates).toEqual([]);
		expect(plan.renames).toEqual([]);
		expect(plan.customers.get('1')).toMatchObject({
			action: 'override',
			gradientAccountId: 'psa-9',
			gradientAccountMapped: true,
		});
		expect(plan.customers.get('2')).toMatchObject({
			action: 'adopt',
			gradientAccountId: 'native-2',
		});
		expect(plan.memory.adopted['2']).toMatchObject({ accountId: 'native-2' });
	});

	it('does not adopt when several accounts carry the name', () => {
		const plan = planAccounts({
			customers: customers.slice(1),
			accounts: [
				{ id: 'a', name: 'Smith & Sons LLC' },
				{ id: 'b', name: 'Smith & Sons LLC' },
			],
			adoptByName: true,
		});
		expect(plan.creates).toEqual([]);
		expect(plan.customers.get('2')?.needsMapping?.candidates).toEqual([
			'Smith & Sons LLC (account a)',
			'Smith & Sons LLC (account b)',
		]);
	});

	it("never adopts another customer's account: override target, remembered adoption, excluded id", () => {
		const acme = { customerId: '5', customerName: 'Acme', description: '' };
		const accounts = [{ id: 'psa-acme', name: 'Acme' }];
		const reasonFor = (input: Partial<Parameters<typeof planAccounts>[0]>) => {
			const plan = planAccounts({ customers: [acme], accounts, adoptByName: true, ...input });
			const customer = plan.customers.get('5')!;
			expect(customer.gradientAccountId).toBeUndefined();
			expect(customer.needsMapping?.candidates).toEqual(['Acme (account psa-acme)']);
			expect(plan.creates).toEqual([]);
			return customer.needsMapping!.reason;
		};
		// An Account Override sends customer 9 (not in this run) to it.
		expect(reasonFor({ overrides: new Map([['9', 'psa-acme']]) })).toContain(
			'Account Overrides send customer 9 to it',
		);
		// Customer 9 adopted it on an earlier run.
		expect(
			reasonFor({
				memory: { aligned: {}, adopted: { '9': { accountId: 'psa-acme', customerName: 'Acme' } } },
			}),
		).toContain('customer 9 adopted it on an earlier run');
		// An adoption remembered before an exclusion made it another's is dropped, not kept.
		const excluded = planAccounts({
			customers: [acme],
			accounts: [{ id: '9', name: 'Acme' }],
			adoptByName: true,
			excluded: new Set(['9']),
			memory: { aligned: {}, adopted: { '5': { accountId: '9', customerName: 'Acme' } } },
		});
		expect(excluded.customers.get('5')?.needsMapping?.reason).toContain(
			'which Exclude Customer IDs leaves out',
		);
		expect(excluded.memory.adopted).toEqual({});
		// Free of all that, the account made by Mailprotector's own integration is still adopted.
		const free = planAccounts({ customers: [acme], accounts, adoptByName: true });
		expect(free.customers.get('5')).toMatchObject({
			action: 'adopt',
			gradientAccountId: 'psa-acme',
		});
	});

	it('creates an ambiguous customer under its own name but holds its items back', () => {
		const plan = planAccounts({
			customers: customers.slice(1),
			accounts: [],
			psaClients: [
				{ id: 'c1', name: 'Smith and Sons Inc' },
				{ id: 'c2', name: 'Smith & Sons Ltd' },
			],
		});
		expect(plan.creates).toEqual([
			{ id: '2', name: 'Smith & Sons LLC', description: 'smith.example' },
		]);
		expect(plan.customers.get('2')?.needsMapping?.candidates).toEqual([
			'Smith and Sons Inc',
			'Smith & Sons Ltd',
		]);
	});

	it('skips alignment for accounts Gradient already reports mapped', () => {
		const plan = planAccounts({
			customers: customers.slice(0, 1),
			accounts: [{ id: '1', name: 'ACME corp.', description: 'acme.example', isMapped: true }],
			psaClients: [{ id: 'c1', name: 'Acme Corp' }],
		});
		expect(plan.renames).toEqual([]);
		expect(plan.customers.get('1')).toMatchObject({
			action: 'existing',
			gradientAccountMapped: true,
		});
	});
});

describe('item helpers', () => {
	it('reads the first active domain from the item, its breakdown, or the domain list', () => {
		expect(descriptionOf({ primaryDomain: 'a.example', domains: ['b.example'] })).toBe('a.example');
		expect(
			descriptionOf({ breakdown: { primaryDomain: 'c.example' }, domains: ['b.example'] }),
		).toBe('c.example');
		expect(descriptionOf({ breakdown: { primaryDomain: null }, domains: ['b.example'] })).toBe(
			'b.example',
		);
		expect(descriptionOf({})).toBe('');
	});

	it('parses an exclusion list', () => {
		expect([...parseIdList('1024, 2048;4096\n8')]).toEqual(['1024', '2048', '4096', '8']);
		expect([...parseIdList([12, '13'])]).toEqual(['12', '13']);
		expect(parseIdList('').size).toBe(0);
	});
});

// --- through the engine, against the Gradient emulator ----------------------------------------

describe.each([
	['409', true],
	['409', false],
	['ignore', true],
	['ignore', false],
] as const)(
	'two runs in a row (duplicate account: %s, isMapped field: %s)',
	(duplicateAccount, field) => {
		it('creates each account exactly once and reports mapping as Gradient does', async () => {
			const dataset = makeDataset({ customers: 12 });
			const g = await gradient({ dataset, duplicateAccount, accountIsMappedField: field });
			const items = itemsFor(dataset, 12);

			const first = await runAssign(g, items);
			expectNoError(first);
			expect(assigned(first)).toHaveLength(24);
			expect(needsMapping(first)).toHaveLength(0);
			expect(g.state.accounts).toHaveLength(12);
			expect(g.state.duplicates()).toEqual({ accounts: [], services: [] });
			for (const c of dataset.customers.slice(0, 12)) {
				const account = g.state.findAccount(String(c.id));
				expect(account).toMatchObject({
					name: c.name,
					description: firstActiveDomain(dataset, c.id),
				});
			}
			// Both items of a customer carry the same account; pairedItem points at the input.
			const out = assigned(first);
			expect(out[0].json.gradientAccountId).toBe(String(dataset.customers[0].id));
			expect(out[1].json.gradientAccountId).toBe(String(dataset.customers[0].id));
			expect(out.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
			expect(out[0].json).toMatchObject({ ...items[0], gradientAccountAction: 'created' });
			// The create answer does not say whether an account is mapped.
			expect(new Set(out.map((i) => i.json.gradientAccountMapped))).toEqual(new Set([null]));
			expect(g.state.organization.status).toBe('pending');
			expect(g.log.filter((e) => e.method === 'POST')).toHaveLength(1);

			g.clearLog();
			const second = await runAssign(g, items, {}, { staticData: first.staticData });
			expectNoError(second);
			expect(writes(g)).toEqual([]);
			expect(g.log.map((e) => `${e.method} ${e.path}`)).toEqual([
				'GET /api/vendor-api/organization',
				'GET /api/vendor-api/organization/accounts',
			]);
			expect(g.state.accounts).toHaveLength(12);
			expect(g.state.duplicates()).toEqual({ accounts: [], services: [] });
			const mapped = assigned(second).map((i) => i.json.gradientAccountMapped);
			const expected = assigned(second).map((i) =>
				field
					? g.state.isAccountMapped(g.state.findAccount(String(i.json.gradientAccountId))!)
					: null,
			);
			expect(mapped).toEqual(expected);
			if (field) expect(new Set(mapped)).toEqual(new Set([true, false]));
			expect(assigned(second).every((i) => i.json.gradientAccountAction === 'existing')).toBe(true);
		});
	},
);

describe('Gradient Assign Customer against the emulator', () => {
	it('renames the account of a renamed customer instead of creating another', async () => {
		const dataset = makeDataset({ customers: 5 });
		const g = await gradient({ dataset });
		const items = itemsFor(dataset, 5);
		const first = await runAssign(g, items);
		expectNoError(first);

		const id = String(dataset.customers[2].id);
		const renamed = items.map((i) =>
			i.customerId === id ? { ...i, customerName: 'Renamed Holdings Ltd' } : i,
		);
		g.clearLog();
		const second = await runAssign(g, renamed, {}, { staticData: first.staticData });
		expectNoError(second);
		expect(writes(g).map((e) => `${e.method} ${e.path}`)).toEqual([
			`PATCH /api/vendor-api/organization/accounts/${id}`,
		]);
		expect(g.state.findAccount(id)?.name).toBe('Renamed Holdings Ltd');
		expect(g.state.accounts).toHaveLength(5);
		expect(g.state.duplicates().accounts).toEqual([]);
		expect(byCustomer(assigned(second)).get(id)).toMatchObject({
			gradientAccountId: id,
			gradientAccountAction: 'renamed',
			gradientAccountName: 'Renamed Holdings Ltd',
		});
	});

	describe.each(['409', 'ignore'] as const)('a create race (duplicate account: %s)', (reading) => {
		it('absorbs an account created between the read and the create', async () => {
			const dataset = makeDataset({ customers: 6 });
			const g = await gradient({ dataset, duplicateAccount: reading });
			const racer = String(dataset.customers[3].id);
			// Another writer creates one account just after the node has read the list.
			const record = g.log.push.bind(g.log);
			let raced = false;
			g.log.push = (...entries) => {
				for (const entry of entries) {
					if (!raced && entry.method === 'GET' && entry.path.endsWith('/organization/accounts')) {
						raced = true;
						g.state.addAccount({ id: racer, name: 'Created Elsewhere' });
					}
				}
				return record(...entries);
			};
			const items = itemsFor(dataset, 6);
			const first = await runAssign(g, items);
			expectNoError(first);
			expect(raced).toBe(true);
			expect(needsMapping(first)).toEqual([]);
			expect(assigned(first)).toHaveLength(12);
			expect(g.state.accounts).toHaveLength(6);
			expect(g.state.duplicates()).toEqual({ accounts: [], services: [] });
			const calls = g.log.map((e) => `${e.method} ${e.path} ${e.status}`);
			if (reading === '409') {
				// 409, re-read, the rest created, the raced account renamed to the customer's name.
				expect(calls).toEqual([
					'GET /api/vendor-api/organization 200',
					'PATCH /api/vendor-api/organization/status/pending 200',
					'GET /api/vendor-api/organization/accounts 200',
					'POST /api/vendor-api/organization/accounts 409',
					'GET /api/vendor-api/organization/accounts 200',
					'POST /api/vendor-api/organization/accounts 201',
					`PATCH /api/vendor-api/organization/accounts/${racer} 200`,
				]);
				expect(g.state.findAccount(racer)?.name).toBe(dataset.customers[3].name);
				expect(byCustomer(assigned(first)).get(racer)?.gradientAccountAction).toBe('renamed');
			} else {
				// Gradient skips the duplicate silently; the next run brings the name in line.
				expect(g.state.findAccount(racer)?.name).toBe('Created Elsewhere');
				g.clearLog();
				const second = await runAssign(g, items, {}, { staticData: first.staticData });
				expectNoError(second);
				expect(writes(g).map((e) => `${e.method} ${e.path}`)).toEqual([
					`PATCH /api/vendor-api/organization/accounts/${racer}`,
				]);
				expect(g.state.findAccount(racer)?.name).toBe(dataset.customers[3].name);
				expect(g.state.duplicates()).toEqual({ accounts: [], services: [] });
			}
		});
	});

	it('applies overrides and exclusions', async () => {
		const dataset = makeDataset({ customers: 6 });
		const g = await gradient({
			dataset,
			accounts: [{ id: 'psa-house-1', name: 'House Account' }],
		});
		const [a, b, c] = dataset.customers.map((x) => String(x.id));
		const items = itemsFor(dataset, 6);
		const r = await runAssign(g, items, {
			overrides: {
				override: [
					{ customerId: a, gradientAccountId: 'psa-house-1' },
					{ customerId: b, gradientAccountId: 'no-such-account' },
				],
			},
			excludeCustomerIds: `${c}, 999999`,
		});
		expectNoError(r);
		const out = byCustomer(assigned(r));
		expect(out.get(a)).toMatchObject({
			gradientAccountId: 'psa-house-1',
			gradientAccountAction: 'override',
		});
		expect(out.has(b)).toBe(false);
		expect(out.has(c)).toBe(false);
		const held = needsMapping(r);
		expect(held.map((i) => i.json.customerId)).toEqual([b, b]);
		expect(held[0].json.reason).toContain('"no-such-account", which does not exist in Gradient');
		// Neither the override's customer nor the excluded one got an account of its own.
		expect(g.state.findAccount(a)).toBeUndefined();
		expect(g.state.findAccount(c)).toBeUndefined();
		expect(g.state.accounts).toHaveLength(1 + 3);
		// The excluded and held pairs are on the walk stamp, so Push never zeroes them.
		const diverted = (assigned(r)[0].json.walk as WalkStamp).diverted ?? [];
		expect(diverted.sort()).toEqual(
			[
				sourceKey(b, 'CloudFilter'),
				sourceKey(b, 'SafeSend'),
				sourceKey(c, 'CloudFilter'),
				sourceKey(c, 'SafeSend'),
			].sort(),
		);
		expect(items.length).toBe(assigned(r).length + held.length + 2);
	});

	it('aligns "ACME corp." with the PSA client "Acme Corp", holds an ambiguous name, and remembers', async () => {
		const dataset = makeDataset({ customers: 3 });
		expect(dataset.customers[0].name).toBe('ACME corp.');
		expect(dataset.customers[1].name).toBe('Smith & Sons LLC');
		const g = await gradient({
			dataset,
			psaClients: ['Acme Corp', 'Smith and Sons Inc', 'Smith & Sons Ltd', 'MSP House Account'],
		});
		const [acme, smith, contoso] = dataset.customers.map((x) => String(x.id));
		const items = itemsFor(dataset, 3);

		const first = await runAssign(g, items, { alignNames: true });
		expectNoError(first);
		expect(g.state.findAccount(acme)?.name).toBe('Acme Corp');
		expect(g.state.isAccountMapped(g.state.findAccount(acme)!)).toBe(true);
		expect(byCustomer(assigned(first)).get(acme)).toMatchObject({
			gradientAccountId: acme,
			gradientAccountName: 'Acme Corp',
		});
		// Ambiguous: both candidates reported, the account keeps the customer's own name.
		const held = needsMapping(first);
		expect(held.map((i) => i.json.customerId)).toEqual([smith, smith]);
		expect(held[0].json.candidates).toEqual(['Smith and Sons Inc', 'Smith & Sons Ltd']);
		expect(held[0].json.reason).toContain('Ambiguous PSA name alignment');
		expect(held[0].json.gradientAccountId).toBe(smith);
		expect(g.state.findAccount(smith)?.name).toBe('Smith & Sons LLC');
		expect(byCustomer(assigned(first)).get(contoso)?.gradientAccountName).toBe('Contoso Ltd');
		expect(hints(first).join(' ')).toContain("1 to their PSA client's spelling");

		// Next run, alignment off: the PSA spelling stays (no rename back).
		g.clearLog();
		const second = await runAssign(g, items, {}, { staticData: first.staticData });
		expectNoError(second);
		expect(writes(g)).toEqual([]);
		expect(g.state.findAccount(acme)?.name).toBe('Acme Corp');
		expect(byCustomer(assigned(second)).get(acme)).toMatchObject({
			gradientAccountAction: 'existing',
			gradientAccountMapped: true,
		});
		expect(g.state.duplicates().accounts).toEqual([]);
	});

	it("adopts an account made by Mailprotector's own integration when asked", async () => {
		const dataset = makeDataset({ customers: 2 });
		const name = dataset.customers[0].name;
		const id = String(dataset.customers[0].id);
		const items = itemsFor(dataset, 2);

		const without = await gradient({ dataset, accounts: [{ id: 'mp-native-1', name }] });
		expectNoError(await runAssign(without, items));
		// Without the option a second account of the same name appears: what the option prevents.
		expect(without.state.duplicates().accounts).toEqual([name]);

		const g = await gradient({ dataset, accounts: [{ id: 'mp-native-1', name }] });
		const first = await runAssign(g, items, { adoptByName: true });
		expectNoError(first);
		expect(g.state.duplicates()).toEqual({ accounts: [], services: [] });
		expect(g.state.findAccount(id)).toBeUndefined();
		expect(byCustomer(assigned(first)).get(id)).toMatchObject({
			gradientAccountId: 'mp-native-1',
			gradientAccountAction: 'adopted',
		});
		// Remembered: a later rename of the customer keeps the adopted account.
		const renamed = items.map((i) =>
			i.customerId === id ? { ...i, customerName: 'New Name' } : i,
		);
		const second = await runAssign(
			g,
			renamed,
			{ adoptByName: true },
			{ staticData: first.staticData },
		);
		expectNoError(second);
		expect(byCustomer(assigned(second)).get(id)?.gradientAccountId).toBe('mp-native-1');
		expect(g.state.accounts).toHaveLength(2);
	});

	it('writes nothing on a dry run and says what it would do', async () => {
		const dataset = makeDataset({ customers: 4 });
		const id = String(dataset.customers[1].id);
		const g = await gradient({ dataset, accounts: [{ id, name: 'Old Name' }] });
		const r = await runAssign(g, itemsFor(dataset, 4), { dryRun: true });
		expectNoError(r);
		expect(writes(g)).toEqual([]);
		expect(g.state.accounts).toHaveLength(1);
		expect(g.state.organization.status).toBe('inactive');
		const out = byCustomer(assigned(r));
		expect(out.get(id)?.gradientAccountAction).toBe('would_rename');
		expect(out.get(String(dataset.customers[0].id))).toMatchObject({
			gradientAccountAction: 'would_create',
			gradientAccountId: String(dataset.customers[0].id),
		});
		expect(r.staticDataChanged).toBe(false);
		expect(hints(r).join(' ')).toContain(
			`would create 3 account(s) and rename 1 ("Old Name" -> "${dataset.customers[1].name}")`,
		);
		expect(hints(r).join(' ')).toContain('would set the integration status to pending');
	});

	it('reports an account whose only change is its description as a description update, not a rename', async () => {
		const dataset = makeDataset({ customers: 3 });
		const [a, b, c] = dataset.customers.map((x) => ({ id: String(x.id), name: x.name }));
		const accounts = () => [
			// Same name, another description: only the description is updated.
			{ id: a.id, name: a.name, description: 'old.example' },
			// Another name: a rename (the description goes with it).
			{ id: b.id, name: 'Old Name', description: 'old.example' },
			{ id: c.id, name: c.name, description: firstActiveDomain(dataset, Number(c.id)) },
		];
		const items = itemsFor(dataset, 3);

		const dry = await runAssign(await gradient({ dataset, accounts: accounts() }), items, {
			dryRun: true,
		});
		expectNoError(dry);
		expect(hints(dry).join(' ')).toContain(
			`would create 0 account(s), rename 1 ("Old Name" -> "${b.name}") and update the description (first active domain) of 1 account(s)`,
		);

		const g = await gradient({ dataset, accounts: accounts() });
		const r = await runAssign(g, items);
		expectNoError(r);
		expect(
			writes(g)
				.filter((e) => e.path.includes('/accounts/'))
				.map((e) => `${e.method} ${e.path}`)
				.sort(),
		).toEqual([a.id, b.id].map((id) => `PATCH /api/vendor-api/organization/accounts/${id}`).sort());
		expect(g.state.findAccount(a.id)).toMatchObject({
			name: a.name,
			description: firstActiveDomain(dataset, Number(a.id)),
		});
		const hint = hints(r)[0];
		expect(hint).toContain(
			`renamed 1 ("Old Name" -> "${b.name}"), updated the description (first active domain) of 1 account(s)`,
		);
		expect(hint).not.toContain(`"${a.name}" -> "${a.name}"`);
	});

	describe('bad input', () => {
		const dataset = makeDataset({ customers: 3 });
		const items = itemsFor(dataset, 3);
		const id = String(dataset.customers[1].id);
		const badOverride = {
			overrides: { override: [{ customerId: id, gradientAccountId: '={{ 42 }}' }] },
		};

		it('stops on an override whose account ID is not a string, naming the item and field', async () => {
			const g = await gradient({ dataset });
			const r = await runAssign(g, items, badOverride);
			expect(r.error?.message).toBe(
				`Item 2: field "Account Overrides > Gradient Account ID" for customer ${id} is 42 (a number), not a string`,
			);
			expect(r.error?.description).toContain('Gradient account IDs are text');
			expect(writes(g)).toEqual([]);
		});

		it('routes it to Needs Mapping with Continue On Fail, losing nothing', async () => {
			const g = await gradient({ dataset });
			const r = await runAssign(g, items, badOverride, { continueOnFail: true });
			expectNoError(r);
			expect(assigned(r)).toHaveLength(4);
			expect(needsMapping(r).map((i) => i.pairedItem)).toEqual([{ item: 2 }, { item: 3 }]);
			expect(needsMapping(r)[0].json.reason).toContain('Account Overrides > Gradient Account ID');
			expect(g.state.findAccount(id)).toBeUndefined();
		});

		it('names a missing customer ID field', async () => {
			const g = await gradient({ dataset });
			const broken = items.map((i, n) => (n === 1 ? { ...i, customerId: '' } : i));
			const r = await runAssign(g, broken);
			expect(r.error?.message).toBe('Item 1: field "customerId" is missing or empty');
			const kept = await runAssign(g, broken, {}, { continueOnFail: true });
			expect(needsMapping(kept).map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
			expect(assigned(kept)).toHaveLength(5);
		});
	});

	it('stops at once on a rejected credential, with no secret in the error', async () => {
		const dataset = makeDataset({ customers: 2 });
		const g = await gradient({ dataset, partnerApiKey: 'another-key' });
		const r = await runAssign(g, itemsFor(dataset, 2));
		expect(r.error?.message).toContain('401');
		assertNoSecretsIn(r.error);
		expect(g.log).toHaveLength(1);
		const kept = await runAssign(g, itemsFor(dataset, 2), {}, { continueOnFail: true });
		expect(needsMapping(kept)).toHaveLength(4);
		expect(String(needsMapping(kept)[0].json.reason)).toContain('rejected the credentials');
	});

	it('first run for 2,000 customers: 3 reads and writes plus one create per 100', async () => {
		const dataset = makeDataset({ customers: 2000 });
		const g = await gradient({ dataset });
		const items = itemsFor(dataset, 2000, ['CloudFilter']);
		const first = await runAssign(g, items);
		expectNoError(first);
		expect(assigned(first)).toHaveLength(2000);
		// GET organization, PATCH status, GET accounts, then 20 POSTs of 100.
		expect(g.log).toHaveLength(3 + 20);
		expect(g.log.length).toBeLessThanOrEqual(4 + Math.ceil(2000 / 100));
		expect(hints(first)[0]).toMatch(
			/^Gradient calls: 23\. Created 2000 account\(s\) in 20 request/,
		);
		expect(g.state.accounts).toHaveLength(2000);
		// No id twice; the one name clash is the data's own: two customers differing only in case.
		expect(new Set(g.state.accounts.map((a) => a.id)).size).toBe(2000);
		expect(g.state.duplicates().accounts).toEqual(['ACME corp.']);
		expect(dataset.customers.filter((c) => c.name.toLowerCase() === 'acme corp.')).toHaveLength(2);
		g.clearLog();
		expectNoError(await runAssign(g, items, {}, { staticData: first.staticData }));
		expect(g.log).toHaveLength(2);
	});
});

// --- exact request shapes, against a scripted server ------------------------------------------

describe('requests Gradient receives', () => {
	let server: ScriptedServer;
	afterEach(async () => {
		await server?.close();
	});

	it('creates in batches of the chosen size and degrades when the clients route fails', async () => {
		server = await startScriptedServer((arrival) => {
			if (arrival.path === '/api/vendor-api/organization') {
				return { body: { organizationId: 'org-1', name: 'MSP', status: 'active' } };
			}
			if (arrival.path.startsWith('/api/vendor-api/organization/clients')) {
				return { status: 404, body: { statusCode: 404, message: 'Cannot GET clients' } };
			}
			if (arrival.method === 'GET') return { body: [] };
			return { status: 201, body: JSON.parse(arrival.body) };
		});
		const items = [1, 2, 3, 4, 5].map((n) => ({
			customerId: n,
			customerName: `Customer ${n}`,
			domains: [`c${n}.example`],
			product: 'CloudFilter',
			count: 1,
		}));
		const r = await runAssign(server, items, {
			alignNames: true,
			options: { batchSize: 2 },
		});
		expectNoError(r);
		const posts = server.arrivals.filter((a) => a.method === 'POST');
		expect(posts.map((a) => JSON.parse(a.body))).toEqual([
			[
				{ id: '1', name: 'Customer 1', description: 'c1.example' },
				{ id: '2', name: 'Customer 2', description: 'c2.example' },
			],
			[
				{ id: '3', name: 'Customer 3', description: 'c3.example' },
				{ id: '4', name: 'Customer 4', description: 'c4.example' },
			],
			[{ id: '5', name: 'Customer 5', description: 'c5.example' }],
		]);
		expect(posts[0].headers['content-type']).toContain('application/json');
		// The integration is active already: no status change.
		expect(server.arrivals.some((a) => a.path.includes('/status/'))).toBe(false);
		expect(assigned(r)).toHaveLength(5);
		expect(hints(r).join(' ')).toContain('Names were not aligned this run');
	});

	it('holds the items of a refused create and keeps a refused rename going', async () => {
		server = await startScriptedServer((arrival) => {
			if (arrival.path === '/api/vendor-api/organization') {
				return { body: { organizationId: 'org-1', status: 'pending' } };
			}
			if (arrival.method === 'GET') return { body: [{ id: '1', name: 'Old Name' }] };
			return { status: 400, body: { statusCode: 400, message: 'name must be shorter' } };
		});
		const items = [
			{ customerId: '1', customerName: 'New Name', product: 'CloudFilter' },
			{ customerId: '2', customerName: 'Fresh Customer', product: 'CloudFilter' },
		];
		const r = await runAssign(server, items);
		expectNoError(r);
		expect(assigned(r).map((i) => [i.json.customerId, i.json.gradientAccountAction])).toEqual([
			['1', 'rename_failed'],
		]);
		expect(needsMapping(r).map((i) => i.json.customerId)).toEqual(['2']);
		expect(needsMapping(r)[0].json.reason).toBe(
			'Creating Gradient account 2 failed: Gradient refused POST /api/vendor-api/organization/accounts (400). Gradient said: "name must be shorter". Check the values sent for this item.',
		);
		expect(hints(r)[0]).toContain(
			'1 account update(s) failed (the accounts are still used; first:',
		);
		// 400 is not retried: one POST, one PATCH.
		expect(server.arrivals.filter((a) => a.method !== 'GET')).toHaveLength(2);
	});
});

// --- fed by the real Get Counts ---------------------------------------------------------------

describe('Get Counts -> Assign Customer -> Map Service', () => {
	it('takes what Get Counts emits: one account per customer, described by its first active domain', async () => {
		const dataset = makeDataset({ customers: 8 });
		const mp = await startMailprotector({ dataset });
		emulators.push(mp);
		const g = await gradient({ dataset });
		const workflow = chain([
			{ name: 'Counts', type: 'mailprotectorGetCounts', credentials: ['mailprotectorApi'] },
			{ name: NODE, type: 'gradientAssignCustomer', credentials: ['gradientApi'] },
			{ name: 'Map', type: 'gradientMapService', credentials: ['gradientApi'] },
		]);
		const r = await runWorkflow({
			workflow,
			nodeTypes,
			credentials: credentialsFor({ mailprotectorUrl: mp.url, gradientUrl: g.url }),
			mode: 'cli',
		});
		expectNoError(r);
		const expected = expectedCounts(dataset);
		const customers = [...new Set(expected.map((e) => e.customerId))];
		expect(r.output('Map')).toHaveLength(expected.length);
		expect(g.state.accounts.map((a) => a.id).sort()).toEqual([...customers].sort());
		for (const account of g.state.accounts) {
			expect(account.description).toBe(firstActiveDomain(dataset, Number(account.id)));
		}
		expect(g.state.vendor.skus.map((s) => s.name).sort()).toEqual(
			[...new Set(expected.map((e) => e.product))].sort(),
		);
		expect(g.state.duplicates()).toEqual({ accounts: [], services: [] });
		expect(r.output('Map')[0].json).toMatchObject({
			gradientAccountId: expected[0].customerId,
			product: expected[0].product,
			count: expected[0].count,
		});
	});
});
