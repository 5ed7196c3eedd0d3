import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	NodeExecutionHint,
} from 'n8n-workflow';

import { GradientPushBillable } from '../nodes/GradientPushBillable/GradientPushBillable.node';
import { parseApprovals } from '../nodes/GradientPushBillable/approvals';
import { guardReason } from '../nodes/GradientPushBillable/guard';
import type { PlanSettings } from '../nodes/GradientPushBillable/plan';
import { planPush } from '../nodes/GradientPushBillable/plan';
import { DEFAULT_FIELDS, readCount, readItem } from '../nodes/GradientPushBillable/readItems';
import type { CountClient } from '../nodes/GradientPushBillable/run';
import { runPlan } from '../nodes/GradientPushBillable/run';
import { apiError } from '../nodes/shared/errors';
import type { OrgState } from '../nodes/shared/ledger';
import { STATE_KEY, emptyState } from '../nodes/shared/ledger';
import { Pacer } from '../nodes/shared/pacing';
import type { WalkStamp } from '../nodes/shared/walkStamp';
import type { GradientEmulator } from './emulators';
import { startGradient } from './emulators';
import type { RunResult } from './harness/engine';

import { nodeType, runGradientNode } from './harness/fixtures';
import { assertNoSecretsIn } from './harness/leaks';
import type { ScriptedServer } from './harness/scriptedServer';
import { startScriptedServer } from './harness/scriptedServer';

describe('push plan (pure)', () => {
	const settings = (over: Partial<PlanSettings> = {}): PlanSettings => ({
		zeroVanished: true,
		skipUnchanged: false,
		massZero: { hold: true, maxSharePercent: 10, maxPairs: 25 },
		approvals: parseApprovals(''),
		...over,
	});
	const item = (index: number, json: IDataObject) =>
		readItem(
			{
				customerId: '1',
				product: 'CloudFilter',
				count: 1,
				gradientAccountId: 'a',
				gradientServiceId: 's',
				...json,
			},
			index,
			DEFAULT_FIELDS,
		);

	it('previews a service a dry-run Map Service would create, but never pushes without an id', () => {
		const planned = {
			gradientServiceId: null,
			gradientServiceAction: 'would_create',
			gradientServiceName: 'CloudFilter',
		};
		const dry = readItem(
			{ customerId: '1', product: 'CloudFilter', count: 4, gradientAccountId: 'a', ...planned },
			0,
			DEFAULT_FIELDS,
			true,
		);
		expect(dry).toMatchObject({
			item: { gradientServiceId: '(new service) CloudFilter', count: 4 },
		});
		const live = readItem(
			{ customerId: '1', product: 'CloudFilter', count: 4, gradientAccountId: 'a', ...planned },
			0,
			DEFAULT_FIELDS,
		);
		expect(live).toMatchObject({
			bad: { field: 'gradientServiceId', problem: 'is missing or empty' },
		});
	});

	it('reads counts strictly', () => {
		expect(readCount(3)).toEqual({ count: 3 });
		expect(readCount(' 12 ')).toEqual({ count: 12 });
		expect(readCount(2.5)).toEqual({ count: 2.5 });
		expect(readCount('12 users')).toEqual({ problem: 'is not a number (got "12 users")' });
		expect(readCount(true)).toEqual({ problem: 'is not a number (got boolean)' });
		expect(readCount(Infinity)).toEqual({ problem: 'is not a finite number (got Infinity)' });
		expect(readCount('-1')).toEqual({
			problem: 'is negative (-1); a unit count cannot be below 0',
		});
		expect(readCount(null)).toEqual({ problem: 'is missing' });
	});

	it('guards jumps and drops against the previous count only', () => {
		const guard = { maxChangePercent: 50, holdDropsToZero: true };
		expect(guardReason(20, 8, guard)).toMatch(/60%/);
		expect(guardReason(20, 11, guard)).toBeUndefined();
		expect(guardReason(20, 31, guard)).toMatch(/55%/);
		expect(guardReason(20, 0, guard)).toBe('drops from 20 to 0');
		expect(guardReason(null, 500, guard)).toBeUndefined();
		expect(guardReason(20, 8, undefined)).toBeUndefined();
	});

	it('sums different products of one pair; duplicates fail the whole pair', () => {
		const merged = planPush(
			[item(0, { count: 2 }), item(1, { product: 'Bracket', count: 3 })],
			emptyState(),
			'missing',
			settings(),
		);
		expect(merged.pairs).toHaveLength(1);
		expect(merged.pairs[0]).toMatchObject({ unitCount: 5, items: [0, 1], action: 'push' });

		const twins = planPush(
			[item(0, {}), item(1, {}), item(2, { product: 'Bracket' })],
			emptyState(),
			'missing',
			settings(),
		);
		expect(twins.pairs).toHaveLength(0);
		expect(twins.itemFailures.map((f) => f.index)).toEqual([0, 1, 2]);
		expect(twins.itemFailures[2].reason).toMatch(/item 0, 1 of the same pair/);
	});

	it('tells items without a product apart by their service', () => {
		const plan = planPush(
			[item(0, { product: undefined }), item(1, { product: undefined, gradientServiceId: 't' })],
			emptyState(),
			'missing',
			settings(),
		);
		expect(plan.itemFailures).toHaveLength(0);
		expect(plan.pairs).toHaveLength(2);
	});

	it('passes an approved guard hold and marks it approved', () => {
		const state: OrgState = {
			...emptyState(),
			pairs: {
				'a|s': { count: 20, customerId: '1', customerName: '', products: ['CloudFilter'], at: '' },
			},
		};
		const guard = { maxChangePercent: 50, holdDropsToZero: true };
		const held = planPush([item(0, { count: 8 })], state, 'ok', settings({ guard }));
		expect(held.pairs[0].action).toBe('hold');
		// Approving ahead releases nothing: only a change that was held and shown is approved.
		const ahead = planPush(
			[item(0, { count: 8 })],
			state,
			'ok',
			settings({ guard, approvals: parseApprovals('a|s') }),
		);
		expect(ahead.pairs[0].action).toBe('hold');
		const wasHeld: OrgState = {
			...state,
			held: {
				'a|s': {
					count: 8,
					previousCount: 20,
					customerId: '1',
					customerName: '',
					products: ['CloudFilter'],
					gradientAccountId: 'a',
					gradientServiceId: 's',
					reason: '',
					at: '2024-01-01T00:00:00Z',
				},
			},
		};
		const approved = planPush(
			[item(0, { count: 8 })],
			wasHeld,
			'ok',
			settings({ guard, approvals: parseApprovals('a|s') }),
		);
		expect(approved.pairs[0]).toMatchObject({ action: 'push', approved: 'key' });
	});
});

