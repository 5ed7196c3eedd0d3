import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	IPinData,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

/** Type name of the test-only start node (n8n-nodes-base, and so its Manual Trigger, is not installed). */
export const START_NODE_TYPE = 'test.start';
export const START_NODE_NAME = 'Start';

/** Emits the items given in its `items` parameter (a JSON array of objects, default `[{}]`). */
export class TestStart implements INodeType {
	description: INodeTypeDescription;
}

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

/** Adds a main connection `from`[outputIndex] -> `to`[inputIndex]. */
export function connect(
	workflow: WorkflowJson,
	from: string,
	to: string,
	outputIndex?: number,
	inputIndex?: number,
): WorkflowJson;

export interface ChainWorkflowOptions {
	/** The items the `Start` node emits (default one empty item). */
	startItems?: IDataObject[];
	id?: string;
	name?: string;
	settings?: IWorkflowSettings;
}

/**
 * Workflow JSON: a `Start` node (test.start, emitting `startItems`) followed by `nodes`, each
 * node's output 0 wired to the next one's input.
 */
export function chainWorkflow(
	nodes: WorkflowNodeJson[],
	options?: ChainWorkflowOptions,
): WorkflowJson;

export interface RunOptions {
	workflow: WorkflowJson;
	/** Installed type name -> node instance; `test.start` is always added. */
	nodeTypes: NodeTypeMap;
	/** Credential type -> decrypted data (see fixtures.credentialsFor). */
	credentials?: CredentialMap;
	/** The credential classes the run may use. */
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
	/** Turns the plain additional data (what WorkflowExecute reads) into what the run gets. */
	additionalData?: (plain: Record<string, unknown>) => IWorkflowExecuteAdditionalData;
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

/** Runs a workflow through WorkflowExecute and returns the run, its outputs and the static data. */
export function runWorkflow(options: RunOptions): Promise<RunResult>;
