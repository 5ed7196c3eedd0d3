/**
 * The bad-input catalogue's world: the nodes under test, their standard input items, the API
 * servers a row runs against (the emulators, or a scripted stand-in with one route changed),
 * and the runner that executes one row through the real engine and reports what happened.
 */
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { gradientToken } from '../../credentials/GradientApi.credentials';
import type { GradientEmulator, MailprotectorEmulator } from '../emulators';
import { startGradient, startMailprotector, smallDataset } from '../emulators';
import type { CredentialMap, WorkflowJson } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import { chain, credentialsFor, hintMessages } from '../harness/fixtures';
import { SECRETS } from '../harness/leaks';
import { allNodeTypes } from '../harness/nodeTypes';
import type { Arrival, ScriptStep, ScriptedServer } from '../harness/scriptedServer';
import { startScriptedServer, unusedPort } from '../harness/scriptedServer';
import { startUntrustedTls } from '../harness/untrustedTls';
import { INJECTED, INJECT_TYPE, Inject } from './inject';

export type NodeKey = 'getCounts' | 'assign' | 'map' | 'push' | 'alert';

export const NODES: Record<
	NodeKey,
	{ name: string; type: string; credential: 'mailprotectorApi' | 'gradientApi'; outputs: string[] }
> = {
	getCounts: {
		name: 'Get Counts',
		type: 'mailprotectorGetCounts',
		credential: 'mailprotectorApi',
		outputs: ['Items'],
	},
	assign: {
		name: 'Assign Customer',
		type: 'gradientAssignCustomer',
		credential: 'gradientApi',
		outputs: ['Assigned', 'Needs Mapping'],
	},
	map: {
		name: 'Map Service',
		type: 'gradientMapService',
		credential: 'gradientApi',
		outputs: ['Mapped', 'Unmapped'],
	},
	push: {
		name: 'Push Billable',
		type: 'gradientPushBillable',
		credential: 'gradientApi',
		outputs: ['Pushed', 'Not Mapped', 'Failed', 'Held for Review'],
	},
	alert: {
		name: 'Gradient Alert',
		type: 'gradientAlert',
		credential: 'gradientApi',
		outputs: ['Alerts'],
	},
};

/** The nodes that follow each node in the sync chain (they run on its happy output). */
const DOWNSTREAM: Record<NodeKey, NodeKey[]> = {
	getCounts: ['assign', 'map', 'push'],
	assign: ['map', 'push'],
	map: ['push'],
	push: [],
	alert: [],
};

const INJECT = 'Inject';

// --- standard input ------------------------------------------------------------------------

/** The three (customer, product) pairs every row starts from. */
export const SOURCES = [
	{ customerId: '1001', customerName: 'Acme Corp', product: 'CloudFilter', count: 5 },
	{ customerId: '1001', customerName: 'Acme Corp', product: 'SafeSend', count: 3 },
	{ customerId: '1002', customerName: 'Globex', product: 'CloudFilter', count: 7 },
] as const;

/** Service ids of the scripted Gradient (24 hex digits, as Gradient's). */
export const SCRIPTED_SERVICE_IDS: Record<string, string> = {
	CloudFilter: 'c1f0c1f0c1f0c1f0c1f0c1f0',
	SafeSend: '5a5e5a5e5a5e5a5e5a5e5a5e',
};

/** `$svc:<product>` in an item is replaced by the service id of the server the row runs against. */
export const svc = (product: string) => `$svc:${product}`;

