/**
 * Redirects (issue 11, case 1): a 3xx from either API is never followed. The keys stay on the
 * credential's origin, a write is never reported done unless the API accepted it, and the items
 * land on the failure outputs with a reason that names where the redirect pointed.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { GradientAssignCustomer } from '../nodes/GradientAssignCustomer/GradientAssignCustomer.node';
import { GradientPushBillable } from '../nodes/GradientPushBillable/GradientPushBillable.node';
import { MailprotectorGetCounts } from '../nodes/MailprotectorGetCounts/MailprotectorGetCounts.node';
import { STATE_KEY } from '../nodes/shared/ledger';
import type { GradientEmulator, MailprotectorEmulator } from './emulators';
import { smallDataset, startGradient, startMailprotector } from './emulators';
import { runWorkflow } from './harness/engine';
import { closeAfterEach } from './harness/closeAfterEach';
import { chain, credentialsFor, hintMessages, nodeType, runGradientNode } from './harness/fixtures';
import { assertNoSecretsIn } from './harness/leaks';
import type { RedirectProxy, TrapArrival } from './harness/redirectProxy';
import { startRedirectProxy } from './harness/redirectProxy';

const nodeTypes = {
	[nodeType('gradientPushBillable')]: new GradientPushBillable(),
	[nodeType('gradientAssignCustomer')]: new GradientAssignCustomer(),
	[nodeType('mailprotectorGetCounts')]: new MailprotectorGetCounts(),
};

const COUNT_POST = /^\/api\/vendor-api\/service\/[^/]+\/count$/;
const ACCOUNTS = /^\/api\/vendor-api\/organization\/accounts$/;

/** What reached the trap, headers left out of the failure text (they hold the keys). */
const seen = (arrivals: TrapArrival[]) => arrivals.map((a) => `${a.method} ${a.path}`);

const open = closeAfterEach<{ close(): Promise<void> }>();

async function proxy(upstream: string, rules: Parameters<typeof startRedirectProxy>[0]['rules']) {
	const p = await startRedirectProxy({ upstream, rules });
	open.push(p);
	return p;
}

describe('Push Billable: a redirected count POST', () => {
	let g: GradientEmulator;
	const previous = 10;

	async function pushOnce(url: string, count: number, staticData?: IDataObject) {
		const cf = g.state.vendor.skus.find((s) => s.name === 'CloudFilter')!.id;
		return await runGradientNode({
			name: 'Push',
			type: 'gradientPushBillable',
			parameters: { options: { retryBaseMs: 5 } },
			items: [
				{
					customerId: '1',
					customerName: 'Customer 1',
					product: 'CloudFilter',
					count,
					gradientAccountId: '1',
					gradientServiceId: cf,
				},
			],
			gradientUrl: url,
			nodeTypes,
			staticData,
		});
	}

	const ledgerCount = (staticData: IDataObject): unknown => {
		const orgs = (staticData.global as IDataObject)[STATE_KEY] as IDataObject;
		const org = orgs[g.state.organization.organizationId] as {
			pairs: Record<string, { count: unknown }>;
		};
		return Object.values(org.pairs)[0]?.count;
	};

	it.each([307, 308, 301, 302, 303])(
		'%i: the item lands on Failed naming the new address, the ledger keeps the count, nothing leaves',
		async (status) => {
			g = await startGradient({
				services: ['CloudFilter'],
				accounts: [{ id: '1', name: 'Customer 1' }],
				psaClients: ['Customer 1'],
			});
			open.push(g);
			const first = await pushOnce(g.url, previous);
			expect(first.output('Push', 0).map((i) => i.json.status)).toEqual(['pushed']);
			expect(ledgerCount(first.staticData)).toBe(previous);

			const p = await proxy(g.url, [
				{ method: 'POST', path: COUNT_POST, redirect: status, query: '?sig=secret-query-value' },
			]);
			const second = await pushOnce(p.url, 12, first.staticData);

			// Nothing, and no key, reached the address the redirect named.
			expect(seen(p.trap.arrivals)).toEqual([]);
			// One attempt, not retried; nothing reported pushed.
			expect(p.intercepted).toHaveLength(1);
			expect(second.output('Push', 0)).toEqual([]);
			expect(second.output('Push', 1)).toEqual([]);
			const failed = second.output('Push', 2);
			expect(failed).toHaveLength(1);
			const reason = String(failed[0].json.reason);
			const trapOrigin = p.trap.url;
			expect(reason).toContain(
				`Gradient answered POST /api/vendor-api/service/${g.state.vendor.skus[0].id}/count with a redirect (${status}) to ${trapOrigin}/api/vendor-api/service/`,
			);
			expect(reason).toContain(`put ${trapOrigin} in the Base URL of the Gradient credential`);
			expect(reason).not.toContain('secret-query-value');
			// Gradient still holds the previous count, and so does the ledger.
			expect(Object.values(g.state.counts).map((c) => c.unitCount)).toEqual([previous]);
			expect(ledgerCount(second.staticData)).toBe(previous);
			assertNoSecretsIn(second.run.data.resultData);
		},
	);
});

