import type { OrgState, UsedApproval } from '../shared/ledger';

/**
 * Billing Safety's approvals: which held changes a person released this run, and which keys
 * released nothing (and why). A key releases the held change once, at the count that was shown.
 */

export interface Approvals {
	/** Ledger key -> the count it approves (undefined: whatever count is held now). */
	keys: Map<string, number | undefined>;
	/** Every pair held before this moment is approved (at the count that was held). */
	before?: number;
}

/**
 * Reads "Approve Held Pairs": ledger keys separated by commas, semicolons or new lines, each
 * optionally `=count` (the held count it approves, e.g. `7|svc-1=100`).
 */
export function parseApprovals(keys: string, before?: string): Approvals {
	const map = new Map<string, number | undefined>();
	for (const entry of keys.split(/[\n,;]+/)) {
		const text = entry.trim();
		if (!text) continue;
		const m = /^(.*?)\s*=\s*(\d+(?:\.\d+)?)$/.exec(text);
		if (m && m[1]) map.set(m[1], Number(m[2]));
		else map.set(text, undefined);
	}
	const time = before ? Date.parse(before) : NaN;
	return { keys: map, before: Number.isNaN(time) ? undefined : time };
}

/** "Approve All Held Before" as a time; undefined when empty, NaN when it is no date. */
export function readApprovalTime(value: unknown): number | undefined {
	const text = value === undefined || value === null ? '' : String(value).trim();
	return text ? Date.parse(text) : undefined;
}

export type Approval = 'key' | 'date';

/**
 * Whether this run's change of a pair was reviewed and approved. An approval releases only the
 * change that was held and shown (the same count), once: a key that already released a change
 * is spent until it is removed from the option, and a count named with `=` must match.
 */
export function approvalOf(
	key: string,
	count: number,
	state: Pick<OrgState, 'held' | 'approvalsUsed'>,
	approvals: Approvals,
): Approval | undefined {
	const held = state.held[key];
	if (!held || held.count !== count) return undefined;
	if (approvals.keys.has(key)) {
		const wanted = approvals.keys.get(key);
		const used = state.approvalsUsed?.[key];
		const spent = used !== undefined && (wanted === undefined || used.count === wanted);
		if ((wanted === undefined || wanted === count) && !spent) return 'key';
	}
	const at = Date.parse(held.at);
	if (approvals.before !== undefined && !Number.isNaN(at) && at < approvals.before) return 'date';
	return undefined;
}

/** Why an approval key released nothing this run, for the warning. */
export function unusedApprovalKeys(
	approvals: Approvals,
	state: Pick<OrgState, 'held' | 'approvalsUsed'>,
	usedThisRun: Iterable<string>,
): Array<{ key: string; why: string }> {
	const used = new Set(usedThisRun);
	const out: Array<{ key: string; why: string }> = [];
	for (const [key, wanted] of approvals.keys) {
		if (used.has(key)) continue;
		const held = state.held[key];
		const spent = state.approvalsUsed?.[key];
		let why = 'no pair is held for review under it';
		if (spent && held && (wanted === undefined || spent.count === wanted)) {
			why = `it already released ${spent.count} on ${spent.at.slice(0, 10)}; remove it and add it again (or add =${held.count}) to approve the held ${held.count}`;
		} else if (held && wanted !== undefined && wanted !== held.count) {
			why = `it approves ${wanted}, but ${held.count} is held`;
		} else if (held) {
			why = `the held ${held.count} changed this run; review the new count and approve it again`;
		} else if (spent) {
			why = `it already released ${spent.count} on ${spent.at.slice(0, 10)}`;
		}
		out.push({ key, why });
	}
	return out;
}

/**
 * Approval keys after a run: keys that released a change are spent (at that count); keys no
 * longer in the option are forgotten, so adding a key again approves afresh.
 */
export function settleApprovals(
	state: OrgState,
	approvals: Approvals,
	released: Array<{ key: string; count: number; at: string }>,
): Record<string, UsedApproval> {
	const next: Record<string, UsedApproval> = {};
	for (const [key, used] of Object.entries(state.approvalsUsed ?? {})) {
		if (approvals.keys.has(key)) next[key] = used;
	}
	for (const r of released) next[r.key] = { count: r.count, at: r.at };
	return next;
}
