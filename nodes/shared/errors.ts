import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

export type ApiName = 'Mailprotector' | 'Gradient' | 'n8n';

/** What went wrong with one call, after retries; never holds a key or a header value. */
export interface CallFailure {
	api: ApiName;
	endpoint: string;
	status?: number;
	code?: string;
	apiMessage?: string;
	attempts: number;
	kind: 'status' | 'network' | 'malformed' | 'shape';
}

const WHERE_KEYS: Record<ApiName, string> = {
	Mailprotector:
		'Check the API Key in the Mailprotector credential: in the Mailprotector console open Edit my profile, click "..." on your role and choose View API Key.',
	Gradient:
		'Check the Vendor API Key and the Partner API Key in the Gradient credential: in Synthesize, Integrations > Custom > Generate API Tokens (a regenerated Partner key replaces the old one).',
	n8n: 'Check the API Key in the Billing Memory (n8n API) credential: in n8n, Settings > n8n API > Create an API key (with the data table scopes), and that its Base URL is this n8n.',
};

function hint(f: CallFailure): { message: string; description: string } {
	const said = f.apiMessage ? ` ${f.api} said: "${f.apiMessage}".` : '';
	const tries = f.attempts > 1 ? ` (after ${f.attempts} attempts)` : '';
	if (f.kind === 'network') {
		return {
			message: `Could not reach ${f.api} for ${f.endpoint} (${f.code ?? 'network error'})${tries}`,
			description:
				f.code === 'ECONNREFUSED' || f.code === 'ENOTFOUND' || f.code === 'EAI_AGAIN'
					? `Nothing answered at the credential's Base URL. Check the Base URL in the ${f.api} credential.`
					: `The connection failed repeatedly. Check the network or proxy between n8n and ${f.api}, then run again; nothing was lost, the failed items are listed.`,
		};
	}
	if (f.kind === 'malformed') {
		return {
			message: `${f.api} answered ${f.endpoint} with something that is not JSON${tries}`,
			description: `Check that the Base URL in the ${f.api} credential points at the API (not a web page or proxy login), then run again.`,
		};
	}
	if (f.kind === 'shape') {
		return {
			message: `${f.api} answered ${f.endpoint} in an unexpected shape`,
			description: `${f.apiMessage ?? ''} The API may have changed; please report this with the field named above.`,
		};
	}
	const s = f.status ?? 0;
	if (s === 401) {
		return {
			message: `${f.api} rejected the credentials (401) on ${f.endpoint}`,
			description: `${WHERE_KEYS[f.api]}${said}`,
		};
	}
	if (s === 403 && f.api === 'Gradient') {
		return {
			message: `Gradient refused ${f.endpoint} (403): it flags unusual API traffic this way`,
			description: `The run stopped at once rather than retry, which would make it worse. Wait, lower Requests Per Second in the node's options, and contact Gradient support if it persists.${said}`,
		};
	}
	if (s === 403 && f.api === 'n8n') {
		return {
			message: `n8n refused ${f.endpoint} (403)`,
			description: `The API key in the Billing Memory (n8n API) credential lacks a data table scope (dataTable:list, dataTable:create, dataTableRow:read, dataTableRow:create, dataTableRow:upsert, dataTableRow:delete), or its user cannot reach the memory table's project.${said}`,
		};
	}
	if (s === 403) {
		return {
			message: `Mailprotector refused ${f.endpoint} (403)`,
			description: `The key's role may not read this. Use the API key of a reseller-level manager role.${said}`,
		};
	}
	if (s === 404 && f.api === 'Gradient' && f.endpoint.includes('/alerting/')) {
		return {
			message: `Gradient cannot ticket this account yet (404 on ${f.endpoint})`,
			description: `Gradient opens tickets only for accounts mapped to a PSA company. Map the account in Synthesize (or send run summaries to a mapped house account).${said}`,
		};
	}
	if (s === 404) {
		return {
			message: `${f.api} does not know ${f.endpoint} (404)`,
			description: `Check the IDs involved${f.api === 'Mailprotector' ? ' (the Reseller ID in the credential, a customer ID in the node)' : ''}.${said}`,
		};
	}
	if (s === 429) {
		return {
			message: `${f.api} kept rate-limiting ${f.endpoint} (429)${tries}`,
			description: `Lower Requests Per Second in the node's options, or run the sync when nothing else uses this ${f.api} key.${said}`,
		};
	}
	if (s >= 500) {
		return {
			message: `${f.api} had a server error on ${f.endpoint} (${s})${tries}`,
			description: `${f.api} did not recover within the retries. Run the workflow again later.${said}`,
		};
	}
	return {
		message: `${f.api} refused ${f.endpoint} (${s})`,
		description: `${f.apiMessage ? said.trim() : 'No reason was given.'} Check the values sent for this item.`,
	};
}

export function apiError(node: INode, failure: CallFailure, itemIndex?: number): NodeApiError {
	const { message, description } = hint(failure);
	const error = new NodeApiError(node, { ...failure } as unknown as JsonObject, {
		message,
		description,
		httpCode: failure.status ? String(failure.status) : undefined,
		itemIndex,
	});
	// NodeApiError may keep its generic title; the specific text must win.
	error.message = message;
	error.description = description;
	error.context.failure = failure as unknown as JsonObject;
	return error;
}

export function failureOf(error: unknown): CallFailure | undefined {
	const ctx = (error as { context?: { failure?: CallFailure } })?.context;
	return ctx?.failure;
}

/** 401 on either API, and 403 from Gradient, end the run for every remaining item. */
export function stopsTheRun(error: unknown): boolean {
	const f = failureOf(error);
	if (!f || f.kind !== 'status') return false;
	return f.status === 401 || (f.status === 403 && f.api === 'Gradient');
}

/** A validation error that names the item and the field and says how to fix it. */
export function inputError(
	node: INode,
	itemIndex: number,
	field: string,
	problem: string,
	fix: string,
): NodeOperationError {
	return new NodeOperationError(node, `Item ${itemIndex}: field "${field}" ${problem}`, {
		itemIndex,
		description: fix,
	});
}

/** Keeps n8n errors as they are (they already say what to fix); wraps anything else. */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// n8n shows which item failed only from context.itemIndex; errors from shared code lack it.
		if (itemIndex !== undefined && error.context.itemIndex === undefined) {
			error.context.itemIndex = itemIndex;
		}
		return error;
	}
	return new NodeOperationError(node, reasonOf(error), { itemIndex });
}

export function reasonOf(error: unknown): string {
	if (error instanceof Error) {
		const description = (error as { description?: string }).description;
		return description ? `${error.message}. ${description}` : error.message;
	}
	return String(error);
}
