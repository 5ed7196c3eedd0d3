import type {
	IConnections,
	IDataObject,
	INodeCredentials,
	INodeParameters,
	IWorkflowSettings,
} from 'n8n-workflow';

import type {
	CredentialMap,
	NodeTypeMap,
	RunResult,
	WorkflowJson,
	WorkflowNodeJson,
} from './engine';
import { runWorkflow } from './engine';
import { TEST_KEYS } from './leaks';
import { START_NODE_TYPE } from './startNode';

/** The npm package name: installed node types are `<PACKAGE>.<node name>`. */
export const PACKAGE = 'n8n-nodes-mailprotector-gradient';

export const START_NODE_NAME = 'Start';

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

export interface ChainOptions {
	/** The items the `Start` node emits (default one empty item). */
	startItems?: IDataObject[];
	id?: string;
	name?: string;
	settings?: IWorkflowSettings;
}

function credentialRefs(credentials: ChainNode['credentials']): INodeCredentials | undefined {
	if (!credentials) return undefined;
	if (!Array.isArray(credentials)) return credentials;
	const refs: INodeCredentials = {};
	for (const type of credentials) refs[type] = { ...CREDENTIAL_REFS[type] };
	return refs;
}

/** Adds a main connection `from`[outputIndex] -> `to`[inputIndex]. */
export function connect(
	workflow: WorkflowJson,
	from: string,
	to: string,
	outputIndex = 0,
	inputIndex = 0,
): WorkflowJson {
	const outputs = (workflow.connections[from] ??= { main: [] });
	const main = (outputs.main ??= []);
	while (main.length <= outputIndex) main.push([]);
	const slot = (main[outputIndex] ??= []);
	slot.push({ node: to, type: 'main', index: inputIndex });
	return workflow;
}

/**
 * Workflow JSON: a `Start` node (test.start, emitting `startItems`) followed by `nodes`, each
 * node's output 0 wired to the next one's input.
 */
export function chain(nodes: ChainNode[], options: ChainOptions = {}): WorkflowJson {
	const start: WorkflowNodeJson = {
		id: 'start',
		name: START_NODE_NAME,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(options.startItems ?? [{}]) },
	};
	const rest: WorkflowNodeJson[] = nodes.map((node, index) => {
		const json: WorkflowNodeJson = {
			id: `node-${index + 1}`,
			name: node.name,
			type: nodeType(node.type),
			typeVersion: node.typeVersion ?? 1,
			position: [(index + 1) * 220, 0],
			parameters: node.parameters ?? {},
		};
		const credentials = credentialRefs(node.credentials);
		if (credentials) json.credentials = credentials;
		if (node.continueOnFail) json.onError = 'continueRegularOutput';
		return json;
	});
	const workflow: WorkflowJson = {
		id: options.id,
		name: options.name ?? 'Harness chain',
		nodes: [start, ...rest],
		connections: {} as IConnections,
		settings: { executionOrder: 'v1', ...(options.settings ?? {}) },
	};
	const all = workflow.nodes;
	for (let i = 0; i + 1 < all.length; i++) connect(workflow, all[i].name, all[i + 1].name);
	return workflow;
}

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
