import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { DEFAULT_BASE_URLS, httpAllowed } from './baseUrl';
import type { Redactor } from './redact';

export type ApiName = 'Mailprotector' | 'Gradient' | 'n8n';

/** What went wrong with one call, after retries; never holds a key or a header value. */
export interface CallFailure {
	api: ApiName;
	endpoint: string;
	status?: number;
	code?: string;
	apiMessage?: string;
	attempts: number;
	kind: 'status' | 'network' | 'malformed' | 'shape' | 'redirect';
	/** The origin the call went to (scheme://host[:port]). */
	origin?: string;
	/** Where a redirect pointed: origin and path only (a query may hold a secret). */
	location?: string;
}

const WHERE_KEYS: Record<ApiName, string> = {
	Mailprotector:
		'Check the API Key in the Mailprotector credential: in the Mailprotector console open Edit my profile, click "..." on your role and choose View API Key.',
	Gradient:
		'Check the Vendor API Key and the Partner API Key in the Gradient credential: in Synthesize, Integrations > Custom > Generate API Tokens (a regenerated Partner key replaces the old one).',
	n8n: 'Check the API Key in the Billing Memory (n8n API) credential: in n8n, Settings > n8n API > Create an API key (with the data table scopes), and that its Base URL is this n8n.',
};

const CERT_CODE =
	/^(CERT_|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|HOSTNAME_MISMATCH|ERR_SSL_)/;

/** What a connection error code means, in a few words, and the fix; undefined for transient ones. */
function unreachable(f: CallFailure): { what: string; fix: string } | undefined {
	const code = f.code ?? '';
	const where = `the Base URL in the ${f.api} credential (by default ${DEFAULT_BASE_URLS[f.api]})`;
	if (code === 'ECONNREFUSED') {
		return {
			what: 'nothing answers at that address (ECONNREFUSED)',
			fix: `Nothing answered at the credential's Base URL. Check ${where}, its port, and that n8n can reach it.`,
		};
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return {
			what: `the host name does not resolve (${code})`,
			fix: `Check the spelling of ${where}, and that the n8n host can resolve names (DNS).`,
		};
	}
	if (CERT_CODE.test(code)) {
		return {
			what: `its TLS certificate is not trusted (${code})`,
			fix: `Check that ${where} is the API's own address, not a proxy or a sign-in page. If a TLS-inspecting proxy sits between n8n and ${f.api}, give n8n that proxy's CA certificate (NODE_EXTRA_CA_CERTS); never turn certificate checks off, the keys travel in the headers.`,
		};
	}
	return undefined;
}

/** The Base URL advice for a redirect: where it points decides what the user should do. */
function redirectAdvice(f: CallFailure): string {
	const never = `The package never follows a redirect: the keys would travel with it, and a write could turn into a read. ${f.api} did not accept this call.`;
	const to = parseUrl(f.location);
	if (!to) {
		return `${never} Check the Base URL in the ${f.api} credential (by default ${DEFAULT_BASE_URLS[f.api]}) and any proxy between n8n and ${f.api}.`;
	}
	if (to.origin === f.origin) {
		return `${never} The redirect stays on ${to.origin} but moves the path: check that the Base URL in the ${f.api} credential is only ${to.origin}, without a path. If it is, the API may have changed; please report this.`;
	}
	if (!httpAllowed(to, f.api)) {
		return `${never} It points at plain http, where the keys would cross the network unencrypted. Keep the Base URL in the ${f.api} credential on https (by default ${DEFAULT_BASE_URLS[f.api]}) and check any proxy between n8n and ${f.api}.`;
	}
	return `${never} If ${f.api} moved, put ${to.origin} in the Base URL of the ${f.api} credential; if you did not expect ${to.host}, leave the Base URL as it is and check any proxy between n8n and ${f.api}.`;
}

function parseUrl(text: string | undefined): URL | undefined {
	if (!text) return undefined;
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function hint(f: CallFailure): { message: string; description: string } {
	const said = f.apiMessage ? ` ${f.api} said: "${f.apiMessage}".` : '';
	const tries = f.attempts > 1 ? ` (after ${f.attempts} attempts)` : '';
	if (f.kind === 'redirect') {
		return {
			message: `${f.api} answered ${f.endpoint} with a redirect (${f.status ?? '3xx'}) to ${f.location ?? 'an address it did not give'}; it was not followed`,
			description: redirectAdvice(f),
		};
	}
	if (f.kind === 'network') {
		const host = parseUrl(f.origin)?.host;
		const cause = unreachable(f);
		if (cause && host) {
			return {
				message: `Cannot reach ${host}: ${cause.what}, on ${f.endpoint}${tries}`,
				description: cause.fix,
			};
		}
		return {
			message: `Could not reach ${f.api} for ${f.endpoint} (${f.code ?? 'network error'})${tries}`,
			description: `The connection failed repeatedly. Check the network or proxy between n8n and ${f.api}, then run again; nothing was lost, the failed items are listed.`,
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

/**
 * The error for a failed call. With a redactor (the transport always passes its own), every text
 * in it, the API's words included, has the credential's secrets replaced.
 */
export function apiError(
	node: INode,
	failure: CallFailure,
	itemIndex?: number,
	redactor?: Redactor,
): NodeApiError {
	const f = redactor ? redactor.value(failure) : failure;
	let { message, description } = hint(f);
	if (redactor) {
		message = redactor.text(message);
		description = redactor.text(description);
	}
	const error = new NodeApiError(node, { ...f } as unknown as JsonObject, {
		message,
		description,
		httpCode: f.status ? String(f.status) : undefined,
		itemIndex,
	});
	// NodeApiError may keep its generic title; the specific text must win.
	error.message = message;
	error.description = description;
	error.context.failure = f as unknown as JsonObject;
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
