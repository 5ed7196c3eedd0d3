'use strict';
// Runs workflow JSON through n8n's real engine (n8n-core's WorkflowExecute), the idea of n8n's
// unpublished NodeTestHarness rebuilt from public packages (docs/reference/n8n-packaging.md §4).
// Plain JS so that both the jest harness (test/harness/engine.ts, the TS sources) and the
// benches (bench/lib/engine.mjs, the compiled dist/) run the same engine; node and credential
// classes are passed in, so this file never imports the package's nodes.
const { ExecutionLifecycleHooks, WorkflowExecute } = require('n8n-core');
const {
	ICredentials,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	NodeOperationError,
	Workflow,
	createRunExecutionData,
	jsonParse,
} = require('n8n-workflow');

/** Type name of the test-only start node (n8n-nodes-base, and so its Manual Trigger, is not installed). */
const START_NODE_TYPE = 'test.start';
const START_NODE_NAME = 'Start';

/**
 * A start node for fixtures: it has no inputs and emits the items given in its `items`
 * parameter (a JSON array of objects, default `[{}]`). It is an ordinary `execute` node so it
 * behaves the same in every execution mode (manual, cli, trigger).
 */
class TestStart {
	constructor() {
		this.description = {
			displayName: 'Test Start',
			name: START_NODE_TYPE,
			group: ['input'],
			version: 1,
			description: 'Emits the items given as JSON (tests only)',
			defaults: { name: START_NODE_NAME },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			usableAsTool: true,
			properties: [
				{
					displayName: 'Items',
					name: 'items',
					type: 'json',
					default: '[{}]',
					description: 'A JSON array of objects; each becomes one output item',
				},
			],
		};
	}

	async execute() {
		const raw = this.getNodeParameter('items', 0, '[{}]');
		const parsed = typeof raw === 'string' ? jsonParse(raw) : raw;
		if (!Array.isArray(parsed)) {
			throw new NodeOperationError(this.getNode(), 'The "items" parameter must be a JSON array');
		}
		return [parsed.map((json) => ({ json: json ?? {}, pairedItem: { item: 0 } }))];
	}
}

class TestNodeTypes {
	constructor(types) {
		this.types = { [START_NODE_TYPE]: new TestStart(), ...types };
	}

	getByName(nodeType) {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type "${nodeType}" (not given to the test harness)`);
		return type;
	}

	getByNameAndVersion(nodeType, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		const known = {};
		for (const name of Object.keys(this.types)) known[name] = { className: name, sourcePath: '' };
		return known;
	}
}

class TestCredentials extends ICredentials {
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

	async updateData(toUpdate, toDelete = []) {
		const next = { ...this.plain, ...toUpdate };
		for (const key of toDelete) delete next[key];
		this.plain = next;
	}
}

/**
 * Credentials from a plain map of decrypted data, authenticated the way n8n's server-side
 * CredentialsHelper does: a function `authenticate` is called; a generic one has each value
 * evaluated as an expression over `$credentials` and written into the request options.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(data, credentialTypes) {
		super();
		this.data = data;
		this.types = new Map();
		/** How often each credential type was decrypted (n8n reads its database each time). */
		this.decryptions = {};
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	type(name) {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}" (not given to the test harness)`);
		return type;
	}

	/** The map entry with the type's property defaults filled in, as n8n does on decryption. */
	decrypted(typeName) {
		const entry = this.data[typeName];
		if (!entry)
			throw new Error(`No test credentials of type "${typeName}" were given to the harness`);
		const withDefaults = {};
		for (const property of this.types.get(typeName)?.properties ?? []) {
			if (property.default !== undefined && typeof property.default !== 'object') {
				withDefaults[property.name] = property.default;
			}
		}
		return { ...withDefaults, ...entry };
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = this.type(typeName);
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (authenticate.type !== 'generic') return requestOptions;
		if (requestOptions.headers === undefined) requestOptions.headers = {};
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue)) {
				const resolvedKey = this.resolve(key, credentials, workflow, node);
				const resolvedValue = this.resolve(value, credentials, workflow, node);
				const bucket = requestOptions[outerKey] ?? {};
				bucket[String(resolvedKey)] = resolvedValue;
				requestOptions[outerKey] = bucket;
			}
		}
		return requestOptions;
	}

	resolve(value, credentials, workflow, node) {
		if (typeof value !== 'string' || !value.startsWith('=')) return value;
		if (!workflow || !node) throw new Error('Generic authentication needs the workflow and node');
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(details, type) {
		return new TestCredentials(details, type, this.decrypted(type));
	}

	async getDecrypted(_additionalData, _nodeCredentials, type) {
		this.decryptions[type] = (this.decryptions[type] ?? 0) + 1;
		return this.decrypted(type);
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type) {
		return this.type(type).properties;
	}
}

