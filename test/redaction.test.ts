/**
 * Redaction (issue 11, case 8): an API that echoes the credential's secrets in its error text
 * (the keys, the Bearer value, the GRADIENT-TOKEN, URL-encoded or not) never gets them into an
 * error, a Failed item's reason, an execution hint or the PSA ticket made from that item.
 */

import { GradientAlert } from '../nodes/GradientAlert/GradientAlert.node';
import { GradientPushBillable } from '../nodes/GradientPushBillable/GradientPushBillable.node';
import { MailprotectorGetCounts } from '../nodes/MailprotectorGetCounts/MailprotectorGetCounts.node';
import type { GradientEmulator } from './emulators';
import { smallDataset, startGradient, startMailprotector } from './emulators';
import { runWorkflow } from './harness/engine';
import { closeAfterEach } from './harness/closeAfterEach';
import { chain, connect, credentialsFor, hintMessages, nodeType } from './harness/fixtures';
import type { ProxiedRequest } from './harness/redirectProxy';
import { startRedirectProxy } from './harness/redirectProxy';

const nodeTypes = {
	[nodeType('gradientPushBillable')]: new GradientPushBillable(),
	[nodeType('gradientAlert')]: new GradientAlert(),
	[nodeType('mailprotectorGetCounts')]: new MailprotectorGetCounts(),
};

// Keys whose GRADIENT-TOKEN holds +, / and =, so its URL-encoded forms differ from it.
const KEYS = { vendorApiKey: 'vk-echo>>>?', partnerApiKey: 'pk-echo???>', apiKey: 'mp-echo-k/y+' };
const TOKEN = Buffer.from(`${KEYS.vendorApiKey}:${KEYS.partnerApiKey}`).toString('base64');
const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const SECRET_FORMS = [
	KEYS.vendorApiKey,
	KEYS.partnerApiKey,
	KEYS.apiKey,
	`Bearer ${KEYS.apiKey}`,
	TOKEN,
	TOKEN.replace(/=+$/, ''),
	encodeURIComponent(TOKEN),
	lowerHex(encodeURIComponent(TOKEN)),
	encodeURIComponent(KEYS.apiKey),
	encodeURIComponent(KEYS.vendorApiKey),
];

function leaked(value: unknown): string[] {
	const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
	return SECRET_FORMS.filter((secret) => text.includes(secret));
}

/** Gradient's error text, echoing everything it was sent in every form. */
function gradientEcho(req: ProxiedRequest): string {
	const token = String(req.headers['gradient-token']);
	return `invalid request for token ${token} (${encodeURIComponent(token)}, ${lowerHex(encodeURIComponent(token))}), vendor ${KEYS.vendorApiKey} ${encodeURIComponent(KEYS.vendorApiKey)}, partner ${KEYS.partnerApiKey}`;
}

const open = closeAfterEach<{ close(): Promise<void> }>();

describe('Push Billable -> Gradient Alert, Gradient echoing the secrets', () => {
	let g: GradientEmulator;

	it.each([400, 500])(
		'%i: the Failed reason, the hints and the ticket hold [redacted], never a secret',
		async (status) => {
			g = await startGradient({
				...KEYS,
				services: ['CloudFilter'],
				accounts: [
					{ id: '1', name: 'Customer 1' },
					{ id: 'house', name: 'MSP House Account' },
				],
				psaClients: ['Customer 1', 'MSP House Account'],
			});
			open.push(g);
			const proxy = await startRedirectProxy({
				upstream: g.url,
				rules: [
					{
						method: 'POST',
						path: /^\/api\/vendor-api\/service\/[^/]+\/count$/,
						answer: (req) => ({ status, body: { statusCode: status, message: gradientEcho(req) } }),
					},
				],
			});
			open.push(proxy);
			const serviceId = g.state.vendor.skus.find((s) => s.name === 'CloudFilter')!.id;
			const workflow = chain(
				[
					{
						name: 'Push',
						type: 'gradientPushBillable',
						parameters: { options: { retryBaseMs: 5 } },
						credentials: ['gradientApi'],
					},
				],
				{
					startItems: [
						{
							customerId: '1',
							customerName: 'Customer 1',
							product: 'CloudFilter',
							count: 7,
							gradientAccountId: '1',
							gradientServiceId: serviceId,
						},
					],
				},
			);
			workflow.nodes.push({
				name: 'Alert',
				type: nodeType('gradientAlert'),
				typeVersion: 1,
				parameters: { mode: 'runSummary', houseAccountId: 'house', category: 'failed' },
				credentials: { gradientApi: { id: 'grCredTest000001', name: 'Gradient test' } },
			});
			connect(workflow, 'Push', 'Alert', 2);
			const credentials = credentialsFor({ gradientUrl: proxy.url });
			credentials.gradientApi = { ...credentials.gradientApi, ...KEYS };
			const result = await runWorkflow({ workflow, nodeTypes, credentials, mode: 'cli' });

			expect(result.error).toBeUndefined();
			expect(proxy.intercepted.length).toBeGreaterThanOrEqual(1);
			const failed = result.output('Push', 2);
			expect(failed).toHaveLength(1);
			const reason = String(failed[0].json.reason);
			expect(reason).toContain(
				'invalid request for token [redacted] ([redacted], [redacted]), vendor [redacted] [redacted], partner [redacted]',
			);
			expect(leaked(failed.map((i) => i.json))).toEqual([]);
			expect(leaked(hintMessages(result, 'Push'))).toEqual([]);
			expect(leaked(hintMessages(result, 'Alert'))).toEqual([]);

			// The ticket made from the Failed item carries the reason, redacted.
			expect(g.state.tickets).toHaveLength(1);
			expect(g.state.tickets[0].description).toContain('invalid request for token [redacted]');
			expect(leaked(g.state.tickets)).toEqual([]);
			expect(leaked(result.run.data.resultData)).toEqual([]);
		},
	);
});

describe('Get Counts, Mailprotector echoing the Bearer header', () => {
	it('the thrown error (message, description, context) holds [redacted], never the key', async () => {
		const mp = await startMailprotector({ dataset: smallDataset(), apiKey: KEYS.apiKey });
		open.push(mp);
		const proxy = await startRedirectProxy({
			upstream: mp.url,
			rules: [
				{
					method: 'GET',
					path: /^\/api\/v1\/resellers\/\d+\/customers$/,
					answer: (req) => ({
						status: 500,
						body: {
							error: `upstream rejected ${String(req.headers.authorization)} (${encodeURIComponent(KEYS.apiKey)})`,
						},
					}),
				},
			],
		});
		open.push(proxy);
		const credentials = credentialsFor({ mailprotectorUrl: proxy.url });
		credentials.mailprotectorApi = { ...credentials.mailprotectorApi, apiKey: KEYS.apiKey };
		const result = await runWorkflow({
			workflow: chain([
				{
					name: 'Get Counts',
					type: 'mailprotectorGetCounts',
					parameters: { options: { retryBaseMs: 5 } },
					credentials: ['mailprotectorApi'],
				},
			]),
			nodeTypes,
			credentials,
		});
		expect(result.error).toBeDefined();
		expect(result.error?.description).toContain(
			'Mailprotector said: "upstream rejected Bearer [redacted] ([redacted])"',
		);
		expect(leaked(result.error)).toEqual([]);
		expect(leaked({ ...result.error, description: result.error?.description })).toEqual([]);
		expect(leaked(result.run.data.resultData)).toEqual([]);
		expect(leaked(hintMessages(result, 'Get Counts'))).toEqual([]);
	});
});
