import type { IDataObject } from 'n8n-workflow';

import { asNodeError, reasonOf, stopsTheRun } from '../shared/errors';
import type { GradientClient } from '../shared/gradient/client';
import type { AccountRename, NewAccount } from './accounts';

/** What became of one account the plan creates. */
export interface Creation {
	ok: boolean;
	mapped: boolean | null;
	/** It turned out to exist already (a 409 race). */
	existed?: boolean;
	reason?: string;
}

export interface BatchResult {
	created: Map<string, Creation>;
	/** Accounts that existed already under another name: renamed afterwards. */
	renames: AccountRename[];
	posts: number;
	rereads: number;
}

/** isMapped of the accounts a create answer echoes back, when it does. */
function echoedMapping(body: unknown): Map<string, boolean> {
	const out = new Map<string, boolean>();
	if (!Array.isArray(body)) return out;
	for (const entry of body as IDataObject[]) {
		if (entry && typeof entry.isMapped === 'boolean' && entry.id !== undefined) {
			out.set(String(entry.id), entry.isMapped);
		}
	}
	return out;
}

/**
 * POSTs one batch. A 409 means some of it exists already (a race with another writer): the
 * accounts are re-read, the ones now present count as existing (renamed if their name differs),
 * and the rest are sent once more.
 */
export async function createBatch(
	client: GradientClient,
	batch: NewAccount[],
): Promise<BatchResult> {
	const created = new Map<string, Creation>();
	const renames: AccountRename[] = [];
	let pending = batch;
	let posts = 0;
	let rereads = 0;
	for (let round = 0; round < 2 && pending.length; round++) {
		posts++;
		let answer;
		try {
			answer = await client.createAccounts(pending);
		} catch (error) {
			if (stopsTheRun(error)) throw asNodeError(client.node, error);
			for (const account of pending) {
				created.set(account.id, { ok: false, mapped: null, reason: reasonOf(error) });
			}
			return { created, renames, posts, rereads };
		}
		if (answer.status !== 409) {
			const echoed = echoedMapping(answer.body);
			for (const account of pending) {
				created.set(account.id, { ok: true, mapped: echoed.get(account.id) ?? null });
			}
			return { created, renames, posts, rereads };
		}
		rereads++;
		const now = new Map((await client.listAccounts()).map((a) => [a.id, a]));
		const still: NewAccount[] = [];
		for (const account of pending) {
			const existing = now.get(account.id);
			if (!existing) {
				still.push(account);
				continue;
			}
			created.set(account.id, {
				ok: true,
				existed: true,
				mapped: typeof existing.isMapped === 'boolean' ? existing.isMapped : null,
			});
			if (existing.name !== account.name) {
				renames.push({
					accountId: account.id,
					customerId: account.id,
					name: account.name,
					description: account.description || undefined,
					from: existing.name,
				});
			}
		}
		pending = still;
	}
	for (const account of pending) {
		created.set(account.id, {
			ok: false,
			mapped: null,
			reason: `Gradient answered 409 (already exists) when creating account ${account.id}, but does not list it. Run the workflow again; if it persists, check the account in Gradient.`,
		});
	}
	return { created, renames, posts, rereads };
}
