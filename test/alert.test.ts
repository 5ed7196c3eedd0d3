import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { GradientApi } from '../credentials/GradientApi.credentials';
import { GradientAlert } from '../nodes/GradientAlert/GradientAlert.node';
import { summaryLine } from '../nodes/GradientAlert/lines';
import { alertIdFor, alreadySent, pruneAlerts } from '../nodes/GradientAlert/sentAlerts';
import { summaryTicket } from '../nodes/GradientAlert/summary';
import type { TicketStatusClient } from '../nodes/GradientAlert/wait';
import { waitForTicket } from '../nodes/GradientAlert/wait';
import { apiError } from '../nodes/shared/errors';
import { STATE_KEY } from '../nodes/shared/ledger';
import type { GradientEmulator } from './emulators';
import { startGradient } from './emulators';
import type { RunResult } from './harness/engine';
import { credentialsFor, nodeType, runGradientNode } from './harness/fixtures';
import { assertNoSecretsIn } from './harness/leaks';
import { fetchingLoadOptionsContext } from './harness/loadOptions';

/** Not Mapped items as Push Billable emits them: two products for each of `customers`. */
function notMappedItems(customers: number, runId = 'r1'): IDataObject[] {
	const names = ['Acme Corp', 'Smith & Sons LLC', 'Contoso Ltd', 'Fabrikam Inc', 'Northwind'];
	return Array.from({ length: customers }, (_, c) => String(1001 + c)).flatMap((id, c) =>
		['CloudFilter', 'SafeSend'].map((product, k) => ({
			runId,
			customerId: id,
			customerName: `${names[c % 5]} ${c + 1}`,
			product,
			gradientAccountId: id,
			gradientServiceId: `64f0c1d2e3a4b5c6d7e8f90${k}`,
			previousCount: c % 3 === 0 ? null : 10 + c,
			unitCount: 12 + c,
			status: 'not_mapped',
			httpStatus: 404,
			reason: `Not mapped in Gradient yet (404: No account map found with id: ${id}). Map this account and service in Synthesize; the next run pushes it.`,
		})),
	);
}

