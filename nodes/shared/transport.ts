import { NodeOperationError, sleep } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
} from 'n8n-workflow';

import { apiMessage, lowerHeaders, redirectTarget } from './answers';
import { BaseUrlError, readBaseUrl } from './baseUrl';
import type { ApiName, CallFailure } from './errors';
import { apiError } from './errors';
import { Limiter, Pacer } from './pacing';
import { Redactor, secretsOf } from './redact';
import { RETRY_CODES, RETRY_STATUS, backoffMs, networkCode, retryAfterMs } from './retry';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

export type CredentialType = 'mailprotectorApi' | 'gradientApi' | 'mailprotectorGradientMemoryApi';

export interface TransportSettings {
	requestsPerSecond: number;
	concurrency: number;
	maxRetries: number;
	/** First backoff step; doubles per retry, with full jitter, up to retryMaxMs. */
	retryBaseMs: number;
	retryMaxMs: number;
	/** A server's Retry-After is honoured up to this long. */
	retryAfterCapMs: number;
	timeoutMs: number;
}

export const MAILPROTECTOR_DEFAULTS: TransportSettings = {
	// Mailprotector publishes no limit; 100/s, evenly spaced, walks 2,000 customers in about a minute.
	requestsPerSecond: 100,
	concurrency: 8,
	maxRetries: 5,
	retryBaseMs: 500,
	retryMaxMs: 30_000,
	retryAfterCapMs: 60_000,
	timeoutMs: 30_000,
};

export const GRADIENT_DEFAULTS: TransportSettings = {
	// Gradient allows 100/s and flags bursts; fixed spacing at 95/s keeps every window under 100.
	requestsPerSecond: 95,
	concurrency: 12,
	maxRetries: 5,
	retryBaseMs: 500,
	retryMaxMs: 30_000,
	retryAfterCapMs: 60_000,
	timeoutMs: 30_000,
};

export interface Call {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: unknown;
	/** Statuses that are answers, not errors (e.g. 404 "not mapped", 409 "exists"). */
	accept?: number[];
	itemIndex?: number;
	/**
	 * False for a write that would be done twice if repeated (creating a vendor service: the API
	 * allows duplicate names). Such a call is retried only when the server surely did not run
	 * it (429); a 5xx, a reset or a timeout is left to the caller to check.
	 */
	idempotent?: boolean;
}

export interface Answer {
	status: number;
	body: unknown;
	headers: Record<string, string>;
	/** A write was accepted (2xx) but its answer could not be read; body is null. */
	unreadable?: boolean;
}

export interface TransportStats {
	calls: number;
	retries: number;
	throttled: number;
}

/**
 * The only place that sends a request. One instance per API per node execution: it owns that
 * execution's pacing and concurrency (nothing survives between runs, as queue mode requires),
 * retries 429/5xx/resets/timeouts/unreadable bodies with backoff and Retry-After, and turns
 * every failure into an error that says what to fix and never carries a key.
 */
export class Transport {
	readonly stats: TransportStats = { calls: 0, retries: 0, throttled: 0 };

	private readonly pacer: Pacer;

	private readonly limiter: Limiter;

	private baseUrl?: string;

	private credentials?: Promise<IAdditionalCredentialOptions>;

	/** The credential's secrets, to take out of every text an API sends back. */
	private redactor = new Redactor([]);

	private halted?: Error;

	constructor(
		private readonly ctx: RequestContext,
		readonly api: ApiName,
		private readonly credentialType: CredentialType,
		readonly settings: TransportSettings,
	) {
		this.pacer = new Pacer(settings.requestsPerSecond);
		this.limiter = new Limiter(settings.concurrency);
	}

	get node(): INode {
		return this.ctx.getNode();
	}

	/** A field of the credential; text is trimmed (a key or ID pasted with a space still works). */
	async credentialField(name: string): Promise<unknown> {
		const { credentialsDecrypted } = await this.decryptedCredentials();
		const value = credentialsDecrypted?.data?.[name];
		return typeof value === 'string' ? value.trim() : value;
	}

	/**
	 * The credential, read and decrypted once per execution and handed to every call. Without it
	 * n8n reads it from its database on every request: thousands of reads per sync, garbage that
	 * lifts the process's peak memory, and a stall after the pacer that releases calls in a bunch.
	 */
	private async decryptedCredentials(): Promise<IAdditionalCredentialOptions> {
		this.credentials ??= this.ctx.getCredentials(this.credentialType).then((data) => {
			const ref = this.ctx.getNode().credentials?.[this.credentialType];
			this.redactor = new Redactor(secretsOf(this.credentialType, data));
			return {
				credentialsDecrypted: {
					id: ref?.id ?? '',
					name: ref?.name ?? '',
					type: this.credentialType,
					data,
				},
			};
		});
		return await this.credentials;
	}