describe('Assign Customer: a redirected bulk create', () => {
	it('sends the new customer to Needs Mapping, never reports it created', async () => {
		const g = await startGradient({ accounts: [{ id: '1', name: 'Customer 1' }] });
		open.push(g);
		const p = await proxy(g.url, [{ method: 'POST', path: ACCOUNTS, redirect: 307 }]);
		const items = [
			{ customerId: '1', customerName: 'Customer 1', product: 'CloudFilter', count: 3 },
			{ customerId: '2', customerName: 'New Customer', product: 'CloudFilter', count: 4 },
		];
		const result = await runWorkflow({
			workflow: chain(
				[
					{
						name: 'Assign',
						type: 'gradientAssignCustomer',
						credentials: ['gradientApi'],
					},
				],
				{ startItems: items },
			),
			nodeTypes,
			credentials: credentialsFor({ gradientUrl: p.url }),
			mode: 'cli',
		});
		expect(result.error).toBeUndefined();
		expect(seen(p.trap.arrivals)).toEqual([]);
		const assigned = result.output('Assign', 0).map((i: INodeExecutionData) => i.json);
		expect(assigned.map((j) => [j.customerId, j.gradientAccountAction])).toEqual([
			['1', 'existing'],
		]);
		const needs = result.output('Assign', 1).map((i) => i.json);
		expect(needs.map((j) => j.customerId)).toEqual(['2']);
		expect(String(needs[0].reason)).toMatch(
			/^Creating Gradient account 2 failed: Gradient answered POST \/api\/vendor-api\/organization\/accounts with a redirect \(307\) to http:\/\/127\.0\.0\.1:\d+\/api\/vendor-api\/organization\/accounts; it was not followed/,
		);
		expect(g.state.findAccount('2')).toBeUndefined();
		expect(hintMessages(result, 'Assign').join(' ')).toContain('Created 0 account(s)');
		assertNoSecretsIn(result.run.data.resultData);
	});
});

describe('Get Counts: a redirected read', () => {
	let mp: MailprotectorEmulator;
	let p: RedirectProxy;

	it('stops with an error naming the new address; no key reaches it', async () => {
		mp = await startMailprotector({ dataset: smallDataset() });
		open.push(mp);
		p = await proxy(mp.url, [
			{ method: 'GET', path: /^\/api\/v1\/resellers\/\d+\/customers$/, redirect: 301 },
		]);
		const result = await runWorkflow({
			workflow: chain([
				{ name: 'Get Counts', type: 'mailprotectorGetCounts', credentials: ['mailprotectorApi'] },
			]),
			nodeTypes,
			credentials: credentialsFor({ mailprotectorUrl: p.url }),
		});
		expect(seen(p.trap.arrivals)).toEqual([]);
		expect(p.trap.arrivals.some((a) => a.headers.authorization !== undefined)).toBe(false);
		expect(result.output('Get Counts')).toEqual([]);
		expect(result.error?.message).toMatch(
			/^Mailprotector answered GET \/api\/v1\/resellers\/1\/customers with a redirect \(301\) to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/resellers\/1\/customers; it was not followed$/,
		);
		expect(result.error?.description).toMatch(/never follows a redirect/);
		expect(result.error?.description).toMatch(/Base URL of the Mailprotector credential/);
		assertNoSecretsIn(result.error);
	});
});
