import type { LedgerHealth, OrgState } from '../shared/ledger';
import { ledgerKey } from '../shared/ledger';
import { sourceKey } from '../shared/walkStamp';
import type { Approval, Approvals } from './approvals';
import type { GuardSettings } from './guard';
import { guardChanges, guardZeroes } from './guard';
import type { ItemValues, ReadItem, Refusal } from './readItems';
import { refusals, round, unique, valuesOf } from './readItems';
import { checkZeroing, planZeroes } from './zeroing';

export interface PlanSettings {
	zeroVanished: boolean;
	skipUnchanged: boolean;
	guard?: GuardSettings;
	massZero: { hold: boolean; maxSharePercent: number; maxPairs: number };
	approvals: Approvals;
}

export type PairAction = 'push' | 'zero' | 'unchanged' | 'hold' | 'fail';

/** One pair (Gradient account, service) and what this run does with it. */
export interface PlannedPair {
	key: string;
	gradientAccountId: string;
	gradientServiceId: string;
	customerIds: string[];
	customerNames: string[];
	products: string[];
	/** (customer, product) keys behind the count. */
	sources: string[];
	/** Input items the pair comes from (for a zeroed pair: the item that proves it gone). */
	items: number[];
	unitCount: number;
	previousCount: number | null;
	action: PairAction;
	/** Why a pair is held or failed. */
	reason?: string;
	/** Gradient said the account is not mapped to a PSA company yet (a 404 is to be expected). */
	accountUnmapped?: boolean;
	/** Released from Held for Review by "Approve Held" (by key, or by date). */
	approved?: Approval;
	/**
	 * A remembered pair whose sources now land on these pairs (a changed Service Table or
	 * Account Override): zeroed only once every one of them was set this run.
	 */
	supersededBy?: string[];
}

/** One input item that is not pushed because of what it (or an item of its pair) holds. */
export interface ItemFailure {
	index: number;
	key?: string;
	gradientAccountId: string | null;
	gradientServiceId: string | null;
	customerId: string;
	customerName: string;
	product: string;
	count: number | null;
	previousCount: number | null;
	field?: string;
	reason: string;
}

export interface PushPlan {
	pairs: PlannedPair[];
	/** Items refused before anything is sent: bad values, duplicates, and the rest of their pairs. */
	itemFailures: ItemFailure[];
	/** Zeroing facts and the reasons it was off, for the execution hints. */
	notes: string[];
	zeroing: boolean;
	ledgerSize: number;
	/** Remembered pairs missing from the input that were not proven gone. */
	keptMissing: number;
}

/** An input item on the Failed output: what it holds, why, and the count its pair had. */
export function itemFailure(
	v: ItemValues,
	reason: string,
	previousCount: number | null,
	field?: string,
	key?: string,
): ItemFailure {
	return {
		index: v.index,
		key,
		gradientAccountId: v.gradientAccountId ?? null,
		gradientServiceId: v.gradientServiceId ?? null,
		customerId: v.customerId ?? '',
		customerName: v.customerName ?? '',
		product: v.product ?? '',
		count: v.count ?? null,
		previousCount,
		field,
		reason,
	};
}

interface Grouped {
	/** Every pair of the input, in the order first seen; a pair with a refused item fails. */
	pairs: PlannedPair[];
	/** Ledger key -> the items of that pair. */
	members: Map<string, ItemValues[]>;
}

