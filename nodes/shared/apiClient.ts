import type { INode } from 'n8n-workflow';
import type { z } from 'zod';

import type { ApiName } from './errors';
import type {
	Answer,
	Call,
	CredentialType,
	RequestContext,
	TransportSettings,
	TransportStats,
} from './transport';
import { Transport } from './transport';
import { parseAnswer } from './validate';

/**
 * What the three typed clients share: one transport per node execution, and one way to send a
 * call and check its answer. Callers see the run's figures and controls here, never the transport.
 */
export abstract class ApiClient {
	protected readonly transport: Transport;

	constructor(
		ctx: RequestContext,
		private readonly api: ApiName,
		credentialType: CredentialType,
		settings: TransportSettings,
	) {
		this.transport = new Transport(ctx, api, credentialType, settings);
	}

	get node(): INode {
		return this.transport.node;
	}

	/** Calls, retries and 429s so far in this execution. */
	get stats(): TransportStats {
		return this.transport.stats;
	}

	/** How many calls may be in flight at once. */
	get concurrency(): number {
		return this.transport.settings.concurrency;
	}

	/** Retries after the first attempt of a call. */
	get maxRetries(): number {
		return this.transport.settings.maxRetries;
	}

	/** Every later call fails with `error` before it is sent (a 401 or a Gradient 403 ends the run). */
	halt(error: Error): void {
		this.transport.halt(error);
	}

	protected async send(call: Call): Promise<Answer> {
		return await this.transport.send(call);
	}

	protected parse<S extends z.ZodTypeAny>(call: Call, schema: S, body: unknown): z.infer<S> {
		return parseAnswer(
			this.node,
			this.api,
			this.transport.endpoint(call),
			schema,
			body,
			call.itemIndex,
		);
	}

	/** Sends a call and checks its answer; `unwrap` takes a body out of an API's envelope. */
	protected async fetch<S extends z.ZodTypeAny>(
		call: Call,
		schema: S,
		unwrap: (body: unknown) => unknown = (body) => body,
	): Promise<z.infer<S>> {
		const answer = await this.send(call);
		return this.parse(call, schema, unwrap(answer.body));
	}
}
