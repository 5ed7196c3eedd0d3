/**
 * The jest face of the engine in engineCore.js (n8n-core's real WorkflowExecute, shared with the
 * benches): this package's credential classes by default, and additional data that is a jest
 * mock, as n8n's own node tests use.
 */
import { mock } from 'jest-mock-extended';
import type { ICredentialType, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { GradientApi } from '../../credentials/GradientApi.credentials';
import { MailprotectorApi } from '../../credentials/MailprotectorApi.credentials';
import { MailprotectorGradientMemoryApi } from '../../credentials/MailprotectorGradientMemoryApi.credentials';
import type { RunOptions as CoreRunOptions, RunResult } from './engineCore';
import { runWorkflow as runCore } from './engineCore';

export type {
	CredentialMap,
	NodeTypeMap,
	RunResult,
	WorkflowJson,
	WorkflowNodeJson,
} from './engineCore';

/** The credential classes of this package. */
export function packageCredentialTypes(): ICredentialType[] {
	return [new MailprotectorApi(), new GradientApi(), new MailprotectorGradientMemoryApi()];
}

export interface RunOptions extends Omit<CoreRunOptions, 'additionalData'> {
	/** Defaults to this package's three credential classes. */
	credentialTypes?: ICredentialType[];
}

function mockedAdditionalData(plain: Record<string, unknown>): IWorkflowExecuteAdditionalData {
	// mock<IWorkflowExecuteAdditionalData>() hits TS2589, so mock loosely and cast.
	const data = mock<Record<string, unknown>>();
	Object.assign(data, plain, {
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

/** Runs a workflow through WorkflowExecute and returns the run, its outputs and the static data. */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	return await runCore({
		...options,
		credentialTypes: options.credentialTypes ?? packageCredentialTypes(),
		additionalData: mockedAdditionalData,
	});
}
