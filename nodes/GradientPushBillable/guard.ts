import type { OrgState } from '../shared/ledger';
import { approvalOf } from './approvals';
import type { PlanSettings, PlannedPair } from './plan';
import { round } from './readItems';
import { tooManyZeroes } from './zeroing';

export interface GuardSettings {
	/** Hold a pair whose count changes by more than this share of its previous count. */
	maxChangePercent: number;
	/** Hold a pair whose count drops to 0. */
	holdDropsToZero: boolean;
}

/** Why the guard holds a change, or undefined when it lets it through. */
export function guardReason(
	previous: number | null,
	next: number,
	guard: GuardSettings | undefined,
): string | undefined {
	if (!guard || previous === null || previous === 0 || previous === next) return undefined;
	if (next === 0 && guard.holdDropsToZero) return `drops from ${previous} to 0`;
	const percent = (Math.abs(next - previous) / previous) * 100;
	if (percent > guard.maxChangePercent) {
		return `changes by ${round(percent)}% (${previous} -> ${next}), more than the ${guard.maxChangePercent}% the change guard allows`;
	}
	return undefined;
}

/** Marks the input's pairs unchanged (Skip Unchanged) or held (change guard), unless approved. */
export function guardChanges(pairs: PlannedPair[], state: OrgState, settings: PlanSettings): void {
	for (const pair of pairs) {
		if (settings.skipUnchanged && pair.previousCount === pair.unitCount) {
			pair.action = 'unchanged';
			continue;
		}
		const reason = guardReason(pair.previousCount, pair.unitCount, settings.guard);
		if (reason) {
			const approval = approvalOf(pair.key, pair.unitCount, state, settings.approvals);
			if (approval) pair.approved = approval;
			else {
				pair.action = 'hold';
				pair.reason = reason;
			}
		}
	}
}

/**
 * Holds zeroes when a run would zero too many pairs at once (the mass-zero hold) or when the
 * change guard stops a drop to 0, unless approved. Returns the note of a mass hold.
 */
export function guardZeroes(
	zeroes: PlannedPair[],
	state: OrgState,
	ledgerSize: number,
	settings: PlanSettings,
): string[] {
	const { massZero } = settings;
	const massive = massZero.hold && tooManyZeroes(zeroes.length, ledgerSize, massZero);
	for (const zero of zeroes) {
		if (zero.action === 'hold') continue;
		const approval = approvalOf(zero.key, 0, state, settings.approvals);
		const reason = massive
			? `${zeroes.length} of the ${ledgerSize} remembered pairs would be zeroed in one run, more than ${massZero.maxSharePercent}% or ${massZero.maxPairs} pairs`
			: guardReason(zero.previousCount, 0, settings.guard);
		if (reason && !approval) {
			zero.action = 'hold';
			zero.reason = `${zero.supersededBy ? 'superseded, ' : ''}zeroing: ${reason}`;
		} else if (reason) {
			zero.approved = approval;
		}
	}
	if (!massive) return [];
	return [
		`${zeroes.length} zeroes were sent to Held for Review (more than ${massZero.maxSharePercent}% of the ledger or ${massZero.maxPairs} pairs). Approve them with Billing Safety > Approve Held Pairs if they are right.`,
	];
}