/** The items a node takes, as the node before it in the chain emits them. */
export function standardItems(node: NodeKey): IDataObject[] {
	return SOURCES.map((s) => {
		const base: IDataObject = {
			customerId: s.customerId,
			customerName: s.customerName,
			domains: [s.customerId === '1001' ? 'acme.example' : 'globex.example'],
			product: s.product,
			count: s.count,
		};
		if (node === 'assign' || node === 'getCounts') return base;
		const assigned = { ...base, gradientAccountId: s.customerId, gradientAccountMapped: true };
		if (node === 'map') return assigned;
		const mapped = {
			...assigned,
			gradientServiceId: svc(s.product),
			gradientServiceName: s.product,
		};
		if (node === 'push') return mapped;
		// Gradient Alert takes what Push Billable's Failed output emits.
		return {
			runId: 'run-catalogue',
			customerId: s.customerId,
			customerName: s.customerName,
			product: s.product,
			gradientAccountId: s.customerId,
			gradientServiceId: svc(s.product),
			unitCount: s.count,
			status: 'failed',
			reason: 'Gradient had a server error',
		};
	});
}

/** Parameters each node gets unless a row sets them: short backoff, so retries cost little. */
export function baseParameters(node: NodeKey): INodeParameters {
	const options = { retryBaseMs: 5, maxRetries: 2 };
	if (node === 'alert') {
		return {
			mode: 'perItem',
			accountId: '={{ $json.gradientAccountId }}',
			title: '=Sync problem for {{ $json.customerName }}',
			alertDescription: '={{ $json.product }}: {{ $json.reason }}',
			options,
		};
	}
	return { options };
}

// --- scripted APIs -------------------------------------------------------------------------

export type Answer = ScriptStep | ((arrival: Arrival, n: number) => ScriptStep);

/** Replaces the answer of the requests matching `method` and `path` (without the query). */
export interface Route {
	method: string;
	path: RegExp;
	answer: Answer;
}

const GR = '/api/vendor-api';

/** Id of a service the scripted Gradient creates (the rows create one at most). */
const CREATED_SERVICE_ID = 'e'.repeat(24);

/** Services the scripted Gradient created during a row: its service list shows them after. */
type CreatedServices = Array<{ id: string; name: string; category: string }>;

