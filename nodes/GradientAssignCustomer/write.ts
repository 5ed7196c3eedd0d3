import { asNodeError, reasonOf, stopsTheRun } from '../shared/errors';
import type { GradientClient } from '../shared/gradient/client';
import { mapConcurrent } from '../shared/pacing';
import type { AccountPlan, AccountRename } from './accounts';
import type { Creation } from './create';
import { createBatch } from './create';

/** What the writes of a run did; all empty on a dry run. */
export interface Written {
	creations: Map<string, Creation>;
	/** customer id -> undefined when its account update went through, else why it failed. */
	renamed: Map<string, string | undefined>;
	posts: number;
	rereads: number;
}

export function nothingWritten(): Written {
	return { creations: new Map(), renamed: new Map(), posts: 0, rereads: 0 };
}

function chunk<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/**
 * Carries out the plan: creates the missing accounts in batches, then renames (or re-describes)
 * the changed ones, those a 409 race turned up included. A failed update leaves the account in
 * use; only what stops the run (a 401, a Gradient 403) throws.
 */
export async function writeAccounts(
	client: GradientClient,
	plan: AccountPlan,
	batchSize: number,
): Promise<Written> {
	const written = nothingWritten();
	const extraRenames: AccountRename[] = [];
	await mapConcurrent(chunk(plan.creates, batchSize), client.concurrency, async (batch) => {
		const result = await createBatch(client, batch);
		written.posts += result.posts;
		written.rereads += result.rereads;
		for (const [id, creation] of result.created) written.creations.set(id, creation);
		extraRenames.push(...result.renames);
	});
	await mapConcurrent([...plan.renames, ...extraRenames], client.concurrency, async (rename) => {
		try {
			await client.updateAccount(rename.accountId, {
				name: rename.name,
				...(rename.description !== undefined ? { description: rename.description } : {}),
			});
			written.renamed.set(rename.customerId, undefined);
		} catch (error) {
			if (stopsTheRun(error)) throw asNodeError(client.node, error);
			written.renamed.set(rename.customerId, reasonOf(error));
		}
	});
	return written;
}