describe('push run (pure, with a stand-in client)', () => {
	const plan = (n: number) =>
		planPush(
			Array.from({ length: n }, (_, i) =>
				readItem(
					{
						customerId: String(i),
						product: 'P',
						count: i,
						gradientAccountId: String(i),
						gradientServiceId: 's',
					},
					i,
					DEFAULT_FIELDS,
				),
			),
			emptyState(),
			'missing',
			{
				zeroVanished: true,
				skipUnchanged: false,
				massZero: { hold: true, maxSharePercent: 10, maxPairs: 25 },
				approvals: parseApprovals(''),
			},
		);
	const failure = (status: number) =>
		apiError({ name: 'Push' } as never, {
			api: 'Gradient',
			endpoint: 'POST count',
			status,
			attempts: 1,
			kind: 'status',
		});

	it('sends no_build on every count, then one rebuild; tries another pair if the rebuild fails', async () => {
		const calls: Array<{ accountId: string; noBuild: boolean }> = [];
		let rebuilds = 0;
		const client: CountClient = {
			pushCount: async (_s, accountId, _n, noBuild) => {
				calls.push({ accountId, noBuild });
				if (!noBuild && rebuilds++ === 0) throw failure(503);
				return { outcome: 'pushed', status: 201 };
			},
		};
		const report = await runPlan(client, plan(4), { dryRun: false, concurrency: 2 });
		expect(calls.filter((c) => c.noBuild)).toHaveLength(4);
		expect(calls.filter((c) => !c.noBuild).map((c) => c.accountId)).toEqual(['3', '2']);
		expect(report.rebuild).toEqual({ status: 'sent', key: '2|s' });
	});

	it('sends nothing more once Gradient answers 403, and halts the transport', async () => {
		let sent = 0;
		let halted: Error | undefined;
		const client: CountClient = {
			pushCount: async () => {
				sent++;
				if (sent === 2) throw failure(403);
				return { outcome: 'pushed', status: 201 };
			},
			halt: (error) => {
				halted = error;
			},
		};
		const report = await runPlan(client, plan(10), { dryRun: false, concurrency: 1 });
		expect(sent).toBe(2);
		expect(halted).toBe(report.stopped);
		expect(report.results.map((r) => r.outcome)).toEqual(['pushed', ...Array(9).fill('failed')]);
		expect(new Set(report.results.slice(1).map((r) => r.reason)).size).toBe(1);
		expect(report.rebuild.status).toBe('stopped');
	});

	it('says on a Not Mapped pair what Gradient said and how to fix it', async () => {
		const client: CountClient = {
			pushCount: async (_s, accountId) =>
				accountId === '1'
					? { outcome: 'not_mapped', status: 404, message: 'No account map found with id: 1' }
					: accountId === '2'
						? { outcome: 'not_mapped', status: 404 }
						: { outcome: 'pushed', status: 201 },
		};
		const report = await runPlan(client, plan(3), { dryRun: false, concurrency: 1 });
		expect(report.results.map((r) => [r.outcome, r.reason])).toEqual([
			['pushed', undefined],
			[
				'not_mapped',
				'Not mapped in Gradient yet (404: No account map found with id: 1). Map this account and service in Synthesize; the next run pushes it.',
			],
			[
				'not_mapped',
				'Not mapped in Gradient yet (404). Map this account and service in Synthesize; the next run pushes it.',
			],
		]);
	});

	it('sends nothing in a dry run', async () => {
		const client: CountClient = {
			pushCount: async () => {
				throw new Error('must not be called');
			},
		};
		const report = await runPlan(client, plan(3), { dryRun: true, concurrency: 2 });
		expect(report.results.map((r) => r.outcome)).toEqual(['dry_run', 'dry_run', 'dry_run']);
		expect(report.rebuild.status).toBe('dry_run');
	});
});

describe('pacing the pushes', () => {
	it('does not burst when the event loop stalls while requests wait for their slots', async () => {
		const pacer = new Pacer(50); // one slot every 20 ms
		await pacer.take(); // the first slot is now: taken before the others queue up
		const starts: number[] = [];
		const waiters = Array.from({ length: 10 }, async () => {
			await pacer.take();
			starts.push(Date.now());
		});
		// A 150 ms stall (GC, a big JSON parse): eight waiters' slots pass meanwhile.
		const until = Date.now() + 150;
		while (Date.now() < until) {
			// busy
		}
		await Promise.all(waiters);
		starts.sort((a, b) => a - b);
		const most = Math.max(...starts.map((t) => starts.filter((u) => u >= t && u < t + 40).length));
		expect(most).toBeLessThanOrEqual(3); // 40 ms hold two slots, plus one a slot late
	});
});

const NODE = 'Push';
const nodeTypes = { [nodeType('gradientPushBillable')]: new GradientPushBillable() };
const PRODUCTS = ['CloudFilter', 'SafeSend'];
const AUDIT_FIELDS = [
	'runId',
	'customerId',
	'customerName',
	'product',
	'gradientAccountId',
	'gradientServiceId',
	'previousCount',
	'unitCount',
	'change',
	'status',
	'at',
].sort();

interface Run extends RunResult {
	pushed: INodeExecutionData[];
	notMapped: INodeExecutionData[];
	failed: INodeExecutionData[];
	held: INodeExecutionData[];
	hints: string[];
}

interface RunArgs {
	parameters?: INodeParameters;
	options?: IDataObject;
	staticData?: IDataObject;
	continueOnFail?: boolean;
	credentials?: Record<string, string>;
}

const SAFETY = [
	'approveHeldBefore',
	'approveHeldKeys',
	'holdMassZeroing',
	'maxZeroPairs',
	'maxZeroSharePercent',
];

/** Splits test settings into the node's three collections, as the editor stores them. */
function pick(all: IDataObject | undefined, collection: string): INodeParameters {
	const out: INodeParameters = {};
	for (const [key, value] of Object.entries(all ?? {})) {
		const home = SAFETY.includes(key)
			? 'billingSafety'
			: key.endsWith('Field')
				? 'inputFields'
				: 'options';
		if (home === collection) out[key] = value as INodeParameters[string];
	}
	return out;
}

