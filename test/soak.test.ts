/**
 * Fault soak: the whole chain Get Counts -> Assign Customer -> Map Service -> Push Billable
 * (with Gradient Alert on every failure output) in the real engine, against both emulators
 * injecting 5xx, resets, 429 storms (with and without Retry-After), malformed bodies and jitter.
 *
 * Three runs share the workflow static data, as production runs do:
 *   A  first sync under faults (storms with Retry-After); accounts and services are created;
 *   B  after the data changed (customers added and one deleted), under other faults (storms
 *      without Retry-After): more accounts are created, the deleted customer's pairs are zeroed;
 *   C  faults off: the sync converges to the oracle, with nothing duplicated.
 * Each faulty run must account for every pair: pushed + not mapped + failed (with a reason)
 * + held = pairs in, and no push ever carries a number other than the oracle's.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { STATE_KEY } from '../nodes/shared/ledger';
import type {
	ExpectedCount,
	FaultConfig,
	GradientEmulator,
	MailprotectorEmulator,
	MpDataset,
} from './emulators';
import { expectedCounts, makeDataset, startGradient, startMailprotector } from './emulators';
import type { RunResult, WorkflowJson } from './harness/engine';
import { runWorkflow } from './harness/engine';
import {
	SYNC_NODES,
	chain,
	connect,
	credentialsFor,
	hintMessages,
	nodeType,
	sourceOf,
	syncChain,
} from './harness/fixtures';
import { assertNoSecretsIn } from './harness/leaks';
import { allNodeTypes } from './harness/nodeTypes';

const CUSTOMERS = 100;
const SEED = 4242;
const HOUSE = 'msp-house';
const HOUSE_NAME = 'MSP House Account';

const { get: GET, assign: ASSIGN, map: MAP, push: PUSH } = SYNC_NODES;

/** Alert nodes on the failure outputs: [node name, category, from node, output index]. */
const ALERTS: Array<[string, string, string, number]> = [
	['Alert Needs Mapping', 'needsMapping', ASSIGN, 1],
	['Alert Unmapped', 'unmapped', MAP, 1],
	['Alert Not Mapped', 'notMapped', PUSH, 1],
	['Alert Failed', 'failed', PUSH, 2],
	['Alert Held', 'held', PUSH, 3],
];

interface Retries {
	mailprotector: number;
	gradient: number;
	push: number;
}

/** Short backoff keeps the soak bounded; retries are set per node through its Options. */
const requestOptions = (maxRetries: number, extra: IDataObject = {}) => ({
	options: { retryBaseMs: 20, maxRetries, ...extra },
});

function alertParameters(category: string, retries: number): INodeParameters {
	return {
		mode: 'runSummary',
		houseAccountId: HOUSE,
		category,
		...requestOptions(retries),
	};
}

function syncWorkflow(retries: Retries): WorkflowJson {
	const wf = syncChain({
		get: {
			parameters: requestOptions(retries.mailprotector, { requestsPerSecond: 400, concurrency: 8 }),
			credentials: ['mailprotectorApi'],
			continueOnFail: true,
		},
		assign: {
			// Small batches, so account creation meets the faults in several requests.
			parameters: requestOptions(retries.gradient, { batchSize: 10 }),
			credentials: ['gradientApi'],
			continueOnFail: true,
		},
		map: {
			parameters: requestOptions(retries.gradient),
			credentials: ['gradientApi'],
			continueOnFail: true,
		},
		push: {
			parameters: requestOptions(retries.push),
			credentials: ['gradientApi'],
			continueOnFail: true,
		},
	});
	ALERTS.forEach(([name, category, from, output], k) => {
		wf.nodes.push({
			id: `alert-${k}`,
			name,
			type: nodeType('gradientAlert'),
			typeVersion: 1,
			position: [1100, k * 200],
			parameters: alertParameters(category, retries.gradient),
			credentials: { gradientApi: { id: 'grCredTest000001', name: 'Gradient test' } },
			onError: 'continueRegularOutput',
		});
		connect(wf, from, name, output);
	});
	return wf;
}

