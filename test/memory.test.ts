/**
 * The billing memory door with the n8n data-table store, through the real engine, against the
 * Mailprotector, Gradient and n8n data-table emulators. Every run after the first starts with
 * EMPTY workflow static data, as a queue-mode worker does: what a run knows of earlier runs comes
 * only from the memory table.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { checkBaseUrl } from '../nodes/shared/baseUrl';
import { STATE_KEY } from '../nodes/shared/ledger';
import type {
	GradientEmulator,
	MailprotectorEmulator,
	MpDataset,
	N8nDataTablesEmulator,
} from './emulators';
import {
	expectedCounts,
	makeDataset,
	startGradient,
	startMailprotector,
	startN8nDataTables,
} from './emulators';
import type { RunResult, WorkflowJson } from './harness/engine';
import { runWorkflow } from './harness/engine';
import { SYNC_NODES, chain, credentialsFor, sourceOf, syncChain } from './harness/fixtures';
import { assertNoSecretsIn } from './harness/leaks';
import { allNodeTypes } from './harness/nodeTypes';

const { assign: ASSIGN, push: PUSH } = SYNC_NODES;
const ALERT = 'Alert';
const TABLE = 'mailprotector_gradient_memory';

type Memory = 'staticData' | 'dataTable';

const fast = { options: { retryBaseMs: 5 } };

function syncWorkflow(memory: Memory, extra: { assign?: INodeParameters } = {}): WorkflowJson {
	const withMemory = memory === 'dataTable' ? { memory } : {};
	const creds =
		memory === 'dataTable'
			? (['gradientApi', 'mailprotectorGradientMemoryApi'] as const)
			: (['gradientApi'] as const);
	return syncChain({
		get: { parameters: fast, credentials: ['mailprotectorApi'] },
		assign: {
			parameters: { ...fast, ...withMemory, ...(extra.assign ?? {}) },
			credentials: [...creds],
		},
		map: { parameters: fast, credentials: ['gradientApi'] },
		push: { parameters: { ...fast, ...withMemory }, credentials: [...creds] },
	});
}

interface World {
	mp: MailprotectorEmulator;
	g: GradientEmulator;
	n8n: N8nDataTablesEmulator;
	dataset: MpDataset;
}

let world: World | undefined;

async function startWorld(customers = 30, psaClients?: string[], seed = 12): Promise<World> {
	const dataset = makeDataset({ customers, seed });
	const mp = await startMailprotector({ dataset });
	const g = await startGradient({ dataset, ...(psaClients ? { psaClients } : {}) });
	const n8n = await startN8nDataTables();
	world = { mp, g, n8n, dataset };
	return world;
}

afterEach(async () => {
	if (!world) return;
	await Promise.all([world.mp.close(), world.g.close(), world.n8n.close()]);
	world = undefined;
});

async function run(
	w: World,
	workflow: WorkflowJson,
	staticData: IDataObject = {},
): Promise<RunResult> {
	const result = await runWorkflow({
		workflow,
		nodeTypes: allNodeTypes(),
		credentials: credentialsFor({
			mailprotectorUrl: w.mp.url,
			gradientUrl: w.g.url,
			memoryUrl: w.n8n.url,
		}),
		mode: 'trigger',
		staticData,
	});
	assertNoSecretsIn(JSON.stringify(result.run.data.resultData));
	return result;
}

const pushed = (r: RunResult) => r.output(PUSH, 0).map((i) => i.json);
const warnings = (r: RunResult): IDataObject[] => r.output(PUSH, 4).map((i) => i.json);
const memoryRows = (w: World) => w.n8n.rowsOf(TABLE);
const pairRows = (w: World) => memoryRows(w).filter((r) => r.kind === 'pair');

/** The count Gradient holds for a customer's product (account id = customer id). */
function counted(w: World, customerId: string, product: string): number | undefined {
	const sku = w.g.state.vendor.skus.find((s) => s.name === product);
	return sku ? w.g.state.counts[`${customerId}|${sku.id}`]?.unitCount : undefined;
}

/** A customer whose pairs Gradient accepted, so deleting it proves them gone. */
function victim(first: RunResult): { id: string; pairs: number } {
	const items = pushed(first);
	const id = String(items[items.length - 1].customerId);
	return { id, pairs: items.filter((i) => i.customerId === id).length };
}