async function push(items: IDataObject[], url: string, args: RunArgs = {}): Promise<Run> {
	const result = await runGradientNode({
		name: NODE,
		type: 'gradientPushBillable',
		parameters: {
			...(args.parameters ?? {}),
			// Short backoff so retry tests do not sleep in real time.
			options: { retryBaseMs: 5, ...pick(args.options, 'options') },
			billingSafety: pick(args.options, 'billingSafety'),
			inputFields: pick(args.options, 'inputFields'),
		},
		items,
		gradientUrl: url,
		nodeTypes,
		continueOnFail: args.continueOnFail,
		credentials: args.credentials,
		staticData: args.staticData,
	});
	const task = result.run.data.resultData.runData[NODE]?.[0] as
		| { hints?: NodeExecutionHint[] }
		| undefined;
	return {
		...result,
		pushed: result.output(NODE, 0),
		notMapped: result.output(NODE, 1),
		failed: result.output(NODE, 2),
		held: result.output(NODE, 3),
		hints: (task?.hints ?? []).map((h) => h.message),
	};
}

/** A Gradient with `customers` mapped accounts ('1'..'n'), one unmapped account 'u1', and PRODUCTS as services. */
async function gradient(customers: number): Promise<GradientEmulator> {
	const accounts = Array.from({ length: customers }, (_, i) => ({
		id: String(i + 1),
		name: `Customer ${i + 1}`,
	}));
	return await startGradient({
		services: [...PRODUCTS, 'Bracket'],
		accounts: [...accounts, { id: 'u1', name: 'Nobody In The PSA' }],
		psaClients: accounts.map((a) => a.name),
	});
}

const serviceId = (g: GradientEmulator, name: string) =>
	g.state.vendor.skus.find((s) => s.name === name)!.id;

const stamp = (items: number, over: Partial<WalkStamp> = {}): WalkStamp => ({
	id: 'walk-1',
	complete: true,
	customers: 'all',
	products: 'all',
	items,
	...over,
});

/** One item per (customer, product) as the chain delivers it, all stamped with one walk. */
function chainItems(
	g: GradientEmulator,
	rows: Array<{ customer: number | string; product: string; count: number; service?: string }>,
	walk: Partial<WalkStamp> | null = {},
): IDataObject[] {
	const w = walk === null ? undefined : stamp(rows.length, walk);
	return rows.map((r) => ({
		customerId: String(r.customer),
		customerName: `Customer ${r.customer}`,
		product: r.product,
		count: r.count,
		gradientAccountId: String(r.customer),
		gradientServiceId: serviceId(g, r.service ?? r.product),
		...(w ? { walk: w } : {}),
	}));
}

/** Every customer 1..n with both products; count = customer * 10 + product index. */
function grid(n: number) {
	const rows: Array<{ customer: number; product: string; count: number }> = [];
	for (let c = 1; c <= n; c++) {
		PRODUCTS.forEach((product, k) => rows.push({ customer: c, product, count: c * 10 + k }));
	}
	return rows;
}

const counted = (g: GradientEmulator, account: string, product: string) =>
	g.state.counts[`${account}|${serviceId(g, product)}`]?.unitCount;

const posts = (g: GradientEmulator) => g.log.filter((e) => e.method === 'POST');

/** n8n keeps global workflow static data under the key `global`. */
const stateOf = (staticData: IDataObject) =>
	(staticData.global as IDataObject)[STATE_KEY] as IDataObject;

const ledgerOf = (g: GradientEmulator, staticData: IDataObject) =>
	stateOf(staticData)[g.state.organization.organizationId] as IDataObject & {
		pairs: Record<string, { count: number }>;
		held: Record<string, unknown>;
	};

