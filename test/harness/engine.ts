/**
 * Runs workflow JSON through n8n's real engine (n8n-core's WorkflowExecute), the idea of n8n's
 * unpublished NodeTestHarness rebuilt from public packages (reference/n8n-packaging.md §4).
 * Node types are passed in, so this file never imports the package's nodes.
 */
import { mock } from 'jest-mock-extended';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	ICredentials,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
} from 'n8n-workflow';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialType,
	IConnections,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IPinData,
	IRequestOptionsSimplified,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { GradientApi } from '../../credentials/GradientApi.credentials';
import { MailprotectorApi } from '../../credentials/MailprotectorApi.credentials';
import { MailprotectorGradientMemoryApi } from '../../credentials/MailprotectorGradientMemoryApi.credentials';
import { START_NODE_TYPE, TestStart } from './startNode';

/** Installed type name -> node instance, e.g. `{ 'n8n-nodes-mailprotector-gradient.gradientAlert': new GradientAlert() }`. */
export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

/** Credential type name -> decrypted data, e.g. `{ gradientApi: { vendorApiKey, partnerApiKey, baseUrl } }`. */
export type CredentialMap = Record<string, ICredentialDataDecryptedObject>;

/** A node as written in workflow JSON; id, typeVersion and position may be left out. */
export interface WorkflowNodeJson {
	name: string;
	type: string;
	parameters?: INodeParameters;
	typeVersion?: number;
	id?: string;
	position?: [number, number];
	credentials?: INodeCredentials;
	disabled?: boolean;
	continueOnFail?: boolean;
	onError?: INode['onError'];
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: WorkflowNodeJson[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
}

/** The credential classes of this package. */
export function packageCredentialTypes(): ICredentialType[] {
	return [new MailprotectorApi(), new GradientApi(), new MailprotectorGradientMemoryApi()];
}

export class TestNodeTypes implements INodeTypes {
	private readonly types: NodeTypeMap;

	constructor(types: NodeTypeMap) {
		this.types = { [START_NODE_TYPE]: new TestStart(), ...types };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type "${nodeType}" (not given to the test harness)`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const name of Object.keys(this.types)) known[name] = { className: name, sourcePath: '' };
		return known;
	}
}

class TestCredentials extends ICredentials {
	constructor(
		details: INodeCredentialsDetails,
		type: string,
		private plain: ICredentialDataDecryptedObject,
	) {
		super(details, type);
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.plain };
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.plain = { ...data };
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: string[] = [],
	): Promise<void> {
		const next = { ...this.plain, ...toUpdate } as ICredentialDataDecryptedObject;
		for (const key of toDelete) delete next[key];
		this.plain = next;
	}
}

/**
 * Credentials from a plain map of decrypted data, authenticated the way n8n's server-side
 * CredentialsHelper does: a function `authenticate` is called; a generic one has each value
 * evaluated as an expression over `$credentials` and written into the request options.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	/** How often each credential type was decrypted (n8n reads its database each time). */
	readonly decryptions: Record<string, number> = {};

	constructor(
		private readonly data: CredentialMap,
		credentialTypes: ICredentialType[] = packageCredentialTypes(),
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	private type(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}" (not given to the test harness)`);
		return type;
	}

	/** The map entry with the type's property defaults filled in, as n8n does on decryption. */
	private decrypted(typeName: string): ICredentialDataDecryptedObject {
		const entry = this.data[typeName];
		if (!entry)
			throw new Error(`No test credentials of type "${typeName}" were given to the harness`);
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.types.get(typeName)?.properties ?? []) {
			if (property.default !== undefined && typeof property.default !== 'object') {
				withDefaults[property.name] = property.default;
			}
		}
		return { ...withDefaults, ...entry };
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const { authenticate } = this.type(typeName);
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (authenticate.type !== 'generic') return requestOptions;
		if (requestOptions.headers === undefined) requestOptions.headers = {};
		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
				const resolvedKey = this.resolve(key, credentials, workflow, node);
				const resolvedValue = this.resolve(value, credentials, workflow, node);
				const bucket = target[outerKey] ?? {};
				bucket[String(resolvedKey)] = resolvedValue;
				target[outerKey] = bucket;
			}
		}
		return requestOptions;
	}

	private resolve(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow?: Workflow,
		node?: INode,
	): unknown {
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

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return new TestCredentials(details, type, this.decrypted(type));
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.decryptions[type] = (this.decryptions[type] ?? 0) + 1;
		return this.decrypted(type);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}

