import type { IDataObject } from 'n8n-workflow';

import { GradientAssignCustomer } from '../nodes/GradientAssignCustomer/GradientAssignCustomer.node';
import { GradientMapService } from '../nodes/GradientMapService/GradientMapService.node';
import { GradientPushBillable } from '../nodes/GradientPushBillable/GradientPushBillable.node';
import type { WalkStamp } from '../nodes/shared/walkStamp';
import { recordExcluded } from '../nodes/shared/walkStamp';
import type { GradientEmulator } from './emulators';
import { startGradient } from './emulators';
import type { RunResult } from './harness/engine';
import { runWorkflow } from './harness/engine';
import { chain, credentialsFor, nodeType } from './harness/fixtures';

/**
 * Adopt Accounts by Name against what Gradient then bills (issue 11 case 6): a new customer
 * with the same name as another customer must never take that customer's account and
 * overwrite its count. Run through n8n's engine: Assign Customer -> Map Service -> Push Billable.
 */

const nodeTypes = {
	[nodeType('gradientAssignCustomer')]: new GradientAssignCustomer(),
	[nodeType('gradientMapService')]: new GradientMapService(),
	[nodeType('gradientPushBillable')]: new GradientPushBillable(),
};

const OLD = '1001'; // "Acme Ltd", billed 2 on the first run
const NEW = '2002'; // a new customer also named "Acme Ltd", 40 licences

function stamp(id: string, customers: 'all' | string[], items: number): WalkStamp {
	return { id, complete: true, customers, products: 'all', items };
}

function item(customerId: string, count: number, walk: WalkStamp): IDataObject {
	return { customerId, customerName: 'Acme Ltd', product: 'CloudFilter', count, walk };
}

async function runChain(
	g: GradientEmulator,
	items: IDataObject[],
	assign: IDataObject,
	staticData?: IDataObject,
): Promise<RunResult> {
	const workflow = chain(
		[
			{
				name: 'Assign',
				type: 'gradientAssignCustomer',
				parameters: assign as never,
				credentials: ['gradientApi'],
			},
			{ name: 'Map', type: 'gradientMapService', credentials: ['gradientApi'] },
			{ name: 'Push', type: 'gradientPushBillable', credentials: ['gradientApi'] },
		],
		{ startItems: items },
	);
	const result = await runWorkflow({
		workflow,
		nodeTypes,
		credentials: credentialsFor({ gradientUrl: g.url }),
		staticData,
		mode: 'cli',
	});
	if (result.error) throw new Error(`Run failed: ${result.error.message}`);
	return result;
}

/** What Gradient bills for the old customer's CloudFilter. */
function billedToOld(g: GradientEmulator): number | undefined {
	return g.state.unitCounts().find((c) => c.accountId === OLD && c.serviceName === 'CloudFilter')
		?.unitCount;
}

describe('Adopt Accounts by Name never takes another customer’s account', () => {
	let g: GradientEmulator;
	let first: RunResult;

	beforeEach(async () => {
		g = await startGradient({ psaClients: ['Acme Ltd'], accounts: [] });
		// First run: the old customer gets its own account (id = customer id) and is billed 2.
		first = await runChain(g, [item(OLD, 2, stamp('w1', 'all', 1))], { adoptByName: true });
		expect(billedToOld(g)).toBe(2);
	});

	afterEach(async () => {
		await g.close();
	});

	const needsMapping = (r: RunResult) => r.output('Assign', 1);

	it('an excluded customer’s account: the new namesake goes to Needs Mapping, Gradient keeps 2', async () => {
		const walk = stamp('w2', 'all', 2);
		const r = await runChain(
			g,
			[item(OLD, 2, walk), item(NEW, 40, walk)],
			{ adoptByName: true, excludeCustomerIds: OLD },
			first.staticData,
		);
		expect(billedToOld(g)).toBe(2);
		expect(g.state.pushes.filter((p) => p.unitCount === 40)).toEqual([]);
		const held = needsMapping(r);
		expect(held.map((i) => i.json.customerId)).toEqual([NEW]);
		expect(held[0].json.candidates).toEqual([`Acme Ltd (account ${OLD})`]);
		expect(held[0].json.reason).toContain(
			`it is the own account of customer ${OLD}, which Exclude Customer IDs leaves out`,
		);
		expect(held[0].json.reason).toContain(
			`add an Account Override row with Customer ID ${NEW} and Gradient Account ID ${NEW}`,
		);
	});

	it('a Selected-customers run: the account of a customer not in the run is not taken (remembered or not)', async () => {
		const walk = stamp('w2', [NEW], 1);
		// With the ledger of the first run: Push billed the old customer to that account.
		const remembered = await runChain(
			g,
			[item(NEW, 40, walk)],
			{ adoptByName: true },
			first.staticData,
		);
		expect(billedToOld(g)).toBe(2);
		expect(String(needsMapping(remembered)[0].json.reason)).toContain(
			`Push Billable has billed customer ${OLD} to it`,
		);
		// With no memory at all (lost static data): the account's id is a customer id.
		const fresh = await runChain(g, [item(NEW, 40, walk)], { adoptByName: true });
		expect(billedToOld(g)).toBe(2);
		expect(String(needsMapping(fresh)[0].json.reason)).toContain(
			'its ID has the form of a Mailprotector customer ID',
		);
		expect(g.state.accounts.map((a) => a.id)).toEqual([OLD]);
	});

	it('the excluded ids ride on the walk stamp of every Assigned item, also those that sent nothing', async () => {
		const other = { ...item('3003', 5, stamp('w3', 'all', 1)), customerName: 'Other Co' };
		const r = await runChain(g, [other], { excludeCustomerIds: `${OLD}, 4004` }, first.staticData);
		const passed = r.output('Assign', 0);
		expect(passed).toHaveLength(1);
		expect((passed[0].json.walk as WalkStamp).excluded?.sort()).toEqual([OLD, '4004']);
		// Push received them too: its Pushed item keeps nothing of the excluded customer.
		expect(billedToOld(g)).toBe(2);
	});
});

describe('recordExcluded', () => {
	it('merges with what earlier nodes stamped, one shared list per walk', () => {
		const walk: WalkStamp = { ...stamp('w', 'all', 2), excluded: ['7'] };
		const out = recordExcluded(
			[{ json: { customerId: '1', walk } }, { json: { customerId: '2', walk } }, { json: {} }],
			new Set(['8', '7']),
		);
		const stamps = out.slice(0, 2).map((i) => i.json.walk as WalkStamp);
		expect(stamps[0].excluded).toEqual(['7', '8']);
		expect(stamps[1]).toBe(stamps[0]);
		expect(out[2].json).toEqual({});
		// The stamp the items arrived with is left as it was.
		expect(walk.excluded).toEqual(['7']);
	});
});