describe('Gradient Push Billable through the engine', () => {
	let g: GradientEmulator;

	afterEach(async () => {
		await g?.close();
	});

	it('sets every count, sums merged bundles, routes 404 to Not Mapped, and rebuilds once', async () => {
		g = await gradient(5);
		const rows = [
			...grid(5),
			// A bundle merged by Map Service: Bracket counted under the CloudFilter service.
			{ customer: 1, product: 'Bracket', count: 5, service: 'CloudFilter' },
		];
		const items = [
			...chainItems(g, rows),
			{
				customerId: 'u1',
				customerName: 'Nobody',
				product: 'CloudFilter',
				count: 3,
				gradientAccountId: 'u1',
				gradientServiceId: serviceId(g, 'CloudFilter'),
			},
		];
		const r = await push(items, g.url);
		expect(r.error).toBeUndefined();

		expect(r.pushed).toHaveLength(10);
		expect(r.notMapped).toHaveLength(1);
		expect(r.failed).toHaveLength(0);
		for (let c = 1; c <= 5; c++) {
			expect(counted(g, String(c), 'CloudFilter')).toBe(c * 10 + (c === 1 ? 5 : 0));
			expect(counted(g, String(c), 'SafeSend')).toBe(c * 10 + 1);
		}
		expect(g.state.builds).toBe(1);
		// Every count with no_build=true, then exactly one more push without it.
		const countPosts = posts(g).filter((e) => e.path.endsWith('/count'));
		expect(countPosts.filter((e) => e.query.no_build === 'true')).toHaveLength(11);
		expect(countPosts.filter((e) => e.query.no_build === undefined)).toHaveLength(1);

		const merged = r.pushed.find((i) => i.json.customerId === '1' && i.json.unitCount === 15)!;
		expect(Object.keys(merged.json).sort()).toEqual(AUDIT_FIELDS);
		expect(merged.json).toMatchObject({
			product: 'CloudFilter + Bracket',
			gradientAccountId: '1',
			previousCount: null,
			change: null,
			status: 'pushed',
			runId: expect.any(String),
		});
		expect(merged.pairedItem).toEqual([{ item: 0 }, { item: 10 }]);
		expect(r.notMapped[0].json).toMatchObject({
			gradientAccountId: 'u1',
			status: 'not_mapped',
			httpStatus: 404,
			// Gradient's words, and what to do about them.
			reason:
				'Not mapped in Gradient yet (404: No account map found with id: u1). Map this account and service in Synthesize; the next run pushes it.',
		});
		expect(r.notMapped[0].pairedItem).toEqual({ item: 11 });

		const ledger = ledgerOf(g, r.staticData);
		expect(ledger.version).toBe(1);
		expect(typeof ledger.lastRunAt).toBe('string');
		expect(Object.keys(ledger.pairs)).toHaveLength(10);
		expect(ledger.pairs[`1|${serviceId(g, 'CloudFilter')}`]).toMatchObject({
			count: 15,
			customerId: '1',
			products: ['CloudFilter', 'Bracket'],
		});
		assertNoSecretsIn(JSON.stringify(r.run.data.resultData));
	});

	it('loses no pair under 5xx, resets and 429 bursts: pushed + failed + not mapped = input pairs', async () => {
		g = await gradient(30);
		g.setFaults({
			errorRate: 0.1,
			resetRate: 0.05,
			storm: { every: 25, length: 4, retryAfter: null },
			seed: 7,
		});
		const rows = grid(30);
		const r = await push(chainItems(g, rows), g.url, { options: { maxRetries: 1 } });
		expect(r.error).toBeUndefined();

		expect(g.stats.injectedErrors).toBeGreaterThan(0);
		expect(g.stats.resets).toBeGreaterThan(0);
		expect(g.stats.tooManyRequests).toBeGreaterThan(0);
		expect(r.pushed.length + r.failed.length + r.notMapped.length).toBe(rows.length);
		expect(r.failed.length).toBeGreaterThan(0);
		for (const item of r.failed) {
			expect(item.json.status).toBe('failed');
			expect(String(item.json.reason)).not.toBe('');
			expect('httpStatus' in item.json).toBe(true);
		}
		for (const item of r.pushed) {
			const product = String(item.json.product);
			expect(counted(g, String(item.json.gradientAccountId), product)).toBe(item.json.unitCount);
		}
		// Only what Gradient accepted is remembered.
		expect(Object.keys(ledgerOf(g, r.staticData).pairs)).toHaveLength(r.pushed.length);
	});

	it('retries until every pair is set when retries suffice, with one build', async () => {
		g = await gradient(20);
		g.setFaults({ errorRate: 0.1, resetRate: 0.05, storm: { every: 30, length: 3 }, seed: 3 });
		const rows = grid(20);
		const r = await push(chainItems(g, rows), g.url);
		expect(r.pushed).toHaveLength(rows.length);
		for (const row of rows) expect(counted(g, String(row.customer), row.product)).toBe(row.count);
		expect(g.state.builds).toBe(1);
	});

	it('dry run predicts Not Mapped from Assign Customer, with the licences left unbilled', async () => {
		g = await gradient(4);
		// Customers 3 and 4: accounts Assign Customer found unmapped (gradientAccountMapped false).
		const items = chainItems(g, grid(4)).map((json) => ({
			...json,
			gradientAccountMapped: Number(json.customerId) < 3,
		}));
		const dry = await push(items, g.url, { parameters: { dryRun: true } });
		expect(posts(g)).toHaveLength(0);
		expect(dry.pushed).toHaveLength(4);
		expect(dry.notMapped.map((i) => i.json.customerId)).toEqual(['3', '3', '4', '4']);
		expect(dry.notMapped[0].json).toMatchObject({ status: 'dry_run', unitCount: 30 });
		expect(String(dry.notMapped[0].json.reason)).toMatch(
			/^Dry run: account 3 is not mapped to a PSA company in Synthesize yet, so Gradient will refuse this count \(30 licence\(s\) unbilled\)/,
		);
		expect(dry.hints).toContain(
			'2 customer(s) (4 count(s), 142 licence(s)) are not mapped in Synthesize yet: Gradient will refuse them (see Not Mapped). Map them before the first run.',
		);
		expect(dry.staticData).toEqual({ global: {} });
	});

	it('dry run sends nothing, shows the previous counts and leaves the ledger alone', async () => {
		g = await gradient(3);
		const first = await push(chainItems(g, grid(3)), g.url);
		g.clearLog();
		const changed = grid(3).map((row) => ({ ...row, count: row.count + 1 }));
		const dry = await push(chainItems(g, changed), g.url, {
			parameters: { dryRun: true },
			staticData: first.staticData,
		});
		expect(posts(g)).toHaveLength(0);
		expect(g.log.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /api/vendor-api/organization']);
		expect(dry.pushed).toHaveLength(6);
		for (const item of dry.pushed) {
			expect(item.json.status).toBe('dry_run');
			expect(item.json.change).toBe(1);
			expect(item.json.unitCount).toBe((item.json.previousCount as number) + 1);
		}
		expect(dry.staticData).toEqual(first.staticData);
	});

	it('pushes 0 for a pair proven gone on the next run, and forgets it', async () => {
		g = await gradient(10);
		const first = await push(chainItems(g, grid(10)), g.url);
		expect(first.pushed).toHaveLength(20);
		g.clearLog();
		// Customer 4 cancelled SafeSend: 19 pairs, one zero is 5% of the ledger.
		const rows = grid(10).filter((row) => !(row.customer === 4 && row.product === 'SafeSend'));
		const second = await push(chainItems(g, rows), g.url, { staticData: first.staticData });
		expect(second.error).toBeUndefined();
		const zeroed = second.pushed.filter((i) => i.json.status === 'zeroed');
		expect(zeroed).toHaveLength(1);
		expect(zeroed[0].json).toMatchObject({
			customerId: '4',
			product: 'SafeSend',
			previousCount: 41,
			unitCount: 0,
			change: -41,
		});
		// Its proof: the first item of customer 4 in this run.
		expect(zeroed[0].pairedItem).toEqual({ item: 6 });
		expect(counted(g, '4', 'SafeSend')).toBe(0);
		expect(g.state.builds).toBe(2);
		expect(second.pushed.filter((i) => i.json.status === 'pushed')).toHaveLength(19);
		const ledger = ledgerOf(g, second.staticData);
		expect(ledger.pairs[`4|${serviceId(g, 'SafeSend')}`]).toBeUndefined();
		expect(Object.keys(ledger.pairs)).toHaveLength(19);
	});

	it('zeroes every pair of a customer absent from a complete walk of all customers', async () => {
		g = await gradient(12);
		const first = await push(chainItems(g, grid(12)), g.url);
		const rows = grid(12).filter((row) => row.customer !== 12);
		const second = await push(chainItems(g, rows), g.url, { staticData: first.staticData });
		const zeroed = second.pushed.filter((i) => i.json.status === 'zeroed');
		expect(zeroed.map((i) => i.json.product).sort()).toEqual(['CloudFilter', 'SafeSend']);
		expect(counted(g, '12', 'CloudFilter')).toBe(0);
	});

	it('holds a mass zeroing for review, and pushes the zeroes once approved', async () => {
		g = await gradient(10);
		const first = await push(chainItems(g, grid(10)), g.url);
		const rows = grid(10).filter((row) => row.customer > 3); // 6 of 20 pairs gone: 30%
		const second = await push(chainItems(g, rows), g.url, { staticData: first.staticData });
		expect(second.pushed.filter((i) => i.json.status === 'zeroed')).toHaveLength(0);
		expect(second.held).toHaveLength(6);
		expect(second.held[0].json).toMatchObject({
			status: 'held',
			unitCount: 0,
			reason: expect.stringContaining('6 of the 20 remembered pairs'),
			ledgerKey: expect.stringContaining('|'),
		});
		expect(counted(g, '1', 'CloudFilter')).toBe(10);
		expect(Object.keys(ledgerOf(g, second.staticData).held)).toHaveLength(6);

		const third = await push(chainItems(g, rows), g.url, {
			staticData: second.staticData,
			options: { approveHeldBefore: new Date(Date.now() + 60_000).toISOString() },
		});
		expect(third.held).toHaveLength(0);
		expect(third.pushed.filter((i) => i.json.status === 'zeroed')).toHaveLength(6);
		expect(counted(g, '1', 'CloudFilter')).toBe(0);
		expect(ledgerOf(g, third.staticData).held).toEqual({});
	});

	it('never zeroes from an incomplete walk, a filtered input, no stamp or a lost ledger', async () => {
		g = await gradient(10);
		const first = await push(chainItems(g, grid(10)), g.url);
		const kept = grid(10).filter((row) => row.customer !== 4);

		const incomplete = await push(chainItems(g, kept, { complete: false }), g.url, {
			staticData: first.staticData,
		});
		expect(incomplete.pushed.filter((i) => i.json.status === 'zeroed')).toHaveLength(0);
		expect(incomplete.hints.join('\n')).toMatch(/incomplete/);

		// A Filter between Map Service and Push removed customer 4: the walk emitted 20 items.
		const filtered = await push(chainItems(g, kept, { items: 20 }), g.url, {
			staticData: first.staticData,
		});
		expect(filtered.pushed.filter((i) => i.json.status === 'zeroed')).toHaveLength(0);
		expect(filtered.hints.join('\n')).toMatch(/2 of the 20 items of walk walk-1 are unaccounted/);

		const unstamped = await push(chainItems(g, kept, null), g.url, {
			staticData: first.staticData,
		});
		expect(unstamped.pushed.filter((i) => i.json.status === 'zeroed')).toHaveLength(0);
		expect(unstamped.hints.join('\n')).toMatch(/no walk stamp/);

		const lost = await push(chainItems(g, kept), g.url, { staticData: {} });
		expect(lost.pushed.filter((i) => i.json.status === 'zeroed')).toHaveLength(0);
		expect(lost.hints.join('\n')).toMatch(/no ledger/);

		// A pair diverted on the way (e.g. Needs Mapping) is not gone either.
		const diverted = await push(
			chainItems(g, kept, { items: 20, diverted: ['4::CloudFilter', '4::SafeSend'] }),
			g.url,
			{ staticData: first.staticData },
		);
		expect(diverted.pushed.filter((i) => i.json.status === 'zeroed')).toHaveLength(0);
		expect(counted(g, '4', 'CloudFilter')).toBe(40);
	});

	it('guard holds a 60% drop, records it, and releases it when approved', async () => {
		g = await gradient(3);
		const first = await push(chainItems(g, grid(3)), g.url);
		const rows = grid(3).map((row) =>
			row.customer === 2 && row.product === 'CloudFilter' ? { ...row, count: 8 } : row,
		); // 20 -> 8: a 60% drop
		const guarded = { changeGuard: true, maxChangePercent: 50 };
		const second = await push(chainItems(g, rows), g.url, {
			parameters: guarded,
			staticData: first.staticData,
		});
		expect(second.held).toHaveLength(1);
		expect(second.held[0].json).toMatchObject({
			customerId: '2',
			previousCount: 20,
			unitCount: 8,
			change: -12,
			status: 'held',
			reason: expect.stringContaining('60%'),
		});
		expect(counted(g, '2', 'CloudFilter')).toBe(20);
		expect(second.pushed).toHaveLength(5);
		const key = String(second.held[0].json.ledgerKey);
		expect(ledgerOf(g, second.staticData).held[key]).toMatchObject({ count: 8, previousCount: 20 });

		const third = await push(chainItems(g, rows), g.url, {
			parameters: guarded,
			staticData: second.staticData,
			options: { approveHeldKeys: key },
		});
		expect(third.held).toHaveLength(0);
		expect(counted(g, '2', 'CloudFilter')).toBe(8);
		expect(ledgerOf(g, third.staticData).held).toEqual({});
		expect(ledgerOf(g, third.staticData).pairs[key].count).toBe(8);
	});

	it('warns about Approve Held Pairs keys that match no held pair, naming them and what is held', async () => {
		g = await gradient(3);
		const first = await push(chainItems(g, grid(3)), g.url);
		const rows = grid(3).map((row) =>
			row.customer === 2 && row.product === 'CloudFilter' ? { ...row, count: 8 } : row,
		);
		const guarded = { changeGuard: true, maxChangePercent: 50 };
		const second = await push(chainItems(g, rows), g.url, {
			parameters: guarded,
			staticData: first.staticData,
		});
		const key = String(second.held[0].json.ledgerKey);
		const third = await push(chainItems(g, rows), g.url, {
			parameters: guarded,
			staticData: second.staticData,
			options: { approveHeldKeys: `2, ${key.replace('|', ' | ')}` },
		});
		// Typos release nothing: the pair stays held, and the warning says which keys and why.
		expect(third.held).toHaveLength(1);
		expect(counted(g, '2', 'CloudFilter')).toBe(20);
		expect(third.hints).toContain(
			`Approve Held Pairs released nothing for "2" (no pair is held for review under it), "${key.replace('|', ' | ')}" (no pair is held for review under it); held now: ${key}. Copy the ledgerKey of a Held for Review item (<account id>|<service id>) into Billing Safety > Approve Held Pairs; it releases that held count once.`,
		);
		// The right key releases the pair and draws no warning.
		const fourth = await push(chainItems(g, rows), g.url, {
			parameters: guarded,
			staticData: third.staticData,
			options: { approveHeldKeys: key },
		});
		expect(fourth.held).toHaveLength(0);
		expect(fourth.hints.filter((h) => h.startsWith('Approve Held Pairs'))).toEqual([]);
	});

	it('refuses an Approve All Held Before that is not a date before sending anything', async () => {
		g = await gradient(2);
		const r = await push(chainItems(g, grid(2)), g.url, {
			options: { approveHeldBefore: 'last tuesday' },
		});
		expect(r.error?.message).toBe(
			'Billing Safety > Approve All Held Before is not a date ("last tuesday")',
		);
		expect((r.error as { description?: string }).description).toBe(
			'Enter a date and time (ISO 8601, e.g. 2025-01-31T00:00:00Z), or clear the option.',
		);
		expect(posts(g)).toEqual([]);

		// With Continue On Fail the push goes on, releasing nothing by date, and says so.
		const cof = await push(chainItems(g, grid(2)), g.url, {
			options: { approveHeldBefore: 'last tuesday' },
			continueOnFail: true,
		});
		expect(cof.error).toBeUndefined();
		expect(cof.pushed).toHaveLength(4);
		expect(cof.hints).toContain(
			'Billing Safety > Approve All Held Before is not a date ("last tuesday"). Enter a date and time (ISO 8601, e.g. 2025-01-31T00:00:00Z), or clear the option. Nothing held was released by date this run.',
		);
	});

	it('skips unchanged pairs when asked, still reporting them', async () => {
		g = await gradient(2);
		const first = await push(chainItems(g, grid(2)), g.url);
		g.clearLog();
		const second = await push(chainItems(g, grid(2)), g.url, {
			staticData: first.staticData,
			options: { skipUnchanged: true },
		});
		expect(second.pushed.map((i) => i.json.status)).toEqual(Array(4).fill('unchanged'));
		expect(second.pushed[0].json.change).toBe(0);
		expect(posts(g)).toHaveLength(0);
	});

	it('sends two items for one (customer, product) to Failed, never summed', async () => {
		g = await gradient(2);
		const items = chainItems(g, [...grid(2), { customer: 1, product: 'CloudFilter', count: 99 }]);
		const r = await push(items, g.url);
		expect(r.error).toBeUndefined();
		expect(r.failed.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 4 }]);
		for (const item of r.failed) {
			expect(item.json.reason).toMatch(
				/Items 0 and 4 are all for customer 1, product "CloudFilter"/,
			);
		}
		expect(counted(g, '1', 'CloudFilter')).toBeUndefined();
		expect(r.pushed).toHaveLength(3);
	});

	describe('bad input', () => {
		const cases: Array<[string, IDataObject, string]> = [
			['a non-numeric count', { count: 'ten' }, 'Item 1: field "count" is not a number'],
			['a negative count', { count: -2 }, 'Item 1: field "count" is negative'],
			['a missing count', { count: undefined }, 'Item 1: field "count" is missing'],
			[
				'a missing account id',
				{ gradientAccountId: '' },
				'Item 1: field "gradientAccountId" is missing',
			],
			[
				'a missing service id',
				{ gradientServiceId: undefined },
				'Item 1: field "gradientServiceId" is missing',
			],
		];

		it.each(cases)('%s stops the node before anything is sent', async (_, patch, message) => {
			g = await gradient(2);
			const items = chainItems(g, grid(2), null);
			items[1] = { ...items[1], ...patch };
			const r = await push(items, g.url);
			expect(r.nodeError(NODE)?.message).toContain(message);
			expect(posts(g)).toHaveLength(0);
		});

		it('with Continue On Fail, a bad item and the rest of its pair go to Failed', async () => {
			g = await gradient(2);
			const items = chainItems(g, grid(2), null);
			items[1] = { ...items[1], count: 'ten' };
			items.push({ ...items[1], product: 'Bracket', count: 4 }); // merged into item 1's pair
			const r = await push(items, g.url, { continueOnFail: true });
			expect(r.error).toBeUndefined();
			expect(r.failed.map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 4 }]);
			expect(r.failed[0].json).toMatchObject({ field: 'count', status: 'failed', unitCount: null });
			expect(r.failed[1].json.reason).toMatch(/item 1 of the same pair/);
			expect(counted(g, '1', 'SafeSend')).toBeUndefined();
			expect(r.pushed).toHaveLength(3);
		});
	});

	it('reads field names set in Options', async () => {
		g = await gradient(1);
		const items = chainItems(g, grid(1)).map((json) => ({
			acct: json.gradientAccountId,
			svc: json.gradientServiceId,
			units: { total: json.count },
			customerId: json.customerId,
			product: json.product,
		}));
		const r = await push(items, g.url, {
			options: { accountIdField: 'acct', serviceIdField: 'svc', countField: 'units.total' },
		});
		expect(r.pushed).toHaveLength(2);
		expect(counted(g, '1', 'SafeSend')).toBe(11);
	});

	it('keeps unknown keys of the organization state (e.g. Assign Customer memory)', async () => {
		g = await gradient(1);
		const orgId = g.state.organization.organizationId;
		const r = await push(chainItems(g, grid(1)), g.url, {
			staticData: {
				global: { [STATE_KEY]: { [orgId]: { aligned: { 1: { accountName: 'A' } } } } },
			},
		});
		expect(ledgerOf(g, r.staticData).aligned).toEqual({ 1: { accountName: 'A' } });
		expect(Object.keys(ledgerOf(g, r.staticData).pairs)).toHaveLength(2);
	});

	it('stops at once on 401: with Continue On Fail every pair is Failed with one reason', async () => {
		g = await gradient(3);
		const r = await push(chainItems(g, grid(3)), g.url, {
			continueOnFail: true,
			credentials: { partnerApiKey: 'wrong' },
		});
		expect(g.log).toHaveLength(1);
		expect(r.failed).toHaveLength(6);
		expect(new Set(r.failed.map((i) => i.json.reason)).size).toBe(1);
		expect(String(r.failed[0].json.reason)).toMatch(/401/);
		expect(r.failed[0].json).toMatchObject({ status: 'failed', httpStatus: 401, customerId: '1' });
		assertNoSecretsIn(JSON.stringify(r.failed));

		const thrown = await push(chainItems(g, grid(3)), g.url, {
			credentials: { partnerApiKey: 'wrong' },
		});
		expect(thrown.nodeError(NODE)?.message).toMatch(/rejected the credentials \(401\)/);
	});
});