function gradientRoutes(created: CreatedServices = []): Route[] {
	const skus = () => [
		...Object.entries(SCRIPTED_SERVICE_IDS).map(([name, id]) => ({
			id,
			name,
			category: 'security',
			subcategory: 'email security',
		})),
		...created,
	];
	return [
		{
			method: 'GET',
			path: /^\/api\/vendor-api\/organization$/,
			answer: {
				status: 200,
				body: { organizationId: 'org-catalogue', name: 'Catalogue MSP', status: 'active' },
			},
		},
		{ method: 'PATCH', path: /^\/api\/vendor-api\/organization\/status\//, answer: { body: {} } },
		{
			method: 'GET',
			path: /^\/api\/vendor-api\/organization\/accounts$/,
			answer: {
				body: [
					{ id: '1001', name: 'Acme Corp', isMapped: true },
					{ id: '1002', name: 'Globex', isMapped: true },
					{ id: 'msp-house', name: 'MSP House Account', isMapped: true },
				],
			},
		},
		{
			method: 'POST',
			path: /^\/api\/vendor-api\/organization\/accounts$/,
			answer: { status: 201, body: [] },
		},
		{ method: 'PATCH', path: /^\/api\/vendor-api\/organization\/accounts\//, answer: { body: {} } },
		{
			method: 'GET',
			path: /^\/api\/vendor-api\/organization\/clients$/,
			answer: { body: { clients: [] } },
		},
		{
			method: 'GET',
			path: /^\/api\/vendor-api$/,
			answer: () => ({ body: { data: { skus: skus() } } }),
		},
		{
			method: 'POST',
			path: /^\/api\/vendor-api\/service$/,
			answer: (arrival) => {
				const name = String((JSON.parse(arrival.body || '{}') as IDataObject).name ?? '');
				const listed = skus().some((s) => s.name === name);
				return {
					status: 201,
					body: {
						skus: [
							...skus(),
							...(listed ? [] : [{ id: CREATED_SERVICE_ID, name, category: 'security' }]),
						],
					},
				};
			},
		},
		{
			method: 'POST',
			path: /^\/api\/vendor-api\/service\/[^/]+\/count$/,
			answer: { status: 201, body: { status: 201, message: 'Created service unit count' } },
		},
		{
			method: 'POST',
			path: /^\/api\/vendor-api\/alerting\/[^/]+$/,
			answer: (arrival) => ({
				status: 201,
				body: {
					messageId: `msg-${arrival.index}`,
					alertId: (JSON.parse(arrival.body || '{}') as IDataObject).alertId,
				},
			}),
		},
		{
			method: 'GET',
			path: /^\/api\/vendor-api\/alerting\/debug\//,
			answer: { body: { status: 'success', ticketId: '70001' } },
		},
	];
}

const MP = '/api/v1';

function mailprotectorRoutes(): Route[] {
	const firstPageOnly =
		(rows: unknown[]): Answer =>
		(arrival) => ({ body: /[?&]page=1(&|$)/.test(arrival.path) ? rows : [] });
	const acme = { id: 1001, name: 'Acme Corp' };
	const domain = { id: 5001, name: 'acme.example' };
	const group = { id: 3001, name: 'Default' };
	return [
		{
			method: 'GET',
			path: /^\/api\/v1\/resellers\/1$/,
			answer: { body: { id: 1, name: 'Catalogue Reseller' } },
		},
		{
			method: 'GET',
			path: /^\/api\/v1\/resellers\/1\/customers$/,
			answer: firstPageOnly([acme]),
		},
		{
			method: 'GET',
			path: /^\/api\/v1\/resellers\/1\/domains$/,
			answer: firstPageOnly([
				{
					...domain,
					account: acme,
					domain_status: { id: 2, name: 'Active' },
					parent: null,
				},
			]),
		},
		{
			method: 'GET',
			path: /^\/api\/v1\/resellers\/1\/users$/,
			answer: firstPageOnly([
				{
					id: 9001,
					parent: null,
					user_type: { id: 1, name: 'User' },
					user_group: group,
					domain,
					primary_address: 'someone@acme.example',
				},
			]),
		},
		{
			method: 'GET',
			path: /^\/api\/v1\/user_groups\/3001\/services$/,
			answer: firstPageOnly([
				{ id: 7001, service_type: 'CloudFilter Email Security', user_group: group, domain },
			]),
		},
	];
}

/** What a scripted server answered, by arrival index. */
const ANSWERED = new WeakMap<Arrival, ScriptStep>();

/**
 * A scripted server answering `routes` (later ones win); anything else answers 200 []. A service
 * create answered 2xx is a service Gradient created, whatever the body said: `created` (read by
 * the service list route) records it.
 */
function scriptOf(routes: Route[], created?: CreatedServices) {
	return (arrival: Arrival, n: number): ScriptStep => {
		const path = arrival.path.split('?')[0];
		let step: ScriptStep = { status: 200, body: [] };
		for (let k = routes.length - 1; k >= 0; k--) {
			const route = routes[k];
			if (route.method !== arrival.method || !route.path.test(path)) continue;
			step = typeof route.answer === 'function' ? route.answer(arrival, n) : route.answer;
			break;
		}
		ANSWERED.set(arrival, step);
		const status = step.status ?? 200;
		if (created && arrival.method === 'POST' && path === `${GR}/service`) {
			const name = String((JSON.parse(arrival.body || '{}') as IDataObject).name ?? '');
			const ok = status >= 200 && status < 300 && !step.reset;
			if (ok && name && !created.some((s) => s.name === name)) {
				created.push({ id: CREATED_SERVICE_ID, name, category: 'security' });
			}
		}
		return step;
	};
}

/** A page that is not the API: HTML, as a portal, a proxy login or a parked domain answers. */
const HTML_PAGE: ScriptStep = {
	status: 200,
	headers: { 'Content-Type': 'text/html; charset=utf-8' },
	body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Welcome</h1></body></html>',
};

// --- the row's setup and the runner ----------------------------------------------------------

export interface Setup {
	node: NodeKey;
	/** Node parameters, over baseParameters(node) (an `options` object is merged). */
	parameters?: INodeParameters;
	/** Replaces the standard items. */
	items?: IDataObject[];
	/** Fields changed on standard items, by index; `undefined` removes the field. */
	patch?: Record<number, IDataObject>;
	/** Items appended to the standard ones. */
	extra?: IDataObject[];
	/**
	 * Credential fields over the good test credentials. A baseUrl of '$nothing' is a local port
	 * where nothing listens; '$html' a local server answering an HTML page to everything;
	 * '$untrusted' a local https server with a self-signed certificate; '$same/path' the good
	 * Base URL with that path after it.
	 */
	credentials?: { mailprotectorApi?: IDataObject; gradientApi?: IDataObject };
	/** Gradient answers changed on a scripted Gradient; without it the Gradient emulator answers. */
	gradient?: Route[];
	/** Mailprotector answers changed on a scripted Mailprotector (Get Counts rows). */
	mailprotector?: Route[];
	/** Indexes of SOURCES that must not be pushed (default: the patched indexes). */
	bad?: number[];
	/** Workflow static data the run starts from (e.g. the `staticData` of an earlier row's run). */
	staticData?: IDataObject;
}

/** A count POST the Gradient side received. */
export interface CountPost {
	accountId: string;
	serviceId: string;
	unitCount: unknown;
	noBuild: boolean;
}

export interface Outcome {
	/** n8n refused to start the workflow (a parameter issue it checks itself). */
	refused?: boolean;
	/** The error the node under test ended with, if any. */
	error?: { message: string; description: string; itemIndex?: number; httpCode?: string };
	/** Outputs of the node under test. */
	outputs: INodeExecutionData[][];
	hints: string[];
	/** Count POSTs received during the run (with the emulator: the ones it accepted). */
	countPosts: CountPost[];
	/** Count POSTs that arrived at all (accepted or refused). */
	countAttempts: number;
	/** Items fed to the node under test (placeholders resolved). */
	items: IDataObject[];
	/** Service ids by product name on the Gradient side. */
	serviceIds: Record<string, string>;
	/** Everything the run produced, for the leak scan. */
	produced: unknown;
	/** Gradient emulator, when the row ran against it. */
	gradient?: GradientEmulator;
	/** Requests the scripted Gradient received during the row's run (headers left out: they hold the token). */
	arrivals: Array<Pick<Arrival, 'method' | 'path' | 'body'>>;
	/** Get Counts rows: the count POSTs of the good run before (what a bad run must not change). */
	baseline: CountPost[];
	/** Workflow static data after the run (Push's ledger), to start a later run from. */
	staticData: IDataObject;
}

/** Everything any row produced (outputs, errors, hints), for the final leak scan. */
export const PRODUCED: unknown[] = [];

/** Secrets beyond the test keys: the wrong keys rows put into credentials, and their tokens. */
export const EXTRA_SECRETS = new Set<string>();

function noteSecrets(credentials: Setup['credentials']): void {
	const mp = credentials?.mailprotectorApi;
	const gr = credentials?.gradientApi;
	const add = (value: unknown) => {
		if (typeof value === 'string' && value.length >= 4) EXTRA_SECRETS.add(value);
	};
	if (mp && typeof mp.apiKey === 'string' && mp.apiKey) {
		add(mp.apiKey);
		add(`Bearer ${mp.apiKey}`);
	}
	if (gr && ('vendorApiKey' in gr || 'partnerApiKey' in gr)) {
		const vendor = 'vendorApiKey' in gr ? gr.vendorApiKey : 'vk-test';
		const partner = 'partnerApiKey' in gr ? gr.partnerApiKey : 'pk-test';
		add(vendor);
		add(partner);
		add(gradientToken(vendor, partner));
	}
}

/** Every secret the final scan looks for. */
export function allSecrets(): string[] {
	return [...SECRETS, ...EXTRA_SECRETS];
}

function resolve(value: unknown, serviceIds: Record<string, string>): unknown {
	if (typeof value === 'string' && value.startsWith('$svc:')) {
		return serviceIds[value.slice(5)] ?? value;
	}
	return value;
}

function inputItems(setup: Setup, serviceIds: Record<string, string>): IDataObject[] {
	const items = (setup.items ?? standardItems(setup.node)).map((json) => ({ ...json }));
	for (const [index, patch] of Object.entries(setup.patch ?? {})) {
		const item = items[Number(index)];
		for (const [key, value] of Object.entries(patch)) {
			if (value === undefined) delete item[key];
			else item[key] = value;
		}
	}
	items.push(...(setup.extra ?? []).map((json) => ({ ...json })));
	return items.map((json) => {
		const out: IDataObject = {};
		for (const [key, value] of Object.entries(json)) {
			out[key] = resolve(value, serviceIds) as IDataObject[string];
		}
		return out;
	});
}

function mergeParameters(node: NodeKey, parameters: INodeParameters = {}): INodeParameters {
	const base = baseParameters(node);
	const options: INodeParameters = {
		...((base.options as INodeParameters | undefined) ?? {}),
		...((parameters.options as INodeParameters | undefined) ?? {}),
	};
	return { ...base, ...parameters, options };
}

let injectCounter = 0;

function workflowFor(
	setup: Setup,
	items: IDataObject[],
	continueOnFail: boolean,
): { workflow: WorkflowJson; injectKey?: string } {
	const nodes = [setup.node, ...(continueOnFail ? DOWNSTREAM[setup.node] : [])].map((key) => ({
		name: NODES[key].name,
		type: NODES[key].type,
		parameters:
			key === setup.node ? mergeParameters(key, setup.parameters) : mergeParameters(key, {}),
		credentials: [NODES[key].credential],
		continueOnFail,
	}));
	if (setup.node === 'getCounts') return { workflow: chain(nodes) };
	const injectKey = `row-${++injectCounter}`;
	INJECTED.set(injectKey, items);
	const workflow = chain([
		{ name: INJECT, type: INJECT_TYPE, parameters: { key: injectKey } },
		...nodes,
	]);
	return { workflow, injectKey };
}

const nodeTypes = { ...allNodeTypes(), [INJECT_TYPE]: new Inject() };

function errorOf(error: ExecutionError | undefined): Outcome['error'] {
	if (!error) return undefined;
	const e = error as ExecutionError & {
		description?: string | null;
		context?: { itemIndex?: number };
		httpCode?: string | null;
	};
	return {
		message: e.message,
		description: String(e.description ?? ''),
		itemIndex: e.context?.itemIndex,
		httpCode: e.httpCode ?? undefined,
	};
}

const GOOD_GRADIENT_ACCOUNTS = [
	{ id: '1001', name: 'Acme Corp' },
	{ id: '1002', name: 'Globex' },
	{ id: 'msp-house', name: 'MSP House Account' },
];

interface Servers {
	gradient?: GradientEmulator;
	gradientScript?: ScriptedServer;
	/** Services the scripted Gradient created during the run. */
	createdServices?: CreatedServices;
	mailprotector?: MailprotectorEmulator;
	mailprotectorScript?: ScriptedServer;
	extra: Array<{ close(): Promise<void> }>;
	gradientUrl: string;
	mailprotectorUrl: string;
	serviceIds: Record<string, string>;
}

async function startServers(setup: Setup): Promise<Servers> {
	const servers: Servers = { extra: [], gradientUrl: '', mailprotectorUrl: '', serviceIds: {} };
	if (setup.gradient) {
		servers.createdServices = [];
		servers.gradientScript = await startScriptedServer(
			scriptOf(
				[...gradientRoutes(servers.createdServices), ...setup.gradient],
				servers.createdServices,
			),
		);
		servers.gradientUrl = servers.gradientScript.url;
		servers.serviceIds = { ...SCRIPTED_SERVICE_IDS };
	} else if (setup.node === 'getCounts') {
		servers.gradient = await startGradient({ dataset: smallDataset(), customers: 3 });
		servers.gradientUrl = servers.gradient.url;
	} else {
		servers.gradient = await startGradient({
			accounts: GOOD_GRADIENT_ACCOUNTS,
			psaClients: GOOD_GRADIENT_ACCOUNTS.map((a) => a.name),
			services: ['CloudFilter', 'SafeSend'],
		});
		servers.gradientUrl = servers.gradient.url;
		for (const sku of servers.gradient.state.vendor.skus) servers.serviceIds[sku.name] = sku.id;
	}
	if (setup.node === 'getCounts') {
		if (setup.mailprotector) {
			// Good answers first (the run that fills the ledger), the row's answers after.
			servers.mailprotectorScript = await startScriptedServer(scriptOf(mailprotectorRoutes()));
			servers.mailprotectorUrl = servers.mailprotectorScript.url;
		} else {
			servers.mailprotector = await startMailprotector({ dataset: smallDataset() });
			servers.mailprotectorUrl = servers.mailprotector.url;
		}
	}
	return servers;
}

async function closeServers(servers: Servers): Promise<void> {
	await Promise.all(
		[
			servers.mailprotector,
			servers.mailprotectorScript,
			servers.gradientScript,
			...servers.extra,
		].map(async (s) => await s?.close()),
	);
}

async function credentialsOf(setup: Setup, servers: Servers): Promise<CredentialMap> {
	const credentials = credentialsFor({
		mailprotectorUrl: servers.mailprotectorUrl || undefined,
		gradientUrl: servers.gradientUrl,
	});
	for (const type of ['mailprotectorApi', 'gradientApi'] as const) {
		const over = { ...(setup.credentials?.[type] ?? {}) } as ICredentialDataDecryptedObject;
		if (over.baseUrl === '$nothing') over.baseUrl = `http://127.0.0.1:${await unusedPort()}`;
		if (over.baseUrl === '$untrusted') {
			const tls = await startUntrustedTls();
			servers.extra.push(tls);
			over.baseUrl = tls.url;
		}
		if (typeof over.baseUrl === 'string' && over.baseUrl.startsWith('$same')) {
			const url = type === 'gradientApi' ? servers.gradientUrl : servers.mailprotectorUrl;
			over.baseUrl = `${url}${over.baseUrl.slice('$same'.length)}`;
		}
		if (over.baseUrl === '$html') {
			const page = await startScriptedServer([HTML_PAGE]);
			servers.extra.push(page);
			over.baseUrl = page.url;
		}
		credentials[type] = { ...credentials[type], ...over };
	}
	return credentials;
}

function countPostsOf(servers: Servers, fromLog = 0): { posts: CountPost[]; attempts: number } {
	if (servers.gradientScript) {
		const arrivals = servers.gradientScript.arrivals.filter(
			(a) => a.method === 'POST' && /\/count(\?|$)/.test(a.path),
		);
		const accepted = arrivals.filter((a) => {
			const status = ANSWERED.get(a)?.status ?? 200;
			return status >= 200 && status < 300 && !ANSWERED.get(a)?.reset;
		});
		return {
			attempts: arrivals.length,
			posts: accepted.map((a) => {
				const body = JSON.parse(a.body || '{}') as IDataObject;
				return {
					accountId: String(body.accountId),
					serviceId: a.path.split('/')[4],
					unitCount: body.unitCount,
					noBuild: /no_build=true/.test(a.path),
				};
			}),
		};
	}
	const g = servers.gradient!;
	return {
		attempts: g.log.filter((e) => e.method === 'POST' && e.path.endsWith('/count')).length,
		posts: g.state.pushes.slice(fromLog).map((p) => ({
			accountId: p.accountId,
			serviceId: p.serviceId,
			unitCount: p.unitCount,
			noBuild: p.noBuild,
		})),
	};
}

/**
 * Runs one row: the node under test, and with Continue On Fail the rest of the chain after it,
 * so the row can show that no wrong number reaches Gradient. Get Counts rows first run the
 * chain once with good answers, so a ledger exists that a bad walk could wrongly zero.
 */
export async function runRow(setup: Setup, continueOnFail: boolean): Promise<Outcome> {
	const servers = await startServers(setup);
	try {
		const goodCredentials = credentialsFor({
			mailprotectorUrl: servers.mailprotectorUrl || undefined,
			gradientUrl: servers.gradientUrl,
		});
		let staticData: IDataObject = { ...(setup.staticData ?? {}) };
		let baseline: CountPost[] = [];
		if (setup.node === 'getCounts') {
			const good = await runWorkflow({
				workflow: chain(
					(['getCounts', ...DOWNSTREAM.getCounts] as NodeKey[]).map((key) => ({
						name: NODES[key].name,
						type: NODES[key].type,
						parameters: mergeParameters(key),
						credentials: [NODES[key].credential],
					})),
				),
				nodeTypes,
				credentials: goodCredentials,
				mode: 'cli',
			});
			if (good.error) throw new Error(`The good run failed: ${good.error.message}`);
			if (good.output(NODES.push.name).length === 0) throw new Error('The good run pushed nothing');
			staticData = good.staticData;
			baseline = countPostsOf(servers).posts;
			servers.gradient?.clearLog();
			if (setup.mailprotector && servers.mailprotectorScript) {
				servers.mailprotectorScript.setScript(
					scriptOf([...mailprotectorRoutes(), ...setup.mailprotector]),
				);
			}
		}
		const pushesBefore = servers.gradient?.state.pushes.length ?? 0;
		const scriptedBefore = servers.gradientScript?.arrivals.length ?? 0;
		noteSecrets(setup.credentials);
		const credentials = await credentialsOf(setup, servers);
		const items = inputItems(setup, servers.serviceIds);
		const { workflow, injectKey } = workflowFor(setup, items, continueOnFail);
		// n8n refuses to start a workflow whose node has parameter issues (a required field empty).
		const r = await runWorkflow({ workflow, nodeTypes, credentials, mode: 'cli', staticData })
			.catch((error: Error) => {
				if (error.name === 'WorkflowHasIssuesError') return error;
				return Promise.reject(error);
			})
			.finally(() => {
				if (injectKey) INJECTED.delete(injectKey);
			});
		if (r instanceof Error) {
			const refused: Outcome = {
				refused: true,
				error: { message: r.message, description: '' },
				outputs: [],
				hints: [],
				countPosts: [],
				countAttempts: 0,
				items,
				serviceIds: servers.serviceIds,
				produced: r.message,
				gradient: servers.gradient,
				arrivals: [],
				baseline,
				staticData,
			};
			PRODUCED.push(refused.error);
			return refused;
		}
		const name = NODES[setup.node].name;
		if (servers.gradientScript) servers.gradientScript.arrivals.splice(0, scriptedBefore);
		// A service created during the run has an id too (the chain after Map Service pushes to it).
		for (const s of servers.createdServices ?? []) servers.serviceIds[s.name] ??= s.id;
		const { posts, attempts } = countPostsOf(servers, pushesBefore);
		const outcome: Outcome = {
			error: errorOf(r.nodeError(name)),
			outputs: r.outputs(name),
			hints: hintMessages(r, name),
			countPosts: posts,
			countAttempts: attempts,
			items,
			serviceIds: servers.serviceIds,
			produced: r.run.data.resultData,
			gradient: servers.gradient,
			arrivals: (servers.gradientScript?.arrivals ?? []).map(({ method, path, body }) => ({
				method,
				path,
				body,
			})),
			baseline,
			staticData: r.staticData,
		};
		PRODUCED.push(outcome.produced, outcome.error, outcome.hints);
		for (const key of DOWNSTREAM[setup.node]) {
			PRODUCED.push(hintMessages(r, NODES[key].name));
		}
		return outcome;
	} finally {
		await closeServers(servers);
		await servers.gradient?.close();
	}
}

export { GR, MP };