	private async resolveBaseUrl(itemIndex?: number): Promise<string> {
		if (this.baseUrl) return this.baseUrl;
		const raw = await this.credentialField('baseUrl');
		try {
			const { url, note } = readBaseUrl(raw, this.api);
			if (note && 'addExecutionHints' in this.ctx) {
				this.ctx.addExecutionHints({ message: note, type: 'warning', location: 'outputPane' });
			}
			this.baseUrl = url;
		} catch (error) {
			// The message quotes the field: redacted, in case a key was pasted there as well.
			const message = this.redactor.text((error as BaseUrlError).message);
			throw new NodeOperationError(this.ctx.getNode(), message, { itemIndex });
		}
		return this.baseUrl;
	}

	endpoint(call: Call): string {
		return `${call.method} ${call.path}`;
	}

	/**
	 * From now on every attempt of this transport fails with `error` before it is sent, calls
	 * already waiting for a slot or a retry included (a 401 or a Gradient 403 ends the run).
	 */
	halt(error: Error): void {
		this.halted ??= error;
	}

	/** Sends one call (with retries) and returns its answer; throws a mapped NodeApiError. */
	async send(call: Call): Promise<Answer> {
		const baseURL = await this.resolveBaseUrl(call.itemIndex);
		const credentials = await this.decryptedCredentials();
		return await this.limiter.run(async () => await this.attempt(call, baseURL, credentials));
	}

	private async attempt(
		call: Call,
		baseURL: string,
		credentials: IAdditionalCredentialOptions,
	): Promise<Answer> {
		const s = this.settings;
		const endpoint = this.endpoint(call);
		const options: IHttpRequestOptions = {
			method: call.method,
			baseURL,
			url: call.path,
			qs: call.qs,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect would carry the keys to another origin and turn a POST into a GET.
			disableFollowRedirect: true,
			maxRedirects: 0,
			timeout: s.timeoutMs,
		};
		if (call.body !== undefined) {
			options.body = call.body as IDataObject;
			options.headers = { 'Content-Type': 'application/json' };
		}
		const origin = baseURL;
		let last: CallFailure = { api: this.api, endpoint, origin, attempts: 0, kind: 'network' };
		for (let attempt = 0; attempt <= s.maxRetries; attempt++) {
			if (attempt > 0) this.stats.retries++;
			await this.pacer.take();
			if (this.halted) throw this.halted;
			this.stats.calls++;
			let waitMs: number | undefined;
			try {
				const res = (await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					this.credentialType,
					options,
					credentials,
				)) as { statusCode: number; body: unknown; headers: unknown };
				const status = Number(res.statusCode);
				const headers = lowerHeaders(res.headers);
				const body = this.redactor.value(res.body === '' ? null : res.body);
				const accepted = call.accept?.includes(status) ?? false;
				if (status >= 300 && status < 400 && !accepted) {
					// Never followed, never retried: the answer is where the API says it went.
					last = {
						api: this.api,
						endpoint,
						origin,
						status,
						location: redirectTarget(headers.location, `${baseURL}${call.path}`),
						attempts: attempt + 1,
						kind: 'redirect',
					};
					break;
				}
				if ((status >= 200 && status < 300) || accepted) {
					if (typeof body === 'string') {
						// A write that was accepted must not be sent again because its answer was garbled.
						if (call.method !== 'GET') return { status, body: null, headers, unreadable: true };
						last = {
							api: this.api,
							endpoint,
							origin,
							status,
							attempts: attempt + 1,
							kind: 'malformed',
						};
					} else {
						return { status, body, headers };
					}
				} else {
					last = {
						api: this.api,
						endpoint,
						origin,
						status,
						apiMessage: apiMessage(body),
						attempts: attempt + 1,
						kind: 'status',
					};
					if (!RETRY_STATUS.has(status)) break;
					if (call.idempotent === false && status !== 429) break;
					if (status === 429) {
						this.stats.throttled++;
						waitMs = retryAfterMs(headers['retry-after']);
						if (waitMs !== undefined) waitMs = Math.min(waitMs, s.retryAfterCapMs);
					}
				}
			} catch (error) {
				const code = networkCode(error);
				last = { api: this.api, endpoint, origin, code, attempts: attempt + 1, kind: 'network' };
				if (!code || !RETRY_CODES.has(code) || call.idempotent === false) break;
			}
			if (attempt === s.maxRetries) break;
			const delay = waitMs ?? backoffMs(attempt, s);
			if (last.status === 429) this.pacer.holdUntil(Date.now() + delay);
			await sleep(delay);
		}
		throw apiError(this.ctx.getNode(), last, call.itemIndex, this.redactor);
	}
}