describe('billing memory in an n8n data table (queue-mode workers start with empty static data)', () => {
	it('run 2 on a fresh worker sees previousCount and zeroes a vanished customer', async () => {
		const w = await startWorld();
		const first = await run(w, syncWorkflow('dataTable'));
		expect(first.error).toBeUndefined();
		const expected = expectedCounts(w.dataset);
		// Pushed, or Not Mapped for accounts the MSP has not mapped yet (those are not remembered).
		expect(pushed(first).length + first.output(PUSH, 1).length).toBe(expected.length);
		const before = new Map(pushed(first).map((i) => [sourceOf(i), i.unitCount]));
		// Remembered in the table, one row per accepted pair, not in static data.
		expect(pairRows(w)).toHaveLength(before.size);
		expect((first.staticData.global as IDataObject | undefined)?.[STATE_KEY]).toBeUndefined();

		const gone = victim(first);
		w.mp.state.deleteCustomer(Number(gone.id));
		const second = await run(w, syncWorkflow('dataTable'), {});
		expect(second.error).toBeUndefined();
		const items = pushed(second);
		const zeroed = items.filter((i) => i.status === 'zeroed');
		expect(zeroed.map((i) => i.customerId)).toEqual(Array(gone.pairs).fill(gone.id));
		for (const z of zeroed) expect(counted(w, gone.id, String(z.product))).toBe(0);
		// Every other pair knows what it had last time.
		const again = items.filter((x) => x.status === 'pushed');
		expect(again).toHaveLength(before.size - gone.pairs);
		for (const i of again) expect(i.previousCount).toBe(before.get(sourceOf(i)));
		expect(pairRows(w)).toHaveLength(before.size - gone.pairs);
		expect(warnings(second)).toEqual([]);
	});

	it('with static data, the same empty start says so on Memory Warnings and zeroes nothing', async () => {
		const w = await startWorld();
		const first = await run(w, syncWorkflow('staticData'));
		expect(first.error).toBeUndefined();
		expect(warnings(first)).toEqual([]);
		const gone = victim(first);
		w.mp.state.deleteCustomer(Number(gone.id));
		const second = await run(w, syncWorkflow('staticData'), {});
		expect(second.error).toBeUndefined();
		expect(pushed(second).filter((i) => i.status === 'zeroed')).toEqual([]);
		expect(pushed(second).every((i) => i.previousCount === null)).toBe(true);
		const [warning, ...more] = warnings(second);
		expect(more).toEqual([]);
		expect(warning).toMatchObject({
			warning: 'memory_empty',
			memory: 'staticData',
			ledgerHealth: 'missing',
		});
		// Accounts this sync created (id = customer id) that Assign found existing.
		expect(warning.accountsSeen).toBeGreaterThan(20);
		expect(String(warning.message)).toContain('Zeroing was off this run');
		// The vanished customer is still billed: what the warning is there to tell.
		const stillBilled = pushed(first).filter((i) => i.customerId === gone.id);
		for (const i of stillBilled) expect(counted(w, gone.id, String(i.product))).toBe(i.unitCount);
	});

	it('a run that Gradient stops half-way (401) leaves every accepted push remembered', async () => {
		const w = await startWorld();
		const pushes = w.g.state.pushes;
		const original = pushes.push.bind(pushes);
		// The partner key is rotated in Gradient after the 7th count: every later call gets 401.
		pushes.push = (...entries) => {
			const n = original(...entries);
			if (n === 7) w.g.options.partnerApiKey = 'rotated-elsewhere';
			return n;
		};
		const first = await run(w, syncWorkflow('dataTable'));
		expect(first.nodeError(PUSH)?.message).toContain('401');
		const accepted = w.g.state.pushes.slice(0, 7);
		expect(accepted).toHaveLength(7);
		const remembered = new Map(
			pairRows(w).map((r) => [String(r.key), JSON.parse(String(r.value)) as { count: number }]),
		);
		expect(remembered.size).toBe(7);
		for (const p of accepted) {
			expect(remembered.get(`${p.accountId}|${p.serviceId}`)?.count).toBe(p.unitCount);
		}

		// Key fixed; the next run (a fresh worker) knows those seven previous counts.
		pushes.push = original;
		w.g.options.partnerApiKey = 'pk-test';
		const second = await run(w, syncWorkflow('dataTable'), {});
		expect(second.error).toBeUndefined();
		const known = pushed(second).filter((i) => i.previousCount !== null);
		expect(known).toHaveLength(7);
	});

	it("two overlapping runs keep each other's entries (per-row writes, no whole-object save)", async () => {
		const w = await startWorld(12);
		const all = expectedCounts(w.dataset);
		const customers = [...new Set(all.map((c) => c.customerId))];
		const half = customers.slice(0, 6).map(Number);
		const rest = customers.slice(6).map(Number);
		// Two syncs of different customers, started together, each from empty static data.
		const only = (ids: number[]) => {
			const wf = syncWorkflow('dataTable');
			wf.nodes[1].parameters = {
				...wf.nodes[1].parameters,
				customerScope: 'selected',
				selectedCustomers: { customer: ids.map((id) => ({ customer: String(id) })) },
			};
			return wf;
		};
		const [a, b] = await Promise.all([run(w, only(half)), run(w, only(rest))]);
		expect(a.error).toBeUndefined();
		expect(b.error).toBeUndefined();
		const accepted = [...pushed(a), ...pushed(b)];
		expect(new Set(pushed(a).map((i) => i.customerId)).size).toBeGreaterThan(1);
		expect(new Set(pushed(b).map((i) => i.customerId)).size).toBeGreaterThan(1);
		const remembered = pairRows(w).map((r) => {
			const v = JSON.parse(String(r.value)) as { customerId: string; products: string[] };
			return `${v.customerId}::${v.products.join('+')}`;
		});
		expect(remembered.sort()).toEqual(accepted.map(sourceOf).sort());
	});
});