/** Adds a main connection `from`[outputIndex] -> `to`[inputIndex]. */
function connect(workflow, from, to, outputIndex = 0, inputIndex = 0) {
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
function chainWorkflow(nodes, options = {}) {
	const start = {
		id: 'start',
		name: START_NODE_NAME,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(options.startItems ?? [{}]) },
	};
	const rest = nodes.map(({ name, type, typeVersion, parameters, ...extra }, index) => ({
		id: `node-${index + 1}`,
		name,
		type,
		typeVersion: typeVersion ?? 1,
		position: [(index + 1) * 220, 0],
		parameters: parameters ?? {},
		...extra,
	}));
	const workflow = {
		id: options.id,
		name: options.name ?? 'Harness chain',
		nodes: [start, ...rest],
		connections: {},
		settings: { executionOrder: 'v1', ...(options.settings ?? {}) },
	};
	const all = workflow.nodes;
	for (let i = 0; i + 1 < all.length; i++) connect(workflow, all[i].name, all[i + 1].name);
	return workflow;
}

const DEFAULT_WORKFLOW_ID = 'harnessWorkflow1';

function clone(value) {
	return JSON.parse(JSON.stringify(value));
}

function toNodes(nodes) {
	return nodes.map((node, index) => ({
		id: node.id ?? `node-${index + 1}`,
		typeVersion: node.typeVersion ?? 1,
		position: node.position ?? [index * 220, 0],
		parameters: {},
		...clone(node),
	}));
}

function pickStartNode(workflow, nodes, wanted) {
	if (wanted) {
		const node = workflow.getNode(wanted);
		if (!node) throw new Error(`Start node "${wanted}" is not in the workflow`);
		return node;
	}
	const roots = nodes.filter(
		(node) => !node.disabled && workflow.getParentNodes(node.name).length === 0,
	);
	const start =
		roots.find((node) => node.type === START_NODE_TYPE) ?? workflow.getStartNode() ?? roots[0];
	if (!start) throw new Error('The workflow has no start node');
	return start;
}

/** What WorkflowExecute reads from its additional data (the rest may be absent). */
function additionalDataFor(credentialsHelper, hooks, executionId, workflowId) {
	return {
		executionId,
		workflowId,
		hooks,
		credentialsHelper,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeExecutionIndex: 0,
	};
}

let executionCounter = 0;

/** Runs a workflow through WorkflowExecute and returns the run, its outputs and the static data. */
async function runWorkflow(options) {
	const mode = options.mode ?? 'manual';
	const source = options.workflow;
	const workflowId = source.id ?? DEFAULT_WORKFLOW_ID;
	const nodes = toNodes(source.nodes);
	const connections = clone(source.connections ?? {});
	const settings = { executionOrder: 'v1', ...(source.settings ?? {}) };
	const staticData = clone(options.staticData ?? source.staticData ?? {});
	const nodeTypes = new TestNodeTypes(options.nodeTypes);

	const workflow = new Workflow({
		id: workflowId,
		name: source.name ?? 'Harness workflow',
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings,
		staticData,
		pinData: source.pinData,
	});

	executionCounter++;
	const executionId = options.executionId ?? String(executionCounter);
	const workflowData = {
		id: workflowId,
		name: workflow.name,
		active: false,
		nodes,
		connections,
		settings,
		staticData,
		createdAt: new Date(),
		updatedAt: new Date(),
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const credentialsHelper = new TestCredentialsHelper(
		options.credentials ?? {},
		options.credentialTypes ?? [],
	);
	const plain = additionalDataFor(credentialsHelper, hooks, executionId, workflowId);
	const additionalData = options.additionalData ? options.additionalData(plain) : plain;

	const startNode = pickStartNode(workflow, nodes, options.startNode);
	const stack = [
		{
			node: startNode,
			data: { main: [options.startItems ?? [{ json: {} }]] },
			source: null,
		},
	];
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: stack },
	});

	const run = await new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);

	const runData = run.data.resultData.runData;
	const outputs = (nodeName) =>
		(runData[nodeName]?.[0]?.data?.main ?? []).map((items) => items ?? []);
	const changed = workflow.staticData.__dataChanged === true;

	return {
		run,
		staticData: clone(workflow.staticData),
		staticDataChanged: changed,
		decryptions: { ...credentialsHelper.decryptions },
		output: (nodeName, outputIndex = 0) => outputs(nodeName)[outputIndex] ?? [],
		outputs,
		ran: (nodeName) => (runData[nodeName]?.length ?? 0) > 0,
		nodeError: (nodeName) => runData[nodeName]?.[0]?.error,
		error: run.data.resultData.error,
		workflow,
	};
}

module.exports = {
	START_NODE_TYPE,
	START_NODE_NAME,
	TestStart,
	connect,
	chainWorkflow,
	runWorkflow,
};