describe('Gradient Push Billable on a 403 from Gradient', () => {
	let server: ScriptedServer;

	afterEach(async () => {
		await server?.close();
	});

	it('stops the push at once, remembers what was pushed, and fails the rest with one reason', async () => {
		const serviceIdHex = 'a'.repeat(24);
		let countCalls = 0;
		server = await startScriptedServer((arrival) => {
			if (arrival.path.startsWith('/api/vendor-api/organization')) {
				return { status: 200, body: { organizationId: 'org-403' } };
			}
			countCalls++;
			// The 11th count call on is flagged as unusual traffic.
			if (countCalls > 10) return { status: 403, body: { statusCode: 403, message: 'Forbidden' } };
			return {
				status: 201,
				body: { status: 201, message: 'Created service unit count' },
				delayMs: 5,
			};
		});
		const items = Array.from({ length: 100 }, (_, i) => ({
			customerId: String(i + 1),
			product: 'CloudFilter',
			count: 1,
			gradientAccountId: String(i + 1),
			gradientServiceId: serviceIdHex,
		}));
		const r = await push(items, server.url, {
			continueOnFail: true,
			options: { concurrency: 4, requestsPerSecond: 200 },
		});
		const countArrivals = server.arrivals.filter((a) => a.path.includes('/count'));
		// The 403 ends the run: only calls already on the wire finish, nothing new starts.
		expect(countArrivals.length).toBeLessThanOrEqual(10 + 4);
		expect(r.pushed).toHaveLength(10);
		expect(r.failed).toHaveLength(90);
		expect(new Set(r.failed.map((i) => i.json.reason)).size).toBe(1);
		expect(String(r.failed[0].json.reason)).toMatch(/403/);
		expect(r.hints.join('\n')).toMatch(/not rebuilt/);
		const ledger = stateOf(r.staticData)['org-403'] as IDataObject;
		expect(Object.keys(ledger.pairs as IDataObject)).toHaveLength(10);

		const thrown = await push(items, server.url, { options: { concurrency: 4 } });
		expect(thrown.nodeError(NODE)?.message).toMatch(/403/);
		expect(thrown.nodeError(NODE)?.description).toMatch(/0 pair\(s\) were pushed before the stop/);
	});
});

