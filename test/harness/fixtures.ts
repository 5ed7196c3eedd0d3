import type { IDataObject, INodeCredentials, INodeParameters } from 'n8n-workflow';

import type {
	CredentialMap,
	NodeTypeMap,
	RunResult,
	WorkflowJson,
	WorkflowNodeJson,
} from './engine';
import { runWorkflow } from './engine';
import type { ChainWorkflowOptions } from './engineCore';
import { chainWorkflow } from './engineCore';
import { TEST_KEYS } from './leaks';

export { START_NODE_NAME, connect } from './engineCore';

/** The npm package name: installed node types are `<PACKAGE>.<node name>`. */
export const PACKAGE = 'n8n-nodes-mailprotector-gradient';

/** Credential references as workflow JSON holds them (fixed 16-character ids, as n8n import expects). */
export const CREDENTIAL_REFS = {
	mailprotectorApi: { id: 'mpCredTest000001', name: 'Mailprotector test' },
	gradientApi: { id: 'grCredTest000001', name: 'Gradient test' },
	mailprotectorGradientMemoryApi: { id: 'memCredTest00001', name: 'Billing Memory test' },
} as const;

export type CredentialTypeName = keyof typeof CREDENTIAL_REFS;

/** `gradientPushBillable` -> `n8n-nodes-mailprotector-gradient.gradientPushBillable`; full names pass through. */
export function nodeType(name: string): string {
	return name.includes('.') ? name : `${PACKAGE}.${name}`;
}

export interface ChainNode {
	name: string;
	/** An installed type name, or a short one of this package (`gradientPushBillable`). */
	type: string;
	parameters?: INodeParameters;
	/** Credential type names (`['gradientApi']`) or the references themselves. */
	credentials?: CredentialTypeName[] | INodeCredentials;
	typeVersion?: number;
	continueOnFail?: boolean;
}

export type ChainOptions = ChainWorkflowOptions;

function credentialRefs(credentials: ChainNode['credentials']): INodeCredentials | undefined {
	if (!credentials) return undefined;
	if (!Array.isArray(credentials)) return credentials;
	const refs: INodeCredentials = {};
	for (const type of credentials) refs[type] = { ...CREDENTIAL_REFS[type] };
	return refs;
}

/**
 * Workflow JSON: a `Start` node (test.start, emitting `startItems`) followed by `nodes`, each
 * node's output 0 wired to the next one's input.
 */
export function chain(nodes: ChainNode[], options: ChainOptions = {}): WorkflowJson {
	const json = nodes.map((node): WorkflowNodeJson => {
		const credentials = credentialRefs(node.credentials);
		return {
			name: node.name,
			type: nodeType(node.type),
			typeVersion: node.typeVersion,
			parameters: node.parameters,
			...(credentials ? { credentials } : {}),
			...(node.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		};
	});
	return chainWorkflow(json, options);
}

/** The names the sync chain's nodes have in syncChain (and in the examples). */
export const SYNC_NODES = {
	get: 'Get Counts',
	assign: 'Assign Customer',
	map: 'Map Service',
	push: 'Push Billable',
} as const;

/** Get Counts -> Assign Customer -> Map Service -> Push Billable, each node with its own setup. */
export function syncChain(
	setup: Record<keyof typeof SYNC_NODES, Omit<ChainNode, 'name' | 'type'>>,
	options: ChainOptions = {},
): WorkflowJson {
	return chain(
		[
			{ name: SYNC_NODES.get, type: 'mailprotectorGetCounts', ...setup.get },
			{ name: SYNC_NODES.assign, type: 'gradientAssignCustomer', ...setup.assign },
			{ name: SYNC_NODES.map, type: 'gradientMapService', ...setup.map },
			{ name: SYNC_NODES.push, type: 'gradientPushBillable', ...setup.push },
		],
		options,
	);
}

/** An item's source (customer, product) as the ledger writes it: `<customerId>::<product>`. */
export const sourceOf = (json: IDataObject): string =>
	`${String(json.customerId)}::${String(json.product)}`;

export interface CredentialUrls {
	mailprotectorUrl?: string;
	gradientUrl?: string;
	/** n8n's API for the data-table memory (the n8nDataTables emulator). */
	memoryUrl?: string;
}

/** Decrypted test credentials for the three credentials (keys from leaks.TEST_KEYS). */
export function credentialsFor(urls: CredentialUrls = {}): CredentialMap {
	return {
		mailprotectorApi: {
			apiKey: TEST_KEYS.mailprotectorApiKey,
			resellerId: TEST_KEYS.mailprotectorResellerId,
			baseUrl: urls.mailprotectorUrl ?? 'https://emailservice.io',
		},
		gradientApi: {
			vendorApiKey: TEST_KEYS.gradientVendorApiKey,
			partnerApiKey: TEST_KEYS.gradientPartnerApiKey,
			baseUrl: urls.gradientUrl ?? 'https://app.usegradient.com',
		},
		mailprotectorGradientMemoryApi: {
			apiKey: TEST_KEYS.n8nApiKey,
			baseUrl: urls.memoryUrl ?? 'http://127.0.0.1:5678',
		},
	};
}

export interface SingleGradientNode {
	name: string;
	/** Short type name, e.g. 'gradientAlert'. */
	type: string;
	parameters: INodeParameters;
	items: IDataObject[];
	gradientUrl: string;
	nodeTypes: NodeTypeMap;
	continueOnFail?: boolean;
	/** Overrides of the Gradient credential's fields (e.g. a wrong key). */
	credentials?: Record<string, string>;
	staticData?: IDataObject;
}

/** Runs one Gradient node on the given items as `n8n execute` would (static data is saved). */
export async function runGradientNode(o: SingleGradientNode): Promise<RunResult> {
	const workflow = chain(
		[
			{
				name: o.name,
				type: o.type,
				parameters: o.parameters,
				credentials: ['gradientApi'],
				continueOnFail: o.continueOnFail,
			},
		],
		{ startItems: o.items },
	);
	const credentials = credentialsFor({ gradientUrl: o.gradientUrl });
	credentials.gradientApi = { ...credentials.gradientApi, ...(o.credentials ?? {}) };
	return await runWorkflow({
		workflow,
		nodeTypes: o.nodeTypes,
		credentials,
		mode: 'cli',
		staticData: o.staticData,
	});
}

/** The messages of the hints a node's first run left ([] when none). */
export function hintMessages(result: RunResult, nodeName: string): string[] {
	return (result.run.data.resultData.runData[nodeName]?.[0]?.hints ?? []).map((h) => h.message);
}
