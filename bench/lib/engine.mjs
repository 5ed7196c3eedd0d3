// A plain-JS twin of test/harness/engine.ts for benchmarks: runs workflow JSON through
// n8n-core's real WorkflowExecute with this package's compiled nodes and credentials.
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

// n8n-core's InstanceSettings writes <N8N_USER_FOLDER>/.n8n/config on first use: keep it out of $HOME.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'n8n-nodes-mailprotector-gradient-bench');

const require = createRequire(import.meta.url);
const { ExecutionLifecycleHooks, WorkflowExecute } = require('n8n-core');
const {
	ICredentials,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
} = require('n8n-workflow');

export const START_TYPE = 'bench.start';

/** Emits the items in its `items` parameter (a JSON array), like test/harness/startNode.ts. */
class BenchStart {
	description = {
		displayName: 'Bench Start',
		name: START_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits the given items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[{}]' }],
	};

	async execute() {
		const raw = this.getNodeParameter('items', 0, '[{}]');
		const items = typeof raw === 'string' ? JSON.parse(raw) : raw;
		return [items.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}

class NodeTypes {
	constructor(types) {
		this.types = { [START_TYPE]: new BenchStart(), ...types };
	}
	getByName(type) {
		const found = this.types[type];
		if (!found) throw new Error(`unknown node type ${type}`);
		return found;
	}
	getByNameAndVersion(type, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}
	getKnownTypes() {
		return Object.fromEntries(
			Object.keys(this.types).map((k) => [k, { className: k, sourcePath: '' }]),
		);
	}
}

class PlainCredentials extends ICredentials {
	constructor(details, type, plain) {
		super(details, type);
		this.plain = plain;
	}
	async getData() {
		return { ...this.plain };
	}
	getDataToSave() {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}
	async setData(data) {
		this.plain = { ...data };
	}
	async updateData(data) {
		this.plain = { ...this.plain, ...data };
	}
}

/** Function-style authenticate only (both credentials of this package use one). */
class CredentialsHelper extends ICredentialsHelper {
	constructor(types, data) {
		super();
		this.types = new Map(types.map((t) => [t.name, t]));
		this.data = data;
	}
	decrypted(type) {
		const defaults = {};
		for (const p of this.types.get(type)?.properties ?? []) {
			if (p.default !== undefined && typeof p.default !== 'object') defaults[p.name] = p.default;
		}
		return { ...defaults, ...this.data[type] };
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async authenticate(credentials, type, requestOptions) {
		const { authenticate } = this.types.get(type) ?? {};
		return typeof authenticate === 'function'
			? await authenticate(credentials, requestOptions)
			: requestOptions;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials(details, type) {
		return new PlainCredentials(details, type, this.decrypted(type));
	}
	async getDecrypted(_additionalData, _details, type) {
		return this.decrypted(type);
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties(type) {
		return this.types.get(type)?.properties ?? [];
	}
}

/**
 * Runs `nodes` (each wired to the next, after a start node emitting `startItems`) and returns
 * the run and an `output(nodeName, index)` accessor.
 */
export async function runChain({
	nodes,
	nodeTypes,
	credentialTypes,
	credentials,
	startItems = [{}],
}) {
	const all = [
		{
			id: 'start',
			name: 'Start',
			type: START_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(startItems) },
		},
		...nodes.map((n, i) => ({
			id: `node-${i + 1}`,
			typeVersion: 1,
			position: [(i + 1) * 220, 0],
			parameters: {},
			...n,
		})),
	];
	const connections = {};
	for (let i = 0; i + 1 < all.length; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	const settings = { executionOrder: 'v1' };
	const workflow = new Workflow({
		id: 'benchWorkflow0001',
		name: 'Bench',
		nodes: all,
		connections,
		nodeTypes: new NodeTypes(nodeTypes),
		active: false,
		settings,
		staticData: {},
	});
	const executionId = String(Date.now());
	const hooks = new ExecutionLifecycleHooks('cli', executionId, {
		id: workflow.id,
		name: workflow.name,
		nodes: all,
		connections,
		settings,
		active: false,
	});
	const additionalData = {
		executionId,
		workflowId: workflow.id,
		hooks,
		credentialsHelper: new CredentialsHelper(credentialTypes, credentials),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeExecutionIndex: 0,
	};
	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: workflow.getNode('Start'), data: { main: [[{ json: {} }]] }, source: null },
			],
		},
	});
	const run = await new WorkflowExecute(additionalData, 'cli', runData).processRunExecutionData(
		workflow,
	);
	const result = run.data.resultData.runData;
	return {
		run,
		error: run.data.resultData.error,
		output: (name, index = 0) => result[name]?.[0]?.data?.main?.[index] ?? [],
		hints: (name) => result[name]?.[0]?.hints ?? [],
	};
}