/** Where a (customer, product) pair of this run ended, with its reason off the happy path. */
interface Ending {
	key: string;
	where: 'pushed' | 'notMapped' | 'failed' | 'held' | 'needsMapping' | 'unmapped';
	reason?: string;
	unitCount?: unknown;
}

/** Endings of this walk's pairs; `gone` pairs (zeroed, or a zero that failed) are not of this walk. */
function endings(r: RunResult, gone: Set<string>): Ending[] {
	const out: Ending[] = [];
	const add = (items: INodeExecutionData[], where: Ending['where']) => {
		for (const { json } of items) {
			if (json.status === 'zeroed' || gone.has(sourceOf(json))) continue;
			out.push({
				key: sourceOf(json),
				where,
				reason: typeof json.reason === 'string' ? json.reason : undefined,
				unitCount: json.unitCount,
			});
		}
	};
	add(r.output(ASSIGN, 1), 'needsMapping');
	add(r.output(MAP, 1), 'unmapped');
	add(r.output(PUSH, 0), 'pushed');
	add(r.output(PUSH, 1), 'notMapped');
	add(r.output(PUSH, 2), 'failed');
	add(r.output(PUSH, 3), 'held');
	return out;
}

/** "... 253 Gradient API call(s), 59 retried, 24 rate-limited (429)." from Push's hint. */
function pushStats(r: RunResult): { calls: number; retried: number; throttled: number } {
	const line = hintMessages(r, PUSH).find((h) => /Gradient API call\(s\)/.test(h)) ?? '';
	const m = /(\d+) Gradient API call\(s\), (\d+) retried, (\d+) rate-limited/.exec(line);
	return m
		? { calls: Number(m[1]), retried: Number(m[2]), throttled: Number(m[3]) }
		: { calls: 0, retried: 0, throttled: 0 };
}

interface Figures {
	run: string;
	pairs: number;
	pushed: number;
	notMapped: number;
	failed: number;
	held: number;
	needsMapping: number;
	unmapped: number;
	zeroed: number;
	pushRetries: number;
	mailprotector: {
		requests: number;
		tooMany: number;
		errors: number;
		resets: number;
		malformed: number;
	};
	gradient: {
		requests: number;
		tooMany: number;
		errors: number;
		resets: number;
		malformed: number;
	};
	ms: number;
}