describe('alert ids and run summaries (pure)', () => {
	it('gives the same alert the same id, and another alert another id', () => {
		const id = alertIdFor('7', 'Title', 'Body');
		expect(id).toMatch(/^mpg-[0-9a-f]{32}$/);
		expect(alertIdFor('7', 'Title', 'Body')).toBe(id);
		expect(alertIdFor('8', 'Title', 'Body')).not.toBe(id);
		expect(alertIdFor('7', 'Title', 'Body!')).not.toBe(id);
	});

	it('writes one line per item from the fields it has, "new" where nothing was sent before', () => {
		expect(
			summaryLine({
				customerId: '7',
				customerName: 'Acme',
				product: 'CloudFilter',
				previousCount: 20,
				unitCount: 8,
				reason: 'drops by 60%',
				ledgerKey: '7|abc',
			}),
		).toBe('- Acme (customer 7), CloudFilter: 20 -> 8. drops by 60% [7|abc]');
		expect(summaryLine({ customerId: '9', error: 'no account', httpStatus: 404 })).toBe(
			'- customer 9. no account (HTTP 404)',
		);
		expect(summaryLine({ customerId: '9', previousCount: null, unitCount: 4 })).toBe(
			'- customer 9: new -> 4',
		);
	});

	const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

	it('a ticket a person reads: grouped by customer, the reason once, "new", the whole list', () => {
		const items = notMappedItems(50);
		const t = summaryTicket({
			category: 'notMapped',
			accountId: 'house',
			runId: 'r1',
			items,
			maxLines: 1000,
			perRun: false,
		});
		expect(t.title).toBe('50 customers (100 counts) not mapped in Gradient yet');
		// The fix is said once, not once per count.
		expect(occurrences(t.description, 'Not mapped in Gradient yet')).toBe(1);
		expect(t.description).toContain(
			'For all of them: Not mapped in Gradient yet (404: No account map found with id: <ID>). Map this account and service in Synthesize; the next run pushes it.',
		);
		expect(t.description).toContain(
			'100 counts of 50 customers ("new": no count was sent before):',
		);
		// Each customer once, its counts under it; "new" where no count was sent before.
		expect(t.description).toContain(
			'Acme Corp 1 (customer 1001)\n  - CloudFilter: new -> 12\n  - SafeSend: new -> 12\n',
		);
		expect(t.description).toContain(
			'Smith & Sons LLC 2 (customer 1002)\n  - CloudFilter: 11 -> 13',
		);
		for (const item of items) {
			expect(occurrences(t.description, `(customer ${String(item.customerId)})`)).toBe(1);
		}
		expect(t.description).not.toContain('?');
		expect(t.description).not.toContain('more (see the n8n execution)');
		// Complete, and a size a PSA keeps (the example sent 20.8 KB for this list before).
		expect(t.listed).toBe(100);
		expect(occurrences(t.description, '\n  - ')).toBe(100);
		expect(t.description.length).toBeLessThan(5000);
	});

	it('a list too long for one ticket: whole customers only, within 8,000 characters, and says where the complete list is', () => {
		const items = notMappedItems(200, 'run-77');
		const t = summaryTicket({
			category: 'notMapped',
			accountId: 'house',
			runId: 'run-77',
			items,
			maxLines: 1000,
			perRun: true,
			auditTable: 'mpg_billing_audit',
		});
		expect(t.description.length).toBeLessThanOrEqual(8000);
		expect(t.listed).toBeGreaterThan(100);
		expect(t.listed % 2).toBe(0); // never half a customer
		expect(occurrences(t.description, '\n  - ')).toBe(t.listed);
		expect(t.description).toContain(
			`Not all fit in one ticket: listed here are ${t.listed / 2} of 200 customers (${t.listed} of 400 counts). The complete list is in the n8n Data Table "mpg_billing_audit": the rows whose runId is run-77.`,
		);
		// With no audit table the pointer names the execution and says it does not last.
		const bare = summaryTicket({
			category: 'notMapped',
			accountId: 'house',
			runId: 'run-77',
			items,
			maxLines: 10,
			perRun: true,
			auditTable: '',
		});
		expect(bare.listed).toBe(10);
		expect(bare.description).toContain(
			"The complete list is on this node's input in the n8n execution of run run-77 (n8n deletes old executions: keep an audit table).",
		);
	});

	it('keeps an alert id stable for the same list, in any order, when tickets are not per run', () => {
		const items = notMappedItems(200, 'a');
		const args = { category: 'notMapped' as const, accountId: 'house', maxLines: 1000 };
		const a = summaryTicket({ ...args, items, runId: 'a', perRun: false });
		const b = summaryTicket({
			...args,
			items: [...items].reverse().map((i) => ({ ...i, runId: 'b' })),
			runId: 'b',
			perRun: false,
		});
		expect(b.alertId).toBe(a.alertId);
		const changed = summaryTicket({
			...args,
			items: items.map((i, k) => (k === 0 ? { ...i, unitCount: 99 } : i)),
			runId: 'c',
			perRun: false,
		});
		expect(changed.alertId).not.toBe(a.alertId);
	});

	it('says a reason shared by one customer once, on its line, and keeps held keys', () => {
		const t = summaryTicket({
			category: 'held',
			accountId: 'house',
			runId: 'r1',
			maxLines: 1000,
			perRun: true,
			items: [
				{
					customerId: '7',
					customerName: 'Acme',
					product: 'CloudFilter',
					previousCount: 20,
					unitCount: 8,
					reason: 'changes by 60%',
					ledgerKey: '7|a',
				},
				{
					customerId: '7',
					customerName: 'Acme',
					product: 'SafeSend',
					previousCount: 10,
					unitCount: 0,
					reason: 'drops from 10 to 0',
					ledgerKey: '7|b',
				},
				{
					customerId: '9',
					customerName: 'Beta',
					product: 'CloudFilter',
					previousCount: null,
					unitCount: 50,
					reason: 'zeroing held',
					ledgerKey: '9|a',
				},
			],
		});
		expect(t.title).toBe('3 count changes of 2 customers held for review (run r1)');
		expect(t.description).toContain(
			'Acme (customer 7)\n  - CloudFilter: 20 -> 8. changes by 60% [7|a]\n  - SafeSend: 10 -> 0. drops from 10 to 0 [7|b]\nBeta (customer 9): zeroing held\n  - CloudFilter: new -> 50 [9|a]',
		);
	});

	it('gives an identical list the same id across runs when tickets are not per run', () => {
		const args = {
			category: 'custom' as const,
			customTitle: 'Check these',
			accountId: 'house',
			items: [{ customerId: '1' }],
			maxLines: 10,
		};
		const a = summaryTicket({ ...args, runId: '1', perRun: false });
		const b = summaryTicket({ ...args, runId: '2', perRun: false });
		expect(a.title).toBe('Check these');
		expect(a.alertId).toBe(b.alertId);
		const c = summaryTicket({ ...args, runId: '1', perRun: true });
		const d = summaryTicket({ ...args, runId: '2', perRun: true });
		expect(c.alertId).not.toBe(d.alertId);
	});

	it('remembers sent alerts for a number of days (0: forever)', () => {
		const day = 86_400_000;
		const now = Date.parse('2024-06-30T00:00:00Z');
		const alerts = {
			old: { at: '2024-01-01T00:00:00Z', accountId: 'a' },
			recent: { at: '2024-06-20T00:00:00Z', accountId: 'a' },
		};
		expect(alreadySent(alerts, 'recent', now, 30)).toBeDefined();
		expect(alreadySent(alerts, 'old', now, 30)).toBeUndefined();
		expect(alreadySent(alerts, 'old', now, 0)).toBeDefined();
		expect(Object.keys(pruneAlerts(alerts, now, 30))).toEqual(['recent']);
		expect(Object.keys(pruneAlerts(alerts, now + 365 * day, 0))).toHaveLength(2);
	});

	it('waits through "not found yet" and "pending" until the ticket exists', async () => {
		const answers: Array<() => Promise<unknown>> = [
			async () => {
				throw apiError({ name: 'n' } as never, {
					api: 'Gradient',
					endpoint: 'GET debug',
					status: 404,
					attempts: 1,
					kind: 'status',
				});
			},
			async () => ({ status: 'pending' }),
			async () => ({ status: 'success', ticketId: 70001, message: 'Ticket created' }),
		];
		let calls = 0;
		const client = {
			alertStatus: async () => await answers[calls++](),
		} as unknown as TicketStatusClient;
		const outcome = await waitForTicket(client, 'm1', { timeoutMs: 1000, intervalMs: 1 });
		expect(outcome).toEqual({
			ticketStatus: 'success',
			ticketId: '70001',
			ticketMessage: 'Ticket created',
			ticketErrors: [],
			polls: 3,
		});
	});

	it('gives up waiting when the time is up, and stops at once on 401', async () => {
		let t = 0;
		const pending = {
			alertStatus: async () => ({ status: 'pending' }),
		} as unknown as TicketStatusClient;
		const outcome = await waitForTicket(pending, 'm1', { timeoutMs: 30, intervalMs: 10 }, () => {
			t += 10;
			return t;
		});
		expect(outcome.ticketStatus).toBe('pending');
		expect(outcome.polls).toBeLessThanOrEqual(3);

		const unauthorized = {
			alertStatus: async () => {
				throw apiError({ name: 'n' } as never, {
					api: 'Gradient',
					endpoint: 'GET debug',
					status: 401,
					attempts: 1,
					kind: 'status',
				});
			},
		} as unknown as TicketStatusClient;
		await expect(
			waitForTicket(unauthorized, 'm1', { timeoutMs: 1000, intervalMs: 1 }),
		).rejects.toBeInstanceOf(NodeApiError);
	});
});

