import type { IDataObject } from 'n8n-workflow';

import type { OrgState } from '../shared/ledger';
import type { MemoryChange } from '../shared/memory/changes';
import { ledgerChanges } from '../shared/memory/changes';
import type { MemoryHandle } from '../shared/memory/door';
import type { Approvals } from './approvals';
import { settleApprovals } from './approvals';
import { applyOutcomes, ledgerOutcomes } from './ledgerOutcomes';
import type { PlannedPair } from './plan';
import type { PairResult } from './run';

function entryId(c: MemoryChange): string {
	return `${c.kind}:${c.key}`;
}

/** An entry without its time, to tell "already recorded" from "changed since". */
function withoutAt(value: IDataObject | null): string {
	if (value === null) return 'null';
	const rest: IDataObject = { ...value };
	delete rest.at;
	return JSON.stringify(rest);
}

/**
 * The part of the state these results can change. Recording each accepted pair against the whole
 * ledger would copy and compare every remembered pair per push (about 20 ms each at 10,000 pairs,
 * more than the pace allows); against its own entries it costs the same at any ledger size.
 */
function touchedBy(state: OrgState, results: PairResult[]): OrgState {
	const keys = results.map((r) => r.pair.key);
	const pick = <T>(map: Record<string, T>): Record<string, T> =>
		Object.fromEntries(keys.filter((k) => k in map).map((k) => [k, map[k]]));
	return {
		...state,
		pairs: pick(state.pairs),
		held: pick(state.held),
		alerts: {},
		approvalsUsed: {},
	};
}

/**
 * The memory changes of these results, by the one rule (applyOutcomes) every record of a run
 * uses; the end of the run adds the approval keys it spent.
 */
function resultChanges(
	state: OrgState,
	results: PairResult[],
	at: string,
	approvalsUsed?: OrgState['approvalsUsed'],
): MemoryChange[] {
	const after = applyOutcomes(state, ledgerOutcomes(results), at);
	if (approvalsUsed) after.approvalsUsed = approvalsUsed;
	return ledgerChanges(state, after);
}

/**
 * Records a run in the billing memory. Held pairs (before anything is sent) and each count
 * Gradient accepts are recorded at once, so a run that dies half-way still remembers what
 * Gradient holds; the end of the run records the rest, and no entry twice.
 */
export class LedgerRecorder {
	/** What each entry was recorded as while running, so the end of the run does not write it again. */
	private readonly recorded = new Map<string, string>();

	constructor(
		private readonly memory: MemoryHandle,
		private readonly state: OrgState,
	) {}

	/** The entries these results change (the ledger's meta is left to the end of the run). */
	private async recordNow(results: PairResult[], at: string): Promise<void> {
		const changes = resultChanges(touchedBy(this.state, results), results, at).filter(
			(c) => c.kind !== 'meta',
		);
		for (const c of changes) this.recorded.set(entryId(c), withoutAt(c.value));
		await this.memory.record(changes);
	}

	/** Records the pairs the guards hold, before anything is sent (they wait for an approval). */
	async recordHeld(pairs: PlannedPair[]): Promise<void> {
		const at = new Date().toISOString();
		const held = pairs.filter((p) => p.action === 'hold');
		if (!held.length) return;
		const results = held.map(
			(pair): PairResult => ({ pair, outcome: 'held', httpStatus: null, reason: pair.reason, at }),
		);
		await this.recordNow(results, at);
	}

	/** Records one pair Gradient just accepted. */
	async recordAccepted(pair: PlannedPair, status: number): Promise<void> {
		const at = new Date().toISOString();
		const outcome = pair.action === 'zero' ? 'zeroed' : 'pushed';
		await this.recordNow([{ pair, outcome, httpStatus: status, at }], at);
	}

	/** The end of the run: every result, the approval keys spent, and the time of the run. */
	async recordRun(results: PairResult[], approvals: Approvals, now: string): Promise<void> {
		const released = results
			.filter((r) => r.pair.approved === 'key' && ['pushed', 'zeroed'].includes(r.outcome))
			.map((r) => ({ key: r.pair.key, count: r.pair.unitCount, at: r.at }));
		const spent = settleApprovals(this.state, approvals, released);
		const changes = resultChanges(this.state, results, now, spent);
		await this.memory.record(
			changes.filter((c) => this.recorded.get(entryId(c)) !== withoutAt(c.value)),
		);
	}
}