describe('held pairs and approvals in the data table', () => {
	it('a held pair is remembered on a fresh worker, and its approval is consumed', async () => {
		const w = await startWorld(3);
		w.g.state.addSku({ name: 'CloudFilter' });
		w.g.state.addAccount({ id: '1', name: 'Customer 1' });
		w.g.state.setPsaClients(['Customer 1']);
		const sku = w.g.state.vendor.skus.find((x) => x.name === 'CloudFilter')!.id;
		const key = `1|${sku}`;
		const pushOnly = (count: number, parameters: IDataObject = {}): WorkflowJson =>
			chain(
				[
					{
						name: PUSH,
						type: 'gradientPushBillable',
						parameters: { memory: 'dataTable', ...parameters },
						credentials: ['gradientApi', 'mailprotectorGradientMemoryApi'],
					},
				],
				{
					startItems: [
						{
							customerId: '1',
							customerName: 'Customer 1',
							product: 'CloudFilter',
							count,
							gradientAccountId: '1',
							gradientServiceId: sku,
						},
					],
				},
			);
		await run(w, pushOnly(10));
		const guarded = { changeGuard: true, maxChangePercent: 50 };
		const held = await run(w, pushOnly(2, guarded), {});
		expect(held.output(PUSH, 3).map((i) => i.json.ledgerKey)).toEqual([key]);
		expect(counted(w, '1', 'CloudFilter')).toBe(10);
		expect(
			memoryRows(w)
				.filter((r) => r.kind === 'held')
				.map((r) => r.key),
		).toEqual([key]);

		const approved = await run(
			w,
			pushOnly(2, { ...guarded, billingSafety: { approveHeldKeys: key } }),
			{},
		);
		expect(pushed(approved)).toEqual([
			expect.objectContaining({ status: 'pushed', previousCount: 10, unitCount: 2 }),
		]);
		expect(counted(w, '1', 'CloudFilter')).toBe(2);
		// The approval released the pair once: nothing is held any more, the ledger has 2.
		expect(memoryRows(w).filter((r) => r.kind === 'held')).toEqual([]);
		const pair = pairRows(w).find((r) => r.key === key)!;
		expect(JSON.parse(String(pair.value))).toMatchObject({ count: 2 });
	});
});

describe('switching an existing sync from static data to the data table', () => {
	it('warns once on the first data-table run, then remembers', async () => {
		const w = await startWorld(10);
		const before = await run(w, syncWorkflow('staticData'));
		expect(before.error).toBeUndefined();
		const first = await run(w, syncWorkflow('dataTable'), before.staticData);
		expect(warnings(first)).toEqual([
			expect.objectContaining({
				warning: 'memory_empty',
				memory: 'dataTable',
				ledgerHealth: 'missing',
			}),
		]);
		expect(String(warnings(first)[0].message)).toContain('starts the memory table again');
		const second = await run(w, syncWorkflow('dataTable'), {});
		expect(warnings(second)).toEqual([]);
		expect(pushed(second).every((i) => i.previousCount !== null)).toBe(true);
	});
});

