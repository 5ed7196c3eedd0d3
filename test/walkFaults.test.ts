/**
 * A partial read is never taken for a complete walk (issue 11, case 2). The Mailprotector
 * emulator answers chosen list pages wrongly (a transient `[]`, a 200 with an empty body, a
 * user deleted between two page reads, an empty page that never recovers) while the data stays
 * as it is; Get Counts must read its way to the right counts or stop with an error naming the
 * list, and nothing it hands on may lower or zero a count Gradient holds.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { GetCountsWalk } from '../nodes/MailprotectorGetCounts/counts';
import type { GradientEmulator, MailprotectorEmulator, MpDataset, PageFault } from './emulators';
import { expectedCounts, makeDataset, startGradient, startMailprotector } from './emulators';
import type { RunResult } from './harness/engine';
import { runWorkflow } from './harness/engine';
import { chain, credentialsFor } from './harness/fixtures';
import { allNodeTypes } from './harness/nodeTypes';

const GET = 'Get Counts';
const PUSH = 'Push Billable';
const USERS = '/api/v1/resellers/1/users';
const CUSTOMERS = '/api/v1/resellers/1/customers';
const nodeTypes = allNodeTypes();
const fast = { requestsPerSecond: 1000, concurrency: 16 };

const counts = (items: INodeExecutionData[]) =>
	items.map(({ json }) => ({
		customerId: json.customerId,
		product: json.product,
		count: json.count,
	}));
const stampOf = (items: INodeExecutionData[]) => items[0].json.walk as unknown as GetCountsWalk;

async function getCounts(mp: MailprotectorEmulator): Promise<RunResult> {
	const workflow = chain([
		{
			name: GET,
			type: 'mailprotectorGetCounts',
			parameters: { options: fast },
			credentials: ['mailprotectorApi'],
		},
	]);
	return await runWorkflow({
		workflow,
		nodeTypes,
		credentials: credentialsFor({ mailprotectorUrl: mp.url }),
	});
}

/** The nightly chain with every default, as a production run (static data kept). */
async function sync(
	mp: MailprotectorEmulator,
	g: GradientEmulator,
	staticData: IDataObject,
): Promise<RunResult> {
	const workflow = chain([
		{
			name: GET,
			type: 'mailprotectorGetCounts',
			parameters: { options: fast },
			credentials: ['mailprotectorApi'],
		},
		{ name: 'Assign Customer', type: 'gradientAssignCustomer', credentials: ['gradientApi'] },
		{ name: 'Map Service', type: 'gradientMapService', credentials: ['gradientApi'] },
		{ name: PUSH, type: 'gradientPushBillable', credentials: ['gradientApi'] },
	]);
	return await runWorkflow({
		workflow,
		nodeTypes,
		credentials: credentialsFor({ mailprotectorUrl: mp.url, gradientUrl: g.url }),
		mode: 'cli',
		staticData,
	});
}

/** What Gradient holds, as `customerId::product` -> count (account id = customer id). */
function held(g: GradientEmulator): Map<string, number> {
	const out = new Map<string, number>();
	for (const row of g.state.unitCounts()) {
		out.set(`${row.accountId}::${row.serviceName}`, row.unitCount);
	}
	return out;
}

function oracle(dataset: MpDataset): Map<string, number> {
	return new Map(expectedCounts(dataset).map((r) => [`${r.customerId}::${r.product}`, r.count]));
}

/** A user whose loss changes a count: a billable user of a group that carries a service. */
function isBillable(dataset: MpDataset, index: number): boolean {
	const user = dataset.users[index];
	return (
		user.user_type.name === 'User' &&
		user.parent === null &&
		dataset.services.some((s) => s.user_group.id === user.user_group.id)
	);
}

const customerOfUser = (dataset: MpDataset, index: number): string => {
	const domainId = dataset.users[index].domain.id;
	return String(dataset.domains.find((d) => d.id === domainId)!.account.id);
};

