import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/**
 * Every item Get Counts emits carries the stamp of the walk that produced it, so Push Billable
 * can tell a source that is gone (zero it) from one that was merely diverted, filtered or dropped
 * on the way (leave it alone). The nodes in between add what they divert to `diverted`.
 */
export interface WalkStamp {
	id: string;
	/** Every list was read to its end and no customer was skipped. */
	complete: boolean;
	/** 'all', or the customer ids the walk was limited to. */
	customers: 'all' | string[];
	/** 'all', or the products the walk was limited to. */
	products: 'all' | string[];
	/** How many items the walk emitted, so Push can check that none went missing on the way. */
	items: number;
	/** Source keys (see sourceKey) diverted by nodes between Get Counts and Push. */
	diverted?: string[];
	/**
	 * Customer ids excluded by a node between Get Counts and Push (Assign Customer's Exclude
	 * Customer IDs): all of them, whether or not they sent an item this run. Push never zeroes a
	 * pair of these customers.
	 */
	excluded?: string[];
}

/** The key of one source, a (customer, product); a pair (account, service) may be fed by several. */
export function sourceKey(customerId: string, product: string): string {
	return `${customerId}::${product}`;
}

export function walkOf(json: IDataObject): WalkStamp | undefined {
	const walk = json.walk as WalkStamp | undefined;
	return walk && typeof walk === 'object' && typeof walk.id === 'string' ? walk : undefined;
}

/**
 * Returns copies of `passing` whose walk stamps list every source in `diverted` (by walk), on top
 * of what earlier nodes diverted. The list is one shared array per walk, not one per item.
 */
export function recordDiverted(
	passing: INodeExecutionData[],
	diverted: INodeExecutionData[],
): INodeExecutionData[] {
	const added = new Map<string, Set<string>>();
	for (const item of diverted) {
		const walk = walkOf(item.json);
		if (!walk) continue;
		const keys = added.get(walk.id) ?? new Set<string>(walk.diverted ?? []);
		keys.add(sourceKey(String(item.json.customerId), String(item.json.product)));
		added.set(walk.id, keys);
	}
	if (added.size === 0) return passing;
	const stamps = new Map<string, WalkStamp>();
	return passing.map((item) => {
		const walk = walkOf(item.json);
		if (!walk || !added.has(walk.id)) return item;
		let stamp = stamps.get(walk.id);
		if (!stamp) {
			const keys = added.get(walk.id)!;
			for (const key of walk.diverted ?? []) keys.add(key);
			stamp = { ...walk, diverted: [...keys] };
			stamps.set(walk.id, stamp);
		}
		return { ...item, json: { ...item.json, walk: stamp } };
	});
}

/**
 * Returns copies of `passing` whose walk stamps list every id in `excluded`, on top of what
 * earlier nodes stamped: every excluded id, not only those that sent an item this run, so Push
 * never zeroes a pair of an excluded customer that left or dropped a product. One shared array
 * per walk, not one per item.
 */
export function recordExcluded(
	passing: INodeExecutionData[],
	excluded: Iterable<string>,
): INodeExecutionData[] {
	const ids = [...excluded];
	if (ids.length === 0) return passing;
	const stamps = new Map<string, WalkStamp>();
	return passing.map((item) => {
		const walk = walkOf(item.json);
		if (!walk) return item;
		let stamp = stamps.get(walk.id);
		if (!stamp) {
			const merged = new Set<string>(Array.isArray(walk.excluded) ? walk.excluded.map(String) : []);
			for (const id of ids) merged.add(id);
			stamp = { ...walk, excluded: [...merged] };
			stamps.set(walk.id, stamp);
		}
		return { ...item, json: { ...item.json, walk: stamp } };
	});
}