describe('fault soak: the whole chain in the engine against both emulators', () => {
	let mp: MailprotectorEmulator;
	let g: GradientEmulator;
	let staticData: IDataObject = {};
	const figures: Figures[] = [];
	/** Oracle per run, and the range of g.state.pushes each run produced. */
	const pushRanges: Array<{
		from: number;
		to: number;
		oracle: Map<string, number>;
		zeroes: Set<string>;
	}> = [];
	let deleted: { customerId: string; pairs: string[] } | undefined;
	const runs: Record<string, RunResult> = {};

	const nodeTypes = allNodeTypes();
	const oracleOf = (dataset: MpDataset): ExpectedCount[] => expectedCounts(dataset);
	const serviceId = (name: string) => g.state.vendor.skus.find((s) => s.name === name)?.id;
	const accountMapped = (id: string) => {
		const account = g.state.findAccount(id);
		return account !== undefined && g.state.isAccountMapped(account);
	};

	beforeAll(async () => {
		const dataset = makeDataset({ customers: CUSTOMERS, seed: SEED });
		mp = await startMailprotector({ dataset });
		g = await startGradient({ dataset, accounts: [{ id: HOUSE, name: HOUSE_NAME }] });
	});

	afterAll(async () => {
		await mp?.close();
		await g?.close();
	});

	async function sync(label: string, retries: Retries): Promise<RunResult> {
		const oracle = oracleOf(mp.state.dataset);
		const before = g.state.pushes.length;
		mp.clearLog();
		g.clearLog();
		const started = Date.now();
		const r = await runWorkflow({
			workflow: syncWorkflow(retries),
			nodeTypes,
			credentials: credentialsFor({ mailprotectorUrl: mp.url, gradientUrl: g.url }),
			mode: 'cli',
			staticData,
		});
		const ms = Date.now() - started;
		expect(r.error).toBeUndefined();
		staticData = r.staticData;
		assertNoSecretsIn(JSON.stringify(r.run.data.resultData));

		// The walk is exact even under faults: Get Counts emits the oracle, from a complete walk.
		const got = r.output(GET).map(({ json }) => ({
			customerId: json.customerId,
			product: json.product,
			count: json.count,
		}));
		expect(got).toEqual(oracle);
		for (const { json } of r.output(GET)) expect((json.walk as IDataObject).complete).toBe(true);

		// Every pair in ends somewhere, exactly once, with a reason off the happy path.
		const ends = endings(r, new Set(deleted?.pairs ?? []));
		const keys = ends.map((e) => e.key).sort();
		expect(keys).toEqual(oracle.map((o) => `${o.customerId}::${o.product}`).sort());
		for (const e of ends) {
			if (e.where !== 'pushed') expect(e.reason && e.reason.trim().length > 0).toBe(true);
		}
		const count = (where: Ending['where']) => ends.filter((e) => e.where === where).length;
		const pushed = count('pushed');
		const failed = count('failed');
		const notMapped = count('notMapped');
		const held = count('held');
		const needsMapping = count('needsMapping');
		const unmapped = count('unmapped');
		expect(pushed + notMapped + failed + held + needsMapping + unmapped).toBe(oracle.length);
		// Audit items carry the oracle's number.
		const want = new Map(oracle.map((o) => [`${o.customerId}::${o.product}`, o.count]));
		for (const e of ends.filter((x) => x.where === 'pushed')) {
			expect(e.unitCount).toBe(want.get(e.key));
		}

		const zeroed = r.output(PUSH, 0).filter(({ json }) => json.status === 'zeroed');
		const oracleByLedger = new Map<string, number>();
		for (const o of oracle) {
			const sid = serviceId(o.product);
			if (sid) oracleByLedger.set(`${o.customerId}|${sid}`, o.count);
		}
		pushRanges.push({
			from: before,
			to: g.state.pushes.length,
			oracle: oracleByLedger,
			zeroes: new Set(
				(deleted?.pairs ?? []).map((p) => {
					const [customerId, product] = p.split('::');
					return `${customerId}|${serviceId(product) ?? '?'}`;
				}),
			),
		});

		const stat = (e: MailprotectorEmulator | GradientEmulator) => ({
			requests: e.stats.requests,
			tooMany: e.stats.tooManyRequests,
			errors: e.stats.injectedErrors,
			resets: e.stats.resets,
			malformed: e.stats.malformed,
		});
		figures.push({
			run: label,
			pairs: oracle.length,
			pushed,
			notMapped,
			failed: failed + needsMapping + unmapped,
			held,
			needsMapping,
			unmapped,
			zeroed: zeroed.length,
			pushRetries: pushStats(r).retried,
			mailprotector: stat(mp),
			gradient: stat(g),
			ms,
		});
		runs[label] = r;
		return r;
	}

	const stormy = (seed: number, retryAfter: number | null): FaultConfig => ({
		errorRate: 0.1,
		resetRate: 0.03,
		malformedRate: 0.02,
		jitterMs: 50,
		storm:
			retryAfter === null
				? { every: 30, length: 5, retryAfter }
				: { every: 60, length: 4, retryAfter },
		seed,
	});

	it('A: first sync under 10% 5xx, resets, 429 storms with Retry-After, 2% malformed, 50 ms jitter', async () => {
		mp.setFaults(stormy(11, 1));
		g.setFaults(stormy(12, 1));
		const r = await sync('A', { mailprotector: 8, gradient: 6, push: 2 });
		const f = figures[figures.length - 1];
		expect(f.mailprotector.tooMany + f.gradient.tooMany).toBeGreaterThan(0);
		expect(f.mailprotector.errors + f.gradient.errors).toBeGreaterThan(0);
		expect(f.mailprotector.resets + f.gradient.resets).toBeGreaterThan(0);
		expect(f.mailprotector.malformed + f.gradient.malformed).toBeGreaterThan(0);
		expect(f.pushed).toBeGreaterThan(0);
		expect(f.notMapped).toBeGreaterThan(0);
		expect(g.state.vendor.skus.length).toBeGreaterThan(0);
		void r;
	}, 120_000);

	it('B: after customers were added and one deleted, under storms without Retry-After', async () => {
		// Delete a customer whose pairs were all pushed in A: its pairs must be zeroed.
		// Only pairs Push remembers can be zeroed: a count whose answer was lost (a 2xx with an
		// unreadable body, then failed retries) is set in Gradient but not in the ledger.
		const orgId = g.state.organization.organizationId;
		const ledger = ((staticData.global as IDataObject)[STATE_KEY] as IDataObject)[orgId] as {
			pairs: Record<string, unknown>;
		};
		const ledgered = new Set(Object.keys(ledger.pairs));
		const candidate = mp.state.dataset.customers.find((c) => {
			const pairs = oracleOf(mp.state.dataset).filter((o) => o.customerId === String(c.id));
			return (
				pairs.length > 1 &&
				accountMapped(String(c.id)) &&
				pairs.every((p) => ledgered.has(`${c.id}|${serviceId(p.product)}`))
			);
		});
		expect(candidate).toBeDefined();
		const gone = String(candidate!.id);
		deleted = {
			customerId: gone,
			pairs: oracleOf(mp.state.dataset)
				.filter((o) => o.customerId === gone)
				.map((o) => `${o.customerId}::${o.product}`),
		};
		mp.state.deleteCustomer(Number(gone));
		const names = ['Soak Newcomer One', 'Soak Newcomer Two', 'Soak Newcomer Three'];
		for (const name of names) {
			mp.state.addCustomer({
				name,
				services: ['CloudFilter Email Security', 'SafeSend Outbound'],
				users: 3,
			});
		}
		g.state.setPsaClients([...g.state.psaClients.map((c) => c.name), ...names.slice(0, 2)]);

		mp.setFaults(stormy(21, null));
		g.setFaults(stormy(22, null));
		const r = await sync('B', { mailprotector: 8, gradient: 6, push: 2 });
		const f = figures[figures.length - 1];
		expect(f.mailprotector.tooMany + f.gradient.tooMany).toBeGreaterThan(0);
		// The deleted customer's pairs were zeroed, or failed (and are retried by C); never held.
		const zeroOrFailed = [...r.output(PUSH, 0), ...r.output(PUSH, 2)].filter(
			({ json }) => json.customerId === gone,
		);
		expect(zeroOrFailed).toHaveLength(deleted.pairs.length);
		for (const { json } of zeroOrFailed) {
			expect(json.unitCount).toBe(0);
			expect(['zeroed', 'failed']).toContain(json.status);
		}
	}, 120_000);

	it('C: faults off, the sync converges to the oracle with nothing duplicated', async () => {
		mp.setFaults(null);
		g.setFaults(null);
		const r = await sync('C', { mailprotector: 5, gradient: 5, push: 5 });
		const f = figures[figures.length - 1];
		expect(f.failed).toBe(0);
		expect(f.held).toBe(0);

		const oracle = oracleOf(mp.state.dataset);
		for (const o of oracle) {
			const sid = serviceId(o.product);
			expect(sid).toBeDefined();
			const row = g.state.counts[`${o.customerId}|${sid}`];
			if (accountMapped(o.customerId)) expect(row?.unitCount).toBe(o.count);
			else expect(row).toBeUndefined();
		}
		for (const p of deleted!.pairs) {
			const [customerId, product] = p.split('::');
			expect(g.state.counts[`${customerId}|${serviceId(product)}`]?.unitCount).toBe(0);
		}
		// Mapped pairs are on Pushed, the others on Not Mapped: no pair is anywhere else.
		expect(f.pushed + f.notMapped).toBe(oracle.length);
		expect(g.state.duplicates()).toEqual({ accounts: [], services: [] });
		// One account per counted customer (plus the house account), one service per product.
		const counted = new Set(oracle.map((o) => o.customerId));
		expect(g.state.accounts.filter((a) => counted.has(a.id))).toHaveLength(counted.size);
		const products = new Set(oracle.map((o) => o.product));
		expect(g.state.vendor.skus.map((s) => s.name).sort()).toEqual([...products].sort());
		void r;
	}, 120_000);

	it('never pushed a number other than the oracle’s (0 only for the deleted customer)', () => {
		expect(pushRanges).toHaveLength(3);
		for (const range of pushRanges) {
			for (const push of g.state.pushes.slice(range.from, range.to)) {
				const key = `${push.accountId}|${push.serviceId}`;
				if (range.zeroes.has(key) && !range.oracle.has(key)) expect(push.unitCount).toBe(0);
				else expect(push.unitCount).toBe(range.oracle.get(key));
			}
		}
	});

	it('opens one ticket per alertId; alerting the same failures again sends nothing', async () => {
		const perAlert = new Map<string, number>();
		for (const t of g.state.tickets) {
			const key = `${t.accountId}|${t.alertId}`;
			perAlert.set(key, (perAlert.get(key) ?? 0) + 1);
		}
		expect(g.state.tickets.length).toBeGreaterThan(0);
		expect([...perAlert.values()].filter((n) => n > 1)).toEqual([]);
		expect(g.state.tickets.every((t) => t.accountId === HOUSE)).toBe(true);

		// The failure outputs of the faulty runs and of the last run, alerted twice more.
		const alertTwice = async (category: string, items: IDataObject[]) => {
			const wf = chain(
				[
					{
						name: 'Alert',
						type: 'gradientAlert',
						parameters: alertParameters(category, 5),
						credentials: ['gradientApi'],
					},
				],
				{ startItems: items },
			);
			const statuses: string[][] = [];
			for (let round = 0; round < 2; round++) {
				g.clearLog();
				const r = await runWorkflow({
					workflow: wf,
					nodeTypes,
					credentials: credentialsFor({ gradientUrl: g.url }),
					mode: 'cli',
					staticData,
				});
				expect(r.error).toBeUndefined();
				staticData = r.staticData;
				statuses.push(r.output('Alert').map(({ json }) => String(json.alertStatus)));
				if (round === 1) {
					expect(g.log.filter((e) => e.method === 'POST')).toHaveLength(0);
				}
			}
			return statuses;
		};
		const ticketsBefore = g.state.tickets.length;
		const failedA = runs.A.output(PUSH, 2).map(({ json }) => json);
		const notMappedC = runs.C.output(PUSH, 1).map(({ json }) => json);
		// C ran without faults, so its Not Mapped summary was sent then: nothing new now.
		expect(await alertTwice('notMapped', notMappedC)).toEqual([['already_sent'], ['already_sent']]);
		expect(g.state.tickets.length).toBe(ticketsBefore);
		if (failedA.length) {
			const [first, second] = await alertTwice('failed', failedA);
			expect(['sent', 'already_sent']).toContain(first[0]);
			expect(second).toEqual(['already_sent']);
		}
		const after = new Map<string, number>();
		for (const t of g.state.tickets) {
			const key = `${t.accountId}|${t.alertId}`;
			after.set(key, (after.get(key) ?? 0) + 1);
		}
		expect([...after.values()].filter((n) => n > 1)).toEqual([]);
	}, 60_000);

	it('met every kind of fault on both APIs, and retried through them', () => {
		expect(figures.map((f) => f.run)).toEqual(['A', 'B', 'C']);
		const faulty = figures.slice(0, 2);
		for (const api of ['mailprotector', 'gradient'] as const) {
			const sum = (k: keyof Figures['gradient']) => faulty.reduce((n, f) => n + f[api][k], 0);
			expect({ api, errors: sum('errors') > 0, resets: sum('resets') > 0 }).toEqual({
				api,
				errors: true,
				resets: true,
			});
			expect({ api, malformed: sum('malformed') > 0, tooMany: sum('tooMany') > 0 }).toEqual({
				api,
				malformed: true,
				tooMany: true,
			});
		}
		expect(faulty.every((f) => f.pushRetries > 0)).toBe(true);
		// Nothing was silently lost in any run (each run asserted pairs in = the sum of endings).
		for (const f of figures) {
			expect(f.pushed + f.notMapped + f.failed + f.held).toBe(f.pairs);
		}
	});
});