export interface RunOptions {
	workflow: WorkflowJson;
	/** Installed type name -> node instance; `test.start` is always added. */
	nodeTypes: NodeTypeMap;
	/** Credential type -> decrypted data (see fixtures.credentialsFor). */
	credentials?: CredentialMap;
	/** Defaults to this package's two credential classes. */
	credentialTypes?: ICredentialType[];
	/** Workflow static data to start from, e.g. the `staticData` of the previous run. */
	staticData?: IDataObject;
	/**
	 * 'manual' is the editor's button; 'cli' (n8n execute) and 'trigger' are the modes whose
	 * static data n8n saves. The harness returns static data in every mode.
	 */
	mode?: WorkflowExecuteMode;
	/** Name of the start node; default: the `test.start` node, else the first node with no parent. */
	startNode?: string;
	/** Items fed to the start node's input (default one empty item). */
	startItems?: INodeExecutionData[];
	executionId?: string;
}

export interface RunResult {
	run: IRun;
	/**
	 * Plain copy of `workflow.staticData` after the run (`{ global: {...}, 'node:<name>': {...} }`
	 * as n8n keeps it); pass it as `staticData` to the next run.
	 */
	staticData: IDataObject;
	/** Whether the run changed the static data (n8n saves it only then). */
	staticDataChanged: boolean;
	/** Decryptions per credential type during the run. */
	decryptions: Record<string, number>;
	/** The items of one output of a node's first run ([] when it did not run or sent nothing). */
	output: (nodeName: string, outputIndex?: number) => INodeExecutionData[];
	/** All outputs of a node's first run. */
	outputs: (nodeName: string) => INodeExecutionData[][];
	/** Whether the node ran. */
	ran: (nodeName: string) => boolean;
	/** The error a node's first run ended with, if any. */
	nodeError: (nodeName: string) => ExecutionError | undefined;
	/** The error the whole run ended with, if any. */
	error?: ExecutionError;
	workflow: Workflow;
}

const DEFAULT_WORKFLOW_ID = 'harnessWorkflow1';

function clone<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

function toNodes(nodes: WorkflowNodeJson[]): INode[] {
	return nodes.map((node, index) => ({
		id: node.id ?? `node-${index + 1}`,
		typeVersion: node.typeVersion ?? 1,
		position: node.position ?? [index * 220, 0],
		parameters: {},
		...clone(node),
	}));
}

function pickStartNode(workflow: Workflow, nodes: INode[], wanted?: string): INode {
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

function additionalDataFor(
	credentialsHelper: TestCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
	workflowId: string,
): IWorkflowExecuteAdditionalData {
	// mock<IWorkflowExecuteAdditionalData>() hits TS2589, so mock loosely and cast.
	const data = mock<Record<string, unknown>>();
	Object.assign(data, {
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
		// Auto-mocked members are truthy functions and would send the credential and request
		// helpers down evaluation-mock, sub-workflow, tracing or timeout paths.
		currentNodeParameters: undefined,
		parentCallbackManager: undefined,
		ssrfBridge: undefined,
		encryptedRunnerIdentity: undefined,
		evalLlmMockHandler: undefined,
		otel: undefined,
		executionTimeoutTimestamp: undefined,
		restartExecutionId: undefined,
		evaluationRunId: undefined,
		rootExecutionMode: undefined,
		userId: undefined,
		httpRequest: undefined,
		httpResponse: undefined,
		streamingEnabled: undefined,
		currentNodeUsedDynamicCredentials: undefined,
		dynamicCredentialsResolvedUserId: undefined,
		listAgents: undefined,
		sendDataToUI: undefined,
		setExecutionStatus: undefined,
	});
	return data as unknown as IWorkflowExecuteAdditionalData;
}

let executionCounter = 0;

/** Runs a workflow through WorkflowExecute and returns the run, its outputs and the static data. */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const mode = options.mode ?? 'manual';
	const source = options.workflow;
	const workflowId = source.id ?? DEFAULT_WORKFLOW_ID;
	const nodes = toNodes(source.nodes);
	const connections = clone(source.connections ?? {});
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...(source.settings ?? {}) };
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
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const credentialsHelper = new TestCredentialsHelper(
		options.credentials ?? {},
		options.credentialTypes,
	);
	const additionalData = additionalDataFor(credentialsHelper, hooks, executionId, workflowId);

	const startNode = pickStartNode(workflow, nodes, options.startNode);
	const stack: IExecuteData[] = [
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
	const outputs = (nodeName: string): INodeExecutionData[][] =>
		(runData[nodeName]?.[0]?.data?.main ?? []).map((items) => items ?? []);
	const changed = (workflow.staticData as { __dataChanged?: boolean }).__dataChanged === true;

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