describe('a memory that cannot be written', () => {
	const readOnly = ['dataTable:list', 'dataTable:create', 'dataTable:read', 'dataTableRow:read'];

	it('stops Push before any count is sent when the key may not write rows', async () => {
		const w = await startWorld(8);
		w.n8n.options.scopes = readOnly;
		const r = await run(w, syncWorkflow('dataTable'));
		const error = r.nodeError(PUSH);
		expect(error?.message).toContain('The billing memory (n8n data table) cannot be written');
		expect(error?.message).toContain('n8n refused');
		expect(String((error as { description?: string }).description)).toContain(
			'Nothing was sent to Gradient',
		);
		expect(w.g.state.pushes).toEqual([]);
	});

	it('says on Memory Warnings how many accepted pushes could not be remembered', async () => {
		const w = await startWorld(8);
		const pushes = w.g.state.pushes;
		const original = pushes.push.bind(pushes);
		// The key loses its write scopes after the third count Gradient accepted.
		pushes.push = (...entries) => {
			const n = original(...entries);
			if (n === 3) w.n8n.options.scopes = readOnly;
			return n;
		};
		const r = await run(w, syncWorkflow('dataTable'));
		expect(r.error).toBeUndefined();
		const accepted = pushed(r).length;
		expect(accepted).toBeGreaterThan(3);
		const [warning, ...more] = warnings(r);
		expect(more).toEqual([]);
		expect(warning).toMatchObject({ warning: 'memory_unsaved', memory: 'dataTable' });
		// What is remembered plus what the warning counts covers every accepted pair.
		expect(pairRows(w).length + Number(warning.unsaved)).toBeGreaterThanOrEqual(accepted);
		expect(pairRows(w).length).toBeLessThan(accepted);
		expect(String(warning.message)).toContain('could not be written');
	});
});

describe('Gradient Alert and Assign Customer remember through the data table', () => {
	it('Alert does not open a ticket again on a fresh worker (empty static data)', async () => {
		const w = await startWorld(3);
		const house = { id: 'msp-house', name: 'MSP House Account' };
		w.g.state.addAccount(house);
		const alert = (): WorkflowJson =>
			chain(
				[
					{
						name: ALERT,
						type: 'gradientAlert',
						parameters: {
							mode: 'perItem',
							accountId: house.id,
							title: 'Billing check',
							alertDescription: 'Counts changed for Acme',
							memory: 'dataTable',
						},
						credentials: ['gradientApi', 'mailprotectorGradientMemoryApi'],
					},
				],
				{ startItems: [{ customerId: '1' }] },
			);
		const first = await run(w, alert());
		expect(first.output(ALERT)[0].json.alertStatus).toBe('sent');
		expect(w.g.state.tickets).toHaveLength(1);
		expect(memoryRows(w).filter((r) => r.kind === 'alert')).toHaveLength(1);
		const second = await run(w, alert(), {});
		expect(second.output(ALERT)[0].json.alertStatus).toBe('already_sent');
		expect(w.g.state.tickets).toHaveLength(1);
	});

	it("Assign's PSA spelling survives a fresh worker: the account is not renamed back", async () => {
		const w = await startWorld(3, ['Acme Corp', 'MSP House Account'], 1);
		expect(w.dataset.customers[0].name).toBe('ACME corp.');
		const acme = String(w.dataset.customers[0].id);
		const first = await run(w, syncWorkflow('dataTable', { assign: { alignNames: true } }));
		expect(first.error).toBeUndefined();
		expect(w.g.state.findAccount(acme)?.name).toBe('Acme Corp');
		expect(
			memoryRows(w)
				.filter((r) => r.kind === 'aligned')
				.map((r) => r.key),
		).toEqual([acme]);

		const second = await run(w, syncWorkflow('dataTable'), {});
		expect(second.error).toBeUndefined();
		expect(w.g.state.findAccount(acme)?.name).toBe('Acme Corp');
		const items: INodeExecutionData[] = second.output(ASSIGN, 0);
		expect(items.find((i) => i.json.customerId === acme)?.json.gradientAccountAction).toBe(
			'existing',
		);
	});
});

describe('Billing Memory Base URL', () => {
	it('allows plain http to the main on a private network, and nowhere else', () => {
		expect(checkBaseUrl('http://n8n-main:5678/', 'n8n')).toBe('http://n8n-main:5678');
		expect(checkBaseUrl('http://10.0.3.7:5678', 'n8n')).toBe('http://10.0.3.7:5678');
		expect(() => checkBaseUrl('http://n8n.example.com', 'n8n')).toThrow('must use https');
		// The vendor APIs keep the rule: https, loopback excepted.
		expect(() => checkBaseUrl('http://n8n-main:5678', 'Gradient')).toThrow('must use https');
	});
});
