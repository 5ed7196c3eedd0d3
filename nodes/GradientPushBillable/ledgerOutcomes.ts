import type { LedgerPair, OrgState } from '../shared/ledger';
import { LEDGER_VERSION, splitLedgerKey, splitSource } from '../shared/ledger';
import type { PairResult } from './run';

/** What happened to one pair this run, as far as the ledger cares. */
export interface LedgerOutcome {
	key: string;
	outcome: 'pushed' | 'zeroed' | 'unchanged' | 'not_mapped' | 'failed' | 'held';
	count: number;
	previousCount: number | null;
	customerId: string;
	customerName: string;
	products: string[];
	sources: string[];
	reason?: string;
	at: string;
}

/**
 * The ledger after a run. Pushed pairs take their new count; zeroed pairs are forgotten; a 404
 * keeps what Gradient accepted before (it still bills it), as does a failure; held pairs are
 * recorded until approved and pushed, their time reset when the held count changes.
 */
export function applyOutcomes(state: OrgState, outcomes: LedgerOutcome[], now: string): OrgState {
	const pairs = { ...state.pairs };
	const held = { ...state.held };
	for (const o of outcomes) {
		const { gradientAccountId, gradientServiceId } = splitLedgerKey(o.key);
		switch (o.outcome) {
			case 'pushed': {
				const entry: LedgerPair = {
					count: o.count,
					customerId: o.customerId,
					customerName: o.customerName,
					products: o.products,
					at: o.at,
				};
				const customers = new Set(o.sources.map((s) => splitSource(s).customerId));
				if (customers.size > 1) entry.sources = o.sources;
				pairs[o.key] = entry;
				delete held[o.key];
				break;
			}
			case 'unchanged':
				if (pairs[o.key]) {
					pairs[o.key] = { ...pairs[o.key], customerName: o.customerName, products: o.products };
				}
				delete held[o.key];
				break;
			case 'zeroed':
				delete pairs[o.key];
				delete held[o.key];
				break;
			case 'held':
				held[o.key] = {
					count: o.count,
					previousCount: o.previousCount,
					customerId: o.customerId,
					customerName: o.customerName,
					products: o.products,
					gradientAccountId,
					gradientServiceId,
					reason: o.reason ?? '',
					// When this change was first held: a new count is a new change to review.
					at: (held[o.key]?.count === o.count && held[o.key]?.at) || o.at,
				};
				break;
			case 'not_mapped':
			case 'failed':
				break;
		}
	}
	return { ...state, version: LEDGER_VERSION, lastRunAt: now, pairs, held };
}

/** The ledger's view of the run (dry runs write nothing, so they never get here). */
export function ledgerOutcomes(results: PairResult[]): LedgerOutcome[] {
	const out: LedgerOutcome[] = [];
	for (const r of results) {
		if (r.outcome === 'dry_run' || r.predicted) continue;
		out.push({
			key: r.pair.key,
			outcome: r.outcome,
			count: r.pair.unitCount,
			previousCount: r.pair.previousCount,
			customerId: r.pair.customerIds.join(', '),
			customerName: r.pair.customerNames.join(', '),
			products: r.pair.products,
			sources: r.pair.sources,
			reason: r.reason,
			at: r.at,
		});
	}
	return out;
}