const NODE = 'Alert';
const nodeTypes = { [nodeType('gradientAlert')]: new GradientAlert() };

interface RunArgs {
	parameters: INodeParameters;
	staticData?: IDataObject;
	continueOnFail?: boolean;
	credentials?: Record<string, string>;
}

async function alert(
	items: IDataObject[],
	url: string,
	args: RunArgs,
): Promise<RunResult & { out: INodeExecutionData[] }> {
	const result = await runGradientNode({
		name: NODE,
		type: 'gradientAlert',
		items,
		gradientUrl: url,
		nodeTypes,
		...args,
	});
	return { ...result, out: result.output(NODE, 0) };
}

describe('Gradient Alert through the engine', () => {
	let g: GradientEmulator;

	beforeEach(async () => {
		g = await startGradient({
			accounts: [
				{ id: 'house', name: 'MSP House Account' },
				{ id: '7', name: 'Acme' },
				{ id: 'nomap', name: 'Not In The PSA' },
			],
			psaClients: ['MSP House Account', 'Acme'],
		});
	});

	afterEach(async () => {
		await g.close();
	});

	const perItem: INodeParameters = {
		mode: 'perItem',
		title: '=Count changed for {{ $json.customerName }}',
		alertDescription: '=Now {{ $json.count }}',
		priority: 3,
		ticketStatus: 2,
	};
	const posts = () => g.log.filter((e) => e.method === 'POST');

	it('opens one ticket per item with a stable alertId, and never the same one twice', async () => {
		const items = [
			{ gradientAccountId: '7', customerName: 'Acme', count: 5 },
			{ gradientAccountId: '7', customerName: 'Acme', count: 6 },
		];
		const first = await alert(items, g.url, { parameters: perItem });
		expect(first.error).toBeUndefined();
		expect(first.out.map((i) => i.json.alertStatus)).toEqual(['sent', 'sent']);
		expect(g.state.tickets).toHaveLength(2);
		expect(g.state.tickets[0]).toMatchObject({
			accountId: '7',
			title: 'Count changed for Acme',
			description: 'Now 5',
			priority: 3,
			status: 2,
			alertId: alertIdFor('7', 'Count changed for Acme', 'Now 5'),
		});
		expect(first.out[0].json).toMatchObject({
			gradientAccountId: '7',
			alertId: alertIdFor('7', 'Count changed for Acme', 'Now 5'),
			messageId: expect.any(String),
		});
		expect(first.out[1].pairedItem).toEqual({ item: 1 });
		const orgId = g.state.organization.organizationId;
		const remembered = ((first.staticData.global as IDataObject)[STATE_KEY] as IDataObject)[
			orgId
		] as IDataObject;
		expect(Object.keys(remembered.alerts as IDataObject)).toHaveLength(2);

		g.clearLog();
		const again = await alert(items, g.url, {
			parameters: perItem,
			staticData: first.staticData,
		});
		expect(again.out.map((i) => i.json.alertStatus)).toEqual(['already_sent', 'already_sent']);
		expect(posts()).toHaveLength(0);
		expect(g.state.tickets).toHaveLength(2);
	});

	it.each([
		['the connection is reset', null],
		['Gradient answers 502', 502],
	] as const)(
		'an alert Gradient processed before %s: exactly one ticket, reported "may have been sent", not repeated next run',
		async (_what, status) => {
			// Each accepted alert opens its own ticket here (a repeated alertId is not merged).
			g.setOptions({ alertIdDedupe: false, alertLostAnswers: 1, alertLostAnswerStatus: status });
			const items = [{ gradientAccountId: '7', customerName: 'Acme', count: 5 }];
			const alertId = alertIdFor('7', 'Count changed for Acme', 'Now 5');
			const first = await alert(items, g.url, { parameters: perItem });
			expect(first.error).toBeUndefined();
			expect(g.state.tickets).toHaveLength(1);
			expect(posts()).toHaveLength(1);
			expect(first.out[0].json).toMatchObject({
				alertStatus: 'may_have_been_sent',
				alertId,
				messageId: null,
			});
			expect(String(first.out[0].json.reason)).toContain(
				'Check the PSA for a ticket titled "Count changed for Acme"',
			);

			const again = await alert(items, g.url, {
				parameters: perItem,
				staticData: first.staticData,
			});
			expect(again.out[0].json).toMatchObject({ alertStatus: 'already_sent', alertId });
			expect(posts()).toHaveLength(1);
			expect(g.state.tickets).toHaveLength(1);
		},
	);

	it('sends an alert repeated within one run once', async () => {
		const items = [
			{ gradientAccountId: '7', customerName: 'Acme', count: 5 },
			{ gradientAccountId: '7', customerName: 'Acme', count: 5 },
		];
		const r = await alert(items, g.url, { parameters: perItem });
		expect(r.out.map((i) => i.json.alertStatus)).toEqual(['sent', 'already_sent']);
		expect(posts()).toHaveLength(1);
	});

	it('run summary: one ticket per run and category on the house account, items listed', async () => {
		const items = [
			{
				runId: 'r1',
				customerId: '1',
				customerName: 'A',
				product: 'CloudFilter',
				status: 'failed',
				reason: 'HTTP 500',
			},
			{
				runId: 'r1',
				customerId: '2',
				customerName: 'B',
				product: 'SafeSend',
				status: 'held',
				reason: 'drops to 0',
				ledgerKey: '2|x',
			},
			{
				runId: 'r1',
				customerId: '3',
				customerName: 'C',
				product: 'SafeSend',
				status: 'failed',
				reason: 'reset',
			},
		];
		const r = await alert(items, g.url, {
			parameters: {
				mode: 'runSummary',
				houseAccountId: 'house',
				category: '={{ $json.status === "held" ? "held" : "failed" }}',
			},
		});
		expect(r.error).toBeUndefined();
		expect(r.out).toHaveLength(2);
		const failed = r.out.find((i) => i.json.category === 'failed')!;
		expect(failed.json).toMatchObject({
			categoryLabel: 'Failed',
			runId: 'r1',
			itemCount: 2,
			gradientAccountId: 'house',
			alertStatus: 'sent',
			title: '2 counts of 2 customers failed to reach Gradient (run r1)',
		});
		expect(failed.pairedItem).toEqual([{ item: 0 }, { item: 2 }]);
		expect(g.state.tickets).toHaveLength(2);
		const heldTicket = g.state.tickets.find((t) => t.title.includes('held for review'))!;
		expect(heldTicket.accountId).toBe('house');
		expect(heldTicket.description).toContain('B (customer 2): drops to 0\n  - SafeSend [2|x]');
	});

	it('run summary of 100 Not Mapped counts: the PSA gets one readable ticket with the whole list', async () => {
		const items = notMappedItems(50, 'r9');
		const r = await alert(items, g.url, {
			parameters: { mode: 'runSummary', houseAccountId: 'house', category: 'notMapped' },
		});
		expect(r.error).toBeUndefined();
		expect(r.out[0].json).toMatchObject({ itemCount: 100, itemsListed: 100, alertStatus: 'sent' });
		expect(g.state.tickets).toHaveLength(1);
		const ticket = g.state.tickets[0];
		expect(ticket.title).toBe('50 customers (100 counts) not mapped in Gradient yet (run r9)');
		expect(ticket.description.length).toBeLessThan(5000);
		expect(ticket.description).toContain(
			'Fabrikam Inc 4 (customer 1004)\n  - CloudFilter: new -> 15\n  - SafeSend: new -> 15',
		);
		expect(ticket.description).toContain('Northwind 50 (customer 1050)\n  - CloudFilter: 59 -> 61');
		expect(ticket.description).not.toContain('?');
	});

	it('waits for the ticket and returns its id, or the errors that stopped it', async () => {
		g.setOptions({ alertPendingPolls: 2 });
		const wait = { ...perItem, options: { waitForTicket: true, pollSeconds: 0.02 } };
		const ok = await alert([{ gradientAccountId: '7', customerName: 'Acme', count: 1 }], g.url, {
			parameters: wait,
		});
		expect(ok.out[0].json).toMatchObject({
			alertStatus: 'sent',
			ticketStatus: 'success',
			ticketId: g.state.tickets[0].ticketId,
		});

		g.setOptions({ failAlertsFor: ['7'], alertPendingPolls: 0 });
		const bad = await alert([{ gradientAccountId: '7', customerName: 'Acme', count: 2 }], g.url, {
			parameters: wait,
		});
		expect(bad.out[0].json).toMatchObject({
			ticketStatus: 'failed',
			ticketErrors: ['No PSA board is mapped for this account'],
		});
		// A failed ticket is not remembered, so the next run tries again.
		const orgId = g.state.organization.organizationId;
		const state = (bad.staticData.global as IDataObject | undefined)?.[STATE_KEY] as
			| IDataObject
			| undefined;
		expect(((state?.[orgId] as IDataObject | undefined)?.alerts as IDataObject) ?? {}).toEqual({});
	});

	it('names an unmapped account; with Continue On Fail it becomes a failed item with its reason', async () => {
		const items = [
			{ gradientAccountId: 'nomap', customerName: 'Nobody', count: 1 },
			{ gradientAccountId: '7', customerName: 'Acme', count: 1 },
		];
		const thrown = await alert(items, g.url, { parameters: perItem });
		expect(thrown.nodeError(NODE)?.message).toMatch(/404/);

		const kept = await alert(items, g.url, { parameters: perItem, continueOnFail: true });
		expect(kept.out[0].json).toMatchObject({
			alertStatus: 'failed',
			reason: expect.stringMatching(/404/),
		});
		expect(kept.out[1].json.alertStatus).toBe('sent');
	});

	it('refuses an item without an account id, naming the item and the field', async () => {
		const r = await alert([{ customerName: 'Acme', count: 1 }], g.url, { parameters: perItem });
		expect(r.nodeError(NODE)?.message).toBe('Item 0: field "Account ID" is empty');
		expect(posts()).toHaveLength(0);
	});

	it('refuses a due date that is no date, naming the item and the field', async () => {
		const items = [{ gradientAccountId: '7', customerName: 'Acme', count: 1 }];
		const parameters = { ...perItem, options: { dueDate: 'tomorrow-ish' } };
		const r = await alert(items, g.url, { parameters });
		expect(r.nodeError(NODE)?.message).toBe(
			'Item 0: field "Due Date" is not a date ("tomorrow-ish")',
		);
		const kept = await alert(items, g.url, { parameters, continueOnFail: true });
		expect(kept.out[0].json.reason).toBe(
			'Item 0: field "Due Date" is not a date ("tomorrow-ish"). Set Options > Due Date to a date and time, e.g. 2025-02-01T09:00:00Z.',
		);
		expect(posts()).toHaveLength(0);
	});

	it.each([
		['Priority', { priority: 7 }, 'is 7, not a whole number from 1 to 4', 4],
		['Priority', { priority: 'high' }, 'is "high", not a whole number from 1 to 4', 4],
		['Priority', { priority: 2.5 }, 'is 2.5, not a whole number from 1 to 4', 4],
		['Ticket Status', { ticketStatus: 9 }, 'is 9, not a whole number from 1 to 6', 6],
		['Ticket Status', { ticketStatus: 0 }, 'is 0, not a whole number from 1 to 6', 6],
	] as const)(
		'refuses %s %j before sending, naming the item, the field and the range',
		async (field, value, problem, max) => {
			const items = [
				{ gradientAccountId: '7', customerName: 'Acme', count: 1 },
				{ gradientAccountId: '7', customerName: 'Acme', count: 2 },
			];
			const parameters = { ...perItem, ...value };
			const r = await alert(items, g.url, { parameters });
			expect(r.nodeError(NODE)?.message).toBe(`Item 0: field "${field}" ${problem}`);
			const description = String((r.nodeError(NODE) as { description?: string }).description);
			expect(description).toContain(`an expression must return a number from 1 to ${max}.`);
			expect(posts()).toHaveLength(0);

			// With Continue On Fail each item carries the reason and the fix, and nothing is sent.
			const kept = await alert(items, g.url, { parameters, continueOnFail: true });
			expect(kept.error).toBeUndefined();
			expect(kept.out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(kept.out.map((i) => i.json.reason)).toEqual([
				`Item 0: field "${field}" ${problem}. ${description}`,
				`Item 1: field "${field}" ${problem}. ${description}`,
			]);
			expect(g.log).toHaveLength(0);
		},
	);

	it('takes a priority and status given as numeric text', async () => {
		const items = [{ gradientAccountId: '7', customerName: 'Acme', count: 1 }];
		const r = await alert(items, g.url, {
			parameters: { ...perItem, priority: '={{ "4" }}', ticketStatus: '={{ "6" }}' },
		});
		expect(r.error).toBeUndefined();
		expect(g.state.tickets[0]).toMatchObject({ priority: 4, status: 6 });
	});

	it('run summary: a bad priority refuses every item of the summary, each naming itself', async () => {
		const items = [
			{ runId: 'r1', customerId: '1', status: 'failed', reason: 'x' },
			{ runId: 'r1', customerId: '2', status: 'failed', reason: 'y' },
		];
		const parameters = {
			mode: 'runSummary',
			houseAccountId: 'house',
			category: 'failed',
			priority: 5,
		};
		const kept = await alert(items, g.url, { parameters, continueOnFail: true });
		expect(kept.out.map((i) => String(i.json.reason).split('.')[0])).toEqual([
			'Item 0: field "Priority" is 5, not a whole number from 1 to 4',
			'Item 1: field "Priority" is 5, not a whole number from 1 to 4',
		]);
		expect(g.log).toHaveLength(0);
	});

	it('with Continue On Fail, a rejected credential gives every ticket the one reason', async () => {
		const items = [
			{ gradientAccountId: '7', customerName: 'Acme', count: 1 },
			{ gradientAccountId: '7', customerName: 'Acme', count: 2 },
		];
		const r = await alert(items, g.url, {
			parameters: perItem,
			continueOnFail: true,
			credentials: { partnerApiKey: 'nope' },
		});
		expect(r.error).toBeUndefined();
		expect(r.out.map((i) => i.json.alertStatus)).toEqual(['failed', 'failed']);
		expect(new Set(r.out.map((i) => i.json.reason)).size).toBe(1);
		expect(String(r.out[0].json.reason)).toMatch(/401/);
		expect(r.out[1].pairedItem).toEqual({ item: 1 });
		expect(g.log).toHaveLength(1);
		assertNoSecretsIn(r.out);
	});

	it('stops at once on 401 without leaking a key', async () => {
		const r = await alert([{ gradientAccountId: '7', customerName: 'Acme', count: 1 }], g.url, {
			parameters: perItem,
			credentials: { vendorApiKey: 'nope' },
		});
		expect(r.nodeError(NODE)?.message).toMatch(/401/);
		expect(g.log).toHaveLength(1);
		assertNoSecretsIn(r.nodeError(NODE));
	});
});

describe('House Account picker', () => {
	let g: GradientEmulator;

	afterEach(async () => {
		await g?.close();
	});

	function loadOptionsContext(url: string): ILoadOptionsFunctions {
		return fetchingLoadOptionsContext({
			name: NODE,
			type: nodeType('gradientAlert'),
			credential: new GradientApi(),
			credentials: credentialsFor({ gradientUrl: url }).gradientApi,
		});
	}

	it('lists Gradient accounts to pick from, mapped ones first, found by name or id', async () => {
		g = await startGradient({
			accounts: [
				{ id: 'zz-1', name: 'Acme Unmapped' },
				{ id: 'msp-house', name: 'MSP House Account' },
				{ id: '1001', name: 'Contoso Ltd' },
			],
			psaClients: ['MSP House Account', 'Contoso Ltd'],
		});
		const search = new GradientAlert().methods.listSearch.searchAccounts;
		const ctx = loadOptionsContext(g.url);
		const all = await search.call(ctx);
		expect(all.results).toEqual([
			{ name: 'Contoso Ltd (1001)', value: '1001' },
			{ name: 'MSP House Account (msp-house)', value: 'msp-house' },
			{ name: 'Acme Unmapped (zz-1), not mapped: cannot take tickets', value: 'zz-1' },
		]);
		expect((await search.call(ctx, 'house')).results.map((r) => r.value)).toEqual(['msp-house']);
		expect((await search.call(ctx, 'ZZ-1')).results.map((r) => r.value)).toEqual(['zz-1']);
	});

	it('takes the house account from the picker or as a plain id', async () => {
		g = await startGradient({
			accounts: [{ id: 'msp-house', name: 'MSP House Account' }],
			psaClients: ['MSP House Account'],
		});
		for (const houseAccountId of [{ __rl: true, mode: 'list', value: 'msp-house' }, 'msp-house']) {
			const r = await runGradientNode({
				name: NODE,
				type: 'gradientAlert',
				parameters: { mode: 'runSummary', houseAccountId, category: 'failed' },
				items: [{ customerId: '1', customerName: 'One', product: 'CloudFilter', reason: 'x' }],
				gradientUrl: g.url,
				nodeTypes,
			});
			expect(r.error).toBeUndefined();
		}
		expect(g.state.tickets.map((t) => t.accountId)).toEqual(['msp-house', 'msp-house']);
	});
});
