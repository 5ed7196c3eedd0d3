import type { IDataObject } from 'n8n-workflow';

import type { ItemFailure } from './plan';
import { round } from './readItems';
import type { PairOutcome, PairResult } from './run';

/** The audit fields every output item carries (the Pushed output carries exactly these). */
export function auditJson(runId: string, r: PairResult): IDataObject {
	const p = r.pair;
	return {
		runId,
		customerId: p.customerIds.join(', '),
		customerName: p.customerNames.join(', '),
		product: p.products.join(' + '),
		gradientAccountId: p.gradientAccountId,
		gradientServiceId: p.gradientServiceId,
		previousCount: p.previousCount,
		unitCount: p.unitCount,
		change: p.previousCount === null ? null : round(p.unitCount - p.previousCount),
		status: r.predicted ? 'dry_run' : r.outcome,
		at: r.at,
	};
}

/** Output index per outcome: 0 Pushed, 1 Not Mapped, 2 Failed, 3 Held for Review. */
export function outputOf(outcome: PairOutcome): 0 | 1 | 2 | 3 {
	switch (outcome) {
		case 'not_mapped':
			return 1;
		case 'failed':
			return 2;
		case 'held':
			return 3;
		default:
			return 0;
	}
}

/** The json of one result on its output: the audit fields, plus reason and status code off the happy path. */
export function resultJson(runId: string, r: PairResult): IDataObject {
	const json = auditJson(runId, r);
	const output = outputOf(r.outcome);
	if (output === 1 || output === 2) {
		json.reason = r.reason ?? null;
		json.httpStatus = r.httpStatus;
	}
	if (output === 3) {
		json.reason = r.reason ?? null;
		json.ledgerKey = r.pair.key;
	}
	return json;
}

/** Counts per outcome, for the hints. */
export function tally(results: PairResult[]): Record<PairOutcome, number> {
	const counts: Record<PairOutcome, number> = {
		pushed: 0,
		zeroed: 0,
		unchanged: 0,
		dry_run: 0,
		not_mapped: 0,
		failed: 0,
		held: 0,
	};
	for (const r of results) counts[r.outcome]++;
	return counts;
}

/** A refused input item on the Failed output: the audit fields, the reason, and the field at fault. */
export function itemFailureJson(runId: string, f: ItemFailure, at: string): IDataObject {
	return {
		runId,
		customerId: f.customerId,
		customerName: f.customerName,
		product: f.product,
		gradientAccountId: f.gradientAccountId,
		gradientServiceId: f.gradientServiceId,
		previousCount: f.previousCount,
		unitCount: f.count,
		change: null,
		status: 'failed',
		at,
		reason: f.reason,
		httpStatus: null,
		...(f.field ? { field: f.field } : {}),
	};
}
