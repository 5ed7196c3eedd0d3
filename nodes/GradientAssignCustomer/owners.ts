import type { INodeExecutionData } from 'n8n-workflow';

import type { OrgState } from '../shared/ledger';
import { splitLedgerKey } from '../shared/ledger';
import { walkOf } from '../shared/walkStamp';

/**
 * Who else owns an account, for Adopt Accounts by Name: customers the walks name and customers
 * Push Billable billed. Adopting their account would bill one customer's counts to another.
 */

/** Customers the walks name though they may not be in this input: scope, diverted, excluded. */
export function customersOfWalks(items: INodeExecutionData[]): Set<string> {
	const out = new Set<string>();
	// Items of one walk usually share one stamp; copies are told apart by their list lengths.
	const seen = new Set<string>();
	for (const item of items) {
		const walk = walkOf(item.json);
		if (!walk) continue;
		const key = `${walk.id}|${walk.diverted?.length ?? 0}|${walk.excluded?.length ?? 0}`;
		if (seen.has(key)) continue;
		seen.add(key);
		if (Array.isArray(walk.customers)) for (const id of walk.customers) out.add(String(id));
		for (const key of walk.diverted ?? []) out.add(String(key).split('::')[0]);
		for (const id of walk.excluded ?? []) out.add(String(id));
	}
	return out;
}

/** Gradient account id -> the customers Push Billable remembers billing to it (read only). */
export function billedAccounts(state: OrgState): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	const add = (accountId: string, customerId: string) => {
		if (!accountId || !customerId) return;
		const set = out.get(accountId) ?? new Set<string>();
		set.add(customerId);
		out.set(accountId, set);
	};
	for (const [key, pair] of Object.entries(state.pairs)) {
		const { gradientAccountId } = splitLedgerKey(key);
		add(gradientAccountId, pair.customerId);
		for (const source of pair.sources ?? []) add(gradientAccountId, source.split('::')[0]);
	}
	for (const held of Object.values(state.held)) add(held.gradientAccountId, held.customerId);
	return out;
}
