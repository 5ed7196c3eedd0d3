import { splitSource } from '../shared/ledger';
import { sourceKey } from '../shared/walkStamp';
import type { WalkStamp } from '../shared/walkStamp';

/**
 * What the walks in the input show: Get Counts stamps every item with its walk, so Push can tell
 * what each walk delivered, diverted and saw, and whether a walk is whole enough to prove anything.
 */

/** What one walk contributed to this run's input. */
export interface WalkSeen {
	stamp: WalkStamp;
	/** Items received that carry this walk. */
	received: number;
	/** Index of the first such item (a zeroed pair's pairedItem points at its proof). */
	firstItem: number;
	/** customerId -> index of the customer's first item in this walk. */
	customers: Map<string, number>;
	/** Customers known to the walk only through diverted sources. */
	divertedCustomers: Set<string>;
	/** Union of the diverted source keys over every item of this walk. */
	diverted: Set<string>;
}

export interface SeenItem {
	index: number;
	walk?: WalkStamp;
	customerId?: string;
	product?: string;
}

export interface WalkSummary {
	walks: Map<string, WalkSeen>;
	/** Items without a walk stamp. */
	unstamped: number;
	/** Every (customer, product) key in the input or diverted by any walk: none is "gone". */
	present: Set<string>;
	/** Customers excluded on the way (Assign Customer): never zeroed, whatever the walk saw. */
	excluded: Set<string>;
}

/** Groups the input by walk: what each walk delivered, diverted and which customers it saw. */
export function summarizeWalks(items: SeenItem[]): WalkSummary {
	const walks = new Map<string, WalkSeen>();
	const present = new Set<string>();
	const excluded = new Set<string>();
	let unstamped = 0;
	for (const item of items) {
		if (item.customerId !== undefined && item.product !== undefined) {
			present.add(sourceKey(item.customerId, item.product));
		}
		if (!item.walk) {
			unstamped++;
			continue;
		}
		let seen = walks.get(item.walk.id);
		if (!seen) {
			seen = {
				stamp: item.walk,
				received: 0,
				firstItem: item.index,
				customers: new Map(),
				divertedCustomers: new Set(),
				diverted: new Set(),
			};
			walks.set(item.walk.id, seen);
		}
		seen.received++;
		// Every node between Get Counts and Push keeps the stamp; a stale copy must not make
		// the walk look complete, so completeness is only believed when every item says so.
		if (!item.walk.complete) seen.stamp = { ...seen.stamp, complete: false };
		for (const key of item.walk.diverted ?? []) seen.diverted.add(key);
		for (const id of item.walk.excluded ?? []) excluded.add(String(id));
		if (item.customerId !== undefined && !seen.customers.has(item.customerId)) {
			seen.customers.set(item.customerId, item.index);
		}
	}
	for (const seen of walks.values()) {
		for (const key of seen.diverted) {
			present.add(key);
			const { customerId } = splitSource(key);
			if (!seen.customers.has(customerId)) seen.divertedCustomers.add(customerId);
		}
	}
	return { walks, unstamped, present, excluded };
}

/** Whether a walk can prove anything: it is complete and every item it emitted is accounted for. */
export function walkVerdict(seen: WalkSeen): { usable: boolean; reason?: string } {
	const id = seen.stamp.id;
	if (!seen.stamp.complete) {
		return {
			usable: false,
			reason: `walk ${id} was incomplete (a list was not read to its end), so nothing it left out is known to be gone`,
		};
	}
	const expected = Number(seen.stamp.items);
	const accounted = seen.received + seen.diverted.size;
	if (!Number.isFinite(expected) || accounted !== expected) {
		const missing = expected - accounted;
		return {
			usable: false,
			reason:
				missing > 0
					? `${missing} of the ${expected} items of walk ${id} are unaccounted for (received ${seen.received}, diverted ${seen.diverted.size}): a node between Get Counts and Push removed items (e.g. a Filter), so nothing it left out is known to be gone`
					: `walk ${id} delivered more items than it emitted (${accounted} for ${expected}): items were duplicated on the way, so its proof is not trusted`,
		};
	}
	return { usable: true };
}