describe('Get Counts against a flaky list (Mailprotector data unchanged)', () => {
	const dataset = makeDataset({ customers: 60, seed: 1 });
	let mp: MailprotectorEmulator;
	beforeAll(async () => {
		mp = await startMailprotector({ dataset, pageSize: 25 });
	});
	afterAll(async () => await mp.close());
	afterEach(() => {
		mp.setFaults(null);
		mp.setOptions({ pageSize: 25 });
		mp.state.reset();
		mp.clearLog();
	});

	it('(a) reads past a transient empty page in the middle of the users list: every count exact', async () => {
		expect(dataset.users.length).toBeGreaterThan(25 * 4);
		const fault: PageFault = { path: USERS, page: 3, kind: 'empty', times: 1 };
		mp.setFaults({ pages: [fault] });
		const result = await getCounts(mp);
		expect(result.error).toBeUndefined();
		expect(mp.pageFaultLog).toEqual([{ path: USERS, page: 3, kind: 'empty' }]);
		const items = result.output(GET);
		expect(counts(items)).toEqual(expectedCounts(dataset));
		expect(stampOf(items).complete).toBe(true);
	});

	it('(c) a user deleted between two page reads: the others stay exact, the deleted user is gone', async () => {
		// Deleting a user of an earlier page after page k was served shifts the first user of
		// page k + 1 onto page k (read already): a reader of offset pages never sees it. Page
		// k + 1 must be read after page k (pages 1, 2, then 3-6, 7-10, ... at once), and the
		// shifted user billable and another customer's, so today's walk bills an untouched
		// customer one user short.
		const k = [2, 6, 10, 14].find((page) => isBillable(dataset, page * 25))!;
		expect(k).toBeDefined();
		const shifted = k * 25;
		const untouched = customerOfUser(dataset, shifted);
		const deletedIndex = [...Array(shifted).keys()].find(
			(i) => isBillable(dataset, i) && customerOfUser(dataset, i) !== untouched,
		)!;
		const deleted = dataset.users[deletedIndex];
		mp.setFaults({ pages: [{ path: USERS, page: k, kind: 'removeUser', userId: deleted.id }] });

		const result = await getCounts(mp);
		expect(result.error).toBeUndefined();
		expect(mp.pageFaultLog).toHaveLength(1);
		const after = { ...dataset, users: dataset.users.filter((u) => u.id !== deleted.id) };
		const got = counts(result.output(GET));
		expect(got).toEqual(expectedCounts(after));
		// Spelled out: the untouched customer has all its users, the deleted user's one fewer.
		const of = (list: typeof got, customerId: string) =>
			list.filter((r) => r.customerId === customerId);
		expect(of(got, untouched)).toEqual(
			expectedCounts(dataset).filter((r) => r.customerId === untouched),
		);
		const owner = customerOfUser(dataset, deletedIndex);
		const before = expectedCounts(dataset).filter((r) => r.customerId === owner);
		expect(of(got, owner).reduce((n, r) => n + Number(r.count), 0)).toBeLessThan(
			before.reduce((n, r) => n + r.count, 0),
		);
	});

	it('(d) stops with an error naming the list when an empty page never recovers and the next page has users', async () => {
		mp.setFaults({ pages: [{ path: USERS, page: 2, kind: 'empty', times: 'always' }] });
		const result = await getCounts(mp);
		expect(result.error?.message).toBe(
			`Mailprotector list GET ${USERS} answered page 2 empty twice, yet page 3 has 25 records: the list has a hole`,
		);
		expect((result.error as { description?: string }).description).toContain(
			'nothing from it was counted or pushed',
		);
	});

	it('(d) confirms a zero with a targeted read: customers the users list never returns are counted from their own lists, the walk marked incomplete', async () => {
		// At 33 a page the last page of users holds exactly the users of the last two customers.
		mp.setOptions({ pageSize: 33 });
		const lastPage = Math.ceil(dataset.users.length / 33);
		const first = (lastPage - 1) * 33;
		const last = ['1059', '1060'];
		const owners = dataset.users.map((_, i) => customerOfUser(dataset, i));
		expect(new Set(owners.slice(first))).toEqual(new Set(last));
		expect(owners.slice(0, first).some((c) => last.includes(c))).toBe(false);
		mp.setFaults({ pages: [{ path: USERS, page: lastPage, kind: 'empty', times: 'always' }] });

		const result = await getCounts(mp);
		expect(result.error).toBeUndefined();
		const items = result.output(GET);
		expect(counts(items)).toEqual(expectedCounts(dataset));
		expect(stampOf(items).complete).toBe(false);
		const paths = new Set(mp.log.map((e) => e.path));
		for (const id of last) expect(paths.has(`/api/v1/customers/${id}/users`)).toBe(true);
		const hints = (
			result.run.data.resultData.runData[GET][0] as { hints?: Array<{ message: string }> }
		).hints!.map((h) => h.message);
		expect(hints).toContainEqual(
			expect.stringMatching(
				/^Customer 1059 \(.+\) counted nothing from the reseller-wide lists but does from its own lists/,
			),
		);
	});

	it('stops with an error naming the list when users keep being deleted while it is read', async () => {
		// Every read of page 2 deletes another user of page 1: no two reads ever agree.
		const pages: PageFault[] = dataset.users.slice(0, 12).map((u) => ({
			path: USERS,
			page: 2,
			kind: 'removeUser',
			userId: u.id,
		}));
		mp.setFaults({ pages });
		const result = await getCounts(mp);
		expect(result.error?.message).toBe(
			`Mailprotector list GET ${USERS} changed while it was read: 4 reads in a row held different records (customers, domains or users added or deleted during the walk)`,
		);
		expect(result.output(GET)).toEqual([]);
	});

	it('(d) stops with an error naming the list when a page keeps answering an empty body', async () => {
		mp.setFaults({ pages: [{ path: CUSTOMERS, page: 2, kind: 'emptyBody', times: 'always' }] });
		const result = await getCounts(mp);
		expect(result.error?.message).toBe(
			`Mailprotector list GET ${CUSTOMERS} answered page 2 with an empty body twice`,
		);
	});
});

