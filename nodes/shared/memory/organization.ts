import type { IExecuteFunctions } from 'n8n-workflow';

import { asNodeError, failureOf, reasonOf } from '../errors';
import type { GradientClient } from '../gradient/client';
import type { Organization } from '../gradient/schemas';
import type { MemoryHandle } from './door';
import { openMemory } from './door';

export interface OpenedOrganization {
	organization: Organization;
	memory: MemoryHandle;
}

/** Why nothing could be done for any item: one reason, given to every item alike. */
export interface OrganizationFailure {
	reason: string;
	httpStatus: number | null;
}

/**
 * The one read of the Gradient organization that Assign, Push and Alert make before anything
 * else: it keys the billing memory, which is opened here. Without Continue On Fail a failure
 * stops the node; with it, the caller routes every item to its failure output with one reason.
 * `writable` checks the memory can be written before anything is sent.
 */
export async function openOrganization(
	ctx: IExecuteFunctions,
	client: GradientClient,
	options: { writable?: boolean } = {},
): Promise<OpenedOrganization | OrganizationFailure> {
	try {
		const organization = await client.getOrganization();
		const memory = await openMemory(ctx, organization.organizationId);
		if (options.writable) await memory.ensureWritable(ctx);
		return { organization, memory };
	} catch (error) {
		if (!ctx.continueOnFail()) throw asNodeError(ctx.getNode(), error);
		return { reason: reasonOf(error), httpStatus: failureOf(error)?.status ?? null };
	}
}