/** Groups the items by pair and sums each pair's count; a refused item fails its whole pair. */
function groupPairs(read: ReadItem[], state: OrgState, refused: Map<number, Refusal>): Grouped {
	const byKey = new Map<string, PlannedPair>();
	const members = new Map<string, ItemValues[]>();
	for (const r of read) {
		const v = valuesOf(r);
		if (!v.gradientAccountId || !v.gradientServiceId) continue;
		const key = ledgerKey(v.gradientAccountId, v.gradientServiceId);
		let pair = byKey.get(key);
		if (!pair) {
			const remembered = state.pairs[key];
			pair = {
				key,
				gradientAccountId: v.gradientAccountId,
				gradientServiceId: v.gradientServiceId,
				customerIds: [],
				customerNames: [],
				products: [],
				sources: [],
				items: [],
				unitCount: 0,
				previousCount: remembered ? remembered.count : null,
				action: 'push',
			};
			byKey.set(key, pair);
			members.set(key, []);
		}
		members.get(key)!.push(v);
		const source = sourceKey(v.customerId ?? '', v.product ?? '');
		pair.items.push(v.index);
		pair.customerIds.push(v.customerId ?? '');
		pair.customerNames.push(v.customerName ?? '');
		if (!pair.products.includes(v.product ?? '')) pair.products.push(v.product ?? '');
		if (!pair.sources.includes(source)) pair.sources.push(source);
		if ('item' in r) pair.unitCount = round(pair.unitCount + r.item.count);
		if ('item' in r && r.item.accountMapped === false) pair.accountUnmapped = true;
		if (refused.has(v.index)) pair.action = 'fail';
	}
	const pairs = [...byKey.values()];
	for (const pair of pairs) {
		pair.customerIds = unique(pair.customerIds);
		pair.customerNames = unique(pair.customerNames);
	}
	return { pairs, members };
}

/**
 * The items on the Failed output before anything is sent: refused items (with no pair, or in
 * a pair), and the rest of a failed pair, whose total would be wrong without them.
 */
function failItems(
	read: ReadItem[],
	{ pairs, members }: Grouped,
	refused: Map<number, Refusal>,
	state: OrgState,
): ItemFailure[] {
	const failures: ItemFailure[] = [];
	const failItem = (v: ItemValues, reason: string, field?: string, key?: string) => {
		const previousCount = key ? (state.pairs[key]?.count ?? null) : null;
		failures.push(itemFailure(v, reason, previousCount, field, key));
	};
	for (const r of read) {
		const v = valuesOf(r);
		if (v.gradientAccountId && v.gradientServiceId) continue;
		const why = refused.get(v.index)!;
		failItem(v, why.reason, why.field);
	}
	for (const pair of pairs) {
		if (pair.action !== 'fail') continue;
		const group = members.get(pair.key) ?? [];
		const culprits = group.filter((v) => refused.has(v.index)).map((v) => v.index);
		for (const v of group) {
			const own = refused.get(v.index);
			if (own) failItem(v, own.reason, own.field, pair.key);
			else {
				failItem(
					v,
					`Not pushed: item ${culprits.join(', ')} of the same pair (account ${pair.gradientAccountId}, service ${pair.gradientServiceId}) was refused, so the pair's total would be wrong`,
					undefined,
					pair.key,
				);
			}
		}
	}
	return failures.sort((a, b) => a.index - b.index);
}

/**
 * Decides what happens to every pair: group and sum, refuse bad items and duplicates (with the
 * rest of their pair, whose total would be wrong), compare with the ledger, skip unchanged,
 * guard, and zero remembered pairs only when the input proves them gone.
 */
export function planPush(
	read: ReadItem[],
	state: OrgState,
	health: LedgerHealth,
	settings: PlanSettings,
): PushPlan {
	const refused = refusals(read);
	const grouped = groupPairs(read, state, refused);
	const itemFailures = failItems(read, grouped, refused, state);
	const pairs = grouped.pairs.filter((pair) => pair.action !== 'fail');
	guardChanges(pairs, state, settings);

	// Zeroing: only what the input proves gone (DESIGN, Decisions, Billing safety).
	const ledgerSize = Object.keys(state.pairs).length;
	const seen = read.map(valuesOf).map((v) => ({
		index: v.index,
		walk: v.walk,
		customerId: v.customerId,
		product: v.product,
	}));
	const check = checkZeroing(seen, health, settings.zeroVanished);
	const inputKeys = new Set(grouped.members.keys());
	const zeroing = planZeroes(state, inputKeys, pairs, check, settings.zeroVanished);
	const massHeld = guardZeroes(zeroing.zeroes, state, ledgerSize, settings);
	return {
		pairs: [...pairs, ...zeroing.zeroes],
		itemFailures,
		notes: [...check.notes, ...zeroing.notes, ...massHeld],
		zeroing: check.on,
		ledgerSize,
		keptMissing: zeroing.keptMissing,
	};
}