describe('the whole chain after a flaky walk: Gradient keeps what it holds', () => {
	// 60 customers at 29 a page: page 3 holds the last 2, few enough pairs to pass under the
	// mass-zero hold, so a walk that lost them would zero them for real.
	const dataset = makeDataset({ customers: 60, seed: 1 });
	let mp: MailprotectorEmulator;
	let g: GradientEmulator;
	let staticData: IDataObject = {};
	const want = oracle(dataset);

	beforeAll(async () => {
		mp = await startMailprotector({ dataset, pageSize: 29 });
		g = await startGradient({ dataset, psaClients: dataset.customers.map((c) => c.name) });
		// A clean first run: Gradient holds every count and the ledger remembers them.
		const first = await sync(mp, g, staticData);
		expect(first.error).toBeUndefined();
		staticData = first.staticData;
		expect(held(g)).toEqual(want);
	});
	afterAll(async () => {
		await mp.close();
		await g.close();
	});
	afterEach(() => {
		mp.setFaults(null);
		mp.clearLog();
	});

	it('(b) a 200 with an empty body on the customers list: no customer missing, nothing zeroed', async () => {
		expect(dataset.customers.length).toBe(60);
		const lastPage = dataset.customers.slice(58).map((c) => String(c.id));
		const theirPairs = [...want.keys()].filter((k) => lastPage.includes(k.split('::')[0]));
		expect(theirPairs.length).toBeGreaterThan(0);
		expect(theirPairs.length).toBeLessThanOrEqual(Math.floor(want.size / 10));

		mp.setFaults({ pages: [{ path: CUSTOMERS, page: 3, kind: 'emptyBody', times: 1 }] });
		const pushesBefore = g.state.pushes.length;
		const result = await sync(mp, g, staticData);
		expect(result.error).toBeUndefined();
		staticData = result.staticData;
		expect(mp.pageFaultLog).toEqual([{ path: CUSTOMERS, page: 3, kind: 'emptyBody' }]);

		expect(held(g)).toEqual(want);
		expect(counts(result.output(GET))).toEqual(expectedCounts(dataset));
		const pushes = g.state.pushes.slice(pushesBefore);
		expect(pushes.filter((p) => p.unitCount === 0)).toEqual([]);
		expect(result.output(PUSH, 0).filter((i) => i.json.status === 'zeroed')).toEqual([]);
	});

	it('(a) a transient empty page in the users list: no count pushed lower', async () => {
		mp.setFaults({ pages: [{ path: USERS, page: 3, kind: 'empty', times: 1 }] });
		const pushesBefore = g.state.pushes.length;
		const result = await sync(mp, g, staticData);
		expect(result.error).toBeUndefined();
		staticData = result.staticData;
		expect(held(g)).toEqual(want);
		for (const p of g.state.pushes.slice(pushesBefore)) {
			expect(p.unitCount).toBe(want.get(`${p.accountId}::${g.state.findSku(p.serviceId)?.name}`));
		}
	});

	it('(d) an empty page that never recovers stops the run: nothing pushed, Gradient unchanged', async () => {
		mp.setFaults({ pages: [{ path: USERS, page: 2, kind: 'empty', times: 'always' }] });
		const pushesBefore = g.state.pushes.length;
		const result = await sync(mp, g, staticData);
		expect(result.error?.message).toContain(`GET ${USERS} answered page 2 empty twice`);
		expect(result.output(PUSH, 0)).toEqual([]);
		expect(g.state.pushes.length).toBe(pushesBefore);
		expect(held(g)).toEqual(want);
	});
});
