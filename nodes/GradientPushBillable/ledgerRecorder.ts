import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

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
		const changes = resultChanges(this.state, results, at).filter((c) => c.kind !== 'meta');
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

/** Accounts this sync created on an earlier run (account id = customer id) that Assign found existing. */
function earlierRunEvidence(items: INodeExecutionData[]): { accounts: number; notices: string[] } {
	const accounts = new Set<string>();
	const notices = new Set<string>();
	for (const { json } of items) {
		const id = json.gradientAccountId;
		if (
			json.gradientAccountAction === 'existing' &&
			id !== undefined &&
			id !== null &&
			String(id) === String(json.customerId)
		) {
			accounts.add(String(id));
		}
		if (typeof json.memoryNotice === 'string' && json.memoryNotice) notices.add(json.memoryNotice);
	}
	return { accounts: accounts.size, notices: [...notices] };
}

/**
 * The Memory Warnings output: one item when the memory is empty, missing or unreadable while the
 * input shows this sync ran before (zeroing was off for this run), and one when changes could
 * not be written. An alert branch wired to it tells the MSP; a hint alone would go unseen.
 */
export function memoryWarnings(
	memory: MemoryHandle,
	items: INodeExecutionData[],
	runId: string,
	at: string,
): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	const health = memory.ledger.health;
	const where = memory.store.label;
	const advice =
		memory.storeName === 'dataTable'
			? 'This run starts the memory table again (a first run on a new or renamed table, or one that was emptied); the next run zeroes as usual.'
			: 'Use the n8n Data Table memory (README, Scaling out) where static data is lost.';
	const evidence = earlierRunEvidence(items);
	if (
		health === 'unreadable' ||
		(health !== 'ok' && (evidence.accounts || evidence.notices.length))
	) {
		const why =
			health === 'unreadable'
				? 'holds a ledger this version cannot read'
				: health === 'missing'
					? 'holds no ledger for this Gradient organization'
					: 'holds no pushed pairs';
		const seen = evidence.accounts
			? ` while ${evidence.accounts} Gradient account(s) this sync created on an earlier run already exist`
			: '';
		out.push({
			json: {
				runId,
				warning: 'memory_empty',
				memory: memory.storeName,
				ledgerHealth: health,
				accountsSeen: evidence.accounts,
				notices: evidence.notices,
				message: `The billing memory (${where}) ${why}${seen}. Zeroing was off this run: services cancelled since the memory was lost stay billed in Gradient, and previousCount is empty. ${advice} Check Gradient's counts for customers cancelled since the last remembered run.`,
				at,
			},
			pairedItem: { item: 0 },
		});
	}
	if (memory.unsaved > 0) {
		out.push({
			json: {
				runId,
				warning: 'memory_unsaved',
				memory: memory.storeName,
				ledgerHealth: health,
				unsaved: memory.unsaved,
				message: `${memory.unsaved} change(s) to the billing memory could not be written (${memory.unsavedReason ?? 'unknown reason'}). Gradient holds the counts pushed this run; the next run may show no previousCount for them and will not zero them. Fix the Billing Memory credential and run again.`,
				at,
			},
			pairedItem: { item: 0 },
		});
	}
	return out;
}