describe('billing integrity: what Gradient holds after remaps, 404s, exclusions and approvals', () => {
	let g: GradientEmulator;

	afterEach(async () => {
		await g?.close();
	});

	const statusOf = (r: Run, status: string) => r.pushed.filter((i) => i.json.status === status);

	it('zeroes the old pair when a Service Table change moves a product to another service (11.3)', async () => {
		g = await gradient(10);
		const bracket = { customer: 2, product: 'Bracket', count: 5 };
		const first = await push(chainItems(g, [...grid(10), bracket]), g.url);
		expect(counted(g, '2', 'Bracket')).toBe(5);
		// Bracket now merges into CloudFilter: 2|CloudFilter bills 25, 2|Bracket must not bill 5 too.
		const second = await push(
			chainItems(g, [...grid(10), { ...bracket, service: 'CloudFilter' }]),
			g.url,
			{ staticData: first.staticData },
		);
		expect(second.error).toBeUndefined();
		expect(counted(g, '2', 'CloudFilter')).toBe(25);
		expect(counted(g, '2', 'Bracket')).toBe(0);
		const zeroed = statusOf(second, 'zeroed');
		expect(zeroed.map((i) => i.json)).toEqual([
			expect.objectContaining({ customerId: '2', product: 'Bracket', previousCount: 5 }),
		]);
		expect(second.hints.join('\n')).toMatch(/1 remembered pair\(s\) are superseded/);
		const ledger = ledgerOf(g, second.staticData);
		expect(ledger.pairs[`2|${serviceId(g, 'Bracket')}`]).toBeUndefined();
		expect(ledger.pairs[`2|${serviceId(g, 'CloudFilter')}`].count).toBe(25);
	});

	it('zeroes the old account when an Account Override moves a customer (11.3)', async () => {
		g = await gradient(11);
		const rows = grid(10);
		const first = await push(chainItems(g, rows), g.url);
		// Customer 4 now bills to account 11 (a new override).
		const moved = chainItems(g, rows).map((json) =>
			json.customerId === '4' ? { ...json, gradientAccountId: '11' } : json,
		);
		const second = await push(moved, g.url, { staticData: first.staticData });
		expect(counted(g, '11', 'CloudFilter')).toBe(40);
		expect(counted(g, '11', 'SafeSend')).toBe(41);
		expect(counted(g, '4', 'CloudFilter')).toBe(0);
		expect(counted(g, '4', 'SafeSend')).toBe(0);
		expect(statusOf(second, 'zeroed')).toHaveLength(2);
	});

	it('keeps the old pair while the new one is not set, and says so (11.3)', async () => {
		g = await gradient(10);
		const first = await push(chainItems(g, grid(10)), g.url);
		// Customer 3 moved to an account that is not mapped yet: its new pairs answer 404.
		const moved = chainItems(g, grid(10)).map((json) =>
			json.customerId === '3' ? { ...json, gradientAccountId: 'u1' } : json,
		);
		const second = await push(moved, g.url, { staticData: first.staticData });
		expect(second.notMapped).toHaveLength(2);
		expect(counted(g, '3', 'CloudFilter')).toBe(30);
		expect(second.failed).toHaveLength(2);
		expect(String(second.failed[0].json.reason)).toMatch(
			/Not zeroed: its products now bill to u1\|.*which was not set this run/,
		);
		expect(ledgerOf(g, second.staticData).pairs[`3|${serviceId(g, 'CloudFilter')}`].count).toBe(30);
	});

	it('holds a remap that supersedes many pairs under the mass-zero rules (11.3)', async () => {
		g = await gradient(10);
		const withBracket = [
			...grid(10),
			...Array.from({ length: 10 }, (_, i) => ({ customer: i + 1, product: 'Bracket', count: 3 })),
		];
		const first = await push(chainItems(g, withBracket), g.url);
		const remapped = withBracket.map((r) =>
			r.product === 'Bracket' ? { ...r, service: 'CloudFilter' } : r,
		);
		const second = await push(chainItems(g, remapped), g.url, { staticData: first.staticData });
		expect(second.held).toHaveLength(10);
		expect(String(second.held[0].json.reason)).toMatch(/^superseded, zeroing: 10 of the 30/);
		expect(counted(g, '1', 'Bracket')).toBe(3);
	});

	it('keeps a remembered count through a transient 404, and zeroes it when proven gone (11.4)', async () => {
		g = await gradient(10);
		const first = await push(chainItems(g, grid(10)), g.url);
		g.setOptions({ mappedServiceNames: ['CloudFilter', 'Bracket'] }); // SafeSend 404s for a run
		const second = await push(chainItems(g, grid(10)), g.url, { staticData: first.staticData });
		expect(second.notMapped).toHaveLength(10);
		expect(String(second.notMapped[2].json.reason)).toMatch(
			/Gradient accepted this pair before \(last count \d+\) but now answers 404/,
		);
		expect(ledgerOf(g, second.staticData).pairs[`3|${serviceId(g, 'SafeSend')}`].count).toBe(31);
		g.setOptions({ mappedServiceNames: null });
		// Customer 3 cancels: both its pairs are zeroed, the one that 404'd included.
		const rows = grid(10).filter((r) => r.customer !== 3);
		const third = await push(chainItems(g, rows), g.url, { staticData: second.staticData });
		expect(
			statusOf(third, 'zeroed')
				.map((i) => i.json.product)
				.sort(),
		).toEqual(['CloudFilter', 'SafeSend']);
		expect(counted(g, '3', 'SafeSend')).toBe(0);
	});

	it('never zeroes an excluded customer: not a dropped product, not a departure (11.5)', async () => {
		g = await gradient(10);
		const first = await push(chainItems(g, grid(10)), g.url);
		// Customer 4 is excluded in Assign Customer and dropped SafeSend.
		const rest = grid(10).filter((r) => r.customer !== 4);
		const dropped = await push(
			chainItems(g, rest, { items: 19, diverted: ['4::CloudFilter'], excluded: ['4'] }),
			g.url,
			{ staticData: first.staticData },
		);
		expect(statusOf(dropped, 'zeroed')).toHaveLength(0);
		expect(counted(g, '4', 'SafeSend')).toBe(41);
		expect(dropped.hints.join('\n')).toMatch(/2 remembered pair\(s\) of excluded customers/);
		// Customer 4 left Mailprotector altogether: still excluded, still untouched.
		const departed = await push(chainItems(g, rest, { excluded: ['4'] }), g.url, {
			staticData: dropped.staticData,
		});
		expect(statusOf(departed, 'zeroed')).toHaveLength(0);
		expect(counted(g, '4', 'CloudFilter')).toBe(40);
		expect(Object.keys(ledgerOf(g, departed.staticData).pairs)).toHaveLength(20);
	});

	it('an approval releases the reviewed count once (11.7)', async () => {
		g = await gradient(3);
		const guarded = { changeGuard: true, maxChangePercent: 50 };
		const at = (count: number) =>
			grid(3).map((r) => (r.customer === 1 && r.product === 'CloudFilter' ? { ...r, count } : r));
		const first = await push(chainItems(g, at(10)), g.url, { parameters: guarded });
		const held = await push(chainItems(g, at(100)), g.url, {
			parameters: guarded,
			staticData: first.staticData,
		});
		const key = String(held.held[0].json.ledgerKey);
		// Reviewed 10 -> 100, but the count moved on to 5000 before the approval ran: held again.
		const moved = await push(chainItems(g, at(5000)), g.url, {
			parameters: guarded,
			staticData: held.staticData,
			options: { approveHeldKeys: key },
		});
		expect(moved.held).toHaveLength(1);
		expect(counted(g, '1', 'CloudFilter')).toBe(10);
		// Reviewed 10 -> 5000 now: released once.
		const released = await push(chainItems(g, at(5000)), g.url, {
			parameters: guarded,
			staticData: moved.staticData,
			options: { approveHeldKeys: key },
		});
		expect(released.held).toHaveLength(0);
		expect(counted(g, '1', 'CloudFilter')).toBe(5000);
		// The key left in the option does not wave through the next jump.
		const back = await push(chainItems(g, at(10)), g.url, {
			parameters: guarded,
			staticData: released.staticData,
			options: { approveHeldKeys: key },
		});
		const again = await push(chainItems(g, at(10)), g.url, {
			parameters: guarded,
			staticData: back.staticData,
			options: { approveHeldKeys: key },
		});
		expect(again.held).toHaveLength(1);
		expect(counted(g, '1', 'CloudFilter')).toBe(5000);
		expect(again.hints.join('\n')).toMatch(
			/already released 5000 on .*; remove it and add it again/,
		);
		// An Approve All Held Before date releases the count that was held at that time only.
		const byDate = await push(chainItems(g, at(10)), g.url, {
			parameters: guarded,
			staticData: again.staticData,
			options: { approveHeldBefore: new Date(Date.now() + 60_000).toISOString() },
		});
		expect(byDate.held).toHaveLength(0);
		expect(counted(g, '1', 'CloudFilter')).toBe(10);
	});

	it('reads a ledger count stored as text, and keeps an unreadable entry (11.10)', async () => {
		g = await gradient(10);
		const first = await push(chainItems(g, grid(10)), g.url);
		const org = g.state.organization.organizationId;
		const data = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
		const pairs = ((data.global as IDataObject)[STATE_KEY] as IDataObject)[org] as {
			pairs: Record<string, IDataObject>;
		};
		const cf4 = `4|${serviceId(g, 'CloudFilter')}`;
		const ss5 = `5|${serviceId(g, 'SafeSend')}`;
		pairs.pairs[cf4].count = '40'; // hand-edited, or an older version
		pairs.pairs[ss5].count = 'fifty-one';
		const rows = grid(10).filter((r) => !(r.customer === 4 && r.product === 'CloudFilter'));
		const second = await push(chainItems(g, rows), g.url, { staticData: data });
		const zeroed = statusOf(second, 'zeroed');
		expect(zeroed.map((i) => i.json)).toEqual([
			expect.objectContaining({ customerId: '4', product: 'CloudFilter', previousCount: 40 }),
		]);
		expect(counted(g, '4', 'CloudFilter')).toBe(0);
		expect(second.hints.join('\n')).toMatch(
			new RegExp(`1 ledger entry is not readable .*pairs\\["${ss5.replace('|', '\\|')}"\\]`),
		);
		// Pushed again this run, so the entry is replaced by a good one; otherwise kept as stored.
		expect(ledgerOf(g, second.staticData).pairs[ss5].count).toBe(51);
	});
});
