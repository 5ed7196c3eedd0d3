import type { LedgerHealth, LedgerPair, OrgState } from '../shared/ledger';
import { sourcesOf, splitLedgerKey, splitSource } from '../shared/ledger';
import type { WalkStamp } from '../shared/walkStamp';
import type { PlannedPair } from './plan';
import { unique } from './readItems';
import type { SeenItem, WalkSeen, WalkSummary } from './walkSummary';
import { summarizeWalks, walkVerdict } from './walkSummary';

/**
 * The zeroing proof, in one place. A remembered pair missing from the input is zeroed only when
 * the input proves it over: every source behind it either lands on another pair this run (moved)
 * or is proven gone by a walk that is complete and whole (DESIGN, Decisions, Billing safety).
 * The walks' evidence is read in walks.ts; everything that decides a zero is here.
 */

/** Whether a walk's product scope includes a product (names compared without regard to case). */
function coversProduct(scope: WalkStamp['products'], product: string): boolean {
	if (scope === 'all') return true;
	const wanted = product.toLowerCase();
	return Array.isArray(scope) && scope.some((p) => String(p).toLowerCase() === wanted);
}

/**
 * Whether the input proves one remembered (customer, product) gone, and the input item that
 * proves it. Proof needs a usable walk that looked at the product and either saw the customer
 * (without that product) or read every customer and did not find this one.
 */
export function proveSourceGone(
	source: string,
	summary: WalkSummary,
	usable: WalkSeen[],
): number | undefined {
	if (summary.present.has(source)) return undefined;
	const { customerId, product } = splitSource(source);
	for (const seen of usable) {
		if (!coversProduct(seen.stamp.products, product)) continue;
		const at = seen.customers.get(customerId);
		if (at !== undefined) return at;
		if (seen.divertedCustomers.has(customerId)) return seen.firstItem;
		if (seen.stamp.customers === 'all') return seen.firstItem;
	}
	return undefined;
}

/** Whether the zeroes of one run are too many to send without a person looking first. */
export function tooManyZeroes(
	zeroes: number,
	ledgerSize: number,
	limits: { maxSharePercent: number; maxPairs: number },
): boolean {
	if (zeroes === 0) return false;
	return zeroes > limits.maxPairs || zeroes > (ledgerSize * limits.maxSharePercent) / 100;
}

/**
 * Why a remembered pair missing from the input is over: each of its sources either lands on
 * another pair this run (moved) or is proven gone by a usable walk (summary given only when
 * zeroing is on). Undefined when any source is unaccounted for: the pair keeps its count.
 */
function fateOf(
	pair: LedgerPair,
	landsOn: Map<string, PlannedPair>,
	summary: WalkSummary | undefined,
	usable: WalkSeen[],
): { proof: number; movedTo: PlannedPair[] } | undefined {
	const sources = sourcesOf(pair);
	if (!sources.length) return undefined;
	const movedTo: PlannedPair[] = [];
	let proof: number | undefined;
	for (const source of sources) {
		const target = landsOn.get(source);
		if (target) {
			if (!movedTo.includes(target)) movedTo.push(target);
			proof ??= target.items[0];
			continue;
		}
		const gone = summary ? proveSourceGone(source, summary, usable) : undefined;
		if (gone === undefined) return undefined;
		proof ??= gone;
	}
	return proof === undefined ? undefined : { proof, movedTo };
}

/** A remembered pair is gone only when every source behind it is proven gone. */
export function provePairGone(
	pair: LedgerPair,
	summary: WalkSummary,
	usable: WalkSeen[],
): number | undefined {
	return fateOf(pair, new Map(), summary, usable)?.proof;
}

/** Whether a remembered pair belongs to a customer excluded on the way (never zeroed). */
function isExcluded(pair: LedgerPair, summary: WalkSummary): boolean {
	if (summary.excluded.size === 0) return false;
	if (summary.excluded.has(pair.customerId)) return true;
	return sourcesOf(pair).some((s) => summary.excluded.has(splitSource(s).customerId));
}

export interface ZeroingCheck {
	/** Whether this run may zero what walks prove gone (moved sources are followed either way). */
	on: boolean;
	summary: WalkSummary;
	/** The walks complete and whole, the only ones that prove anything. */
	usable: WalkSeen[];
	notes: string[];
}

/** Whether this run may zero at all, and which walks of its input can prove a source gone. */
export function checkZeroing(
	seen: SeenItem[],
	health: LedgerHealth,
	zeroVanished: boolean,
): ZeroingCheck {
	const notes: string[] = [];
	let on = zeroVanished;
	const off = (why: string) => {
		if (on) notes.push(`Zeroing is off for this run: ${why}.`);
		on = false;
	};
	if (!zeroVanished) notes.push('Zero Vanished Pairs is off.');
	if (health === 'missing') {
		off(
			'there is no ledger for this Gradient organization yet (first run, or the workflow static data was lost); this run starts one',
		);
	} else if (health === 'unreadable') {
		off('the ledger was written by another version and is not read');
	} else if (health === 'empty') {
		off('the ledger holds no pairs yet');
	}
	if (seen.length === 0) off('the input is empty');
	const summary = summarizeWalks(seen);
	if (seen.length > 0 && summary.walks.size === 0) {
		off(
			'the input items carry no walk stamp (connect the chain Get Counts -> Assign Customer -> Map Service -> Push, and keep the "walk" field)',
		);
	}
	const usable: WalkSeen[] = [];
	for (const walk of summary.walks.values()) {
		const verdict = walkVerdict(walk);
		if (verdict.usable) usable.push(walk);
		else if (on) notes.push(`No zeroing from ${verdict.reason}.`);
	}
	if (on && summary.walks.size > 0 && usable.length === 0) {
		on = false;
		notes.push('Zeroing is off for this run: no walk in the input is complete and whole.');
	}
	return { on, summary, usable, notes };
}

function describe(pairs: PlannedPair[]): string {
	return pairs
		.map((p) => `account ${p.gradientAccountId}, service ${p.gradientServiceId}`)
		.join(' and ');
}

/** A remembered pair to zero, with the input item that proves it over. */
function zeroPair(key: string, remembered: LedgerPair, proof: number): PlannedPair {
	const { gradientAccountId, gradientServiceId } = splitLedgerKey(key);
	return {
		key,
		gradientAccountId,
		gradientServiceId,
		customerIds: [remembered.customerId],
		customerNames: unique([remembered.customerName]),
		products: remembered.products,
		sources: sourcesOf(remembered),
		items: [proof],
		unitCount: 0,
		previousCount: remembered.count,
		action: 'zero',
	};
}

/**
 * A superseded pair: its sources moved to other pairs. It is held when Zero Vanished Pairs is off
 * (the old pair would bill too) or when a pair it moved to is held (approved together).
 */
function supersede(zero: PlannedPair, movedTo: PlannedPair[], zeroVanished: boolean): void {
	zero.supersededBy = movedTo.map((p) => p.key);
	const stuck = movedTo.find((p) => p.action === 'hold');
	if (!zeroVanished) {
		zero.action = 'hold';
		zero.reason = `superseded: its products now bill to ${describe(movedTo)}, and Zero Vanished Pairs is off, so the old pair would bill too; approve to zero it`;
	} else if (stuck) {
		zero.action = 'hold';
		zero.reason = `superseded: its products now bill to ${describe(movedTo)}, which is held for review; approve it together with that pair`;
	}
}

export interface Zeroes {
	zeroes: PlannedPair[];
	/** Remembered pairs missing from the input that were not proven gone. */
	keptMissing: number;
	notes: string[];
}

/**
 * The remembered pairs this run zeroes: those missing from the input whose every source moved
 * to a pair of this run or is proven gone. Excluded customers' pairs are never zeroed.
 */
export function planZeroes(
	state: OrgState,
	inputKeys: Set<string>,
	pairs: PlannedPair[],
	check: ZeroingCheck,
	zeroVanished: boolean,
): Zeroes {
	// Where each (customer, product) of this run lands: a remembered pair none of whose sources
	// land on it any more is superseded (moved by a Service Table or Account Override change).
	const landsOn = new Map<string, PlannedPair>();
	for (const pair of pairs) {
		// A source without a product (a sheet's rows) cannot be told apart, so it never moves.
		for (const source of pair.sources) if (splitSource(source).product) landsOn.set(source, pair);
	}
	const notes: string[] = [];
	let keptMissing = 0;
	let keptExcluded = 0;
	const zeroes: PlannedPair[] = [];
	for (const key of Object.keys(state.pairs)) {
		if (inputKeys.has(key)) continue;
		const remembered = state.pairs[key];
		if (isExcluded(remembered, check.summary)) {
			keptExcluded++;
			continue;
		}
		const fate = fateOf(remembered, landsOn, check.on ? check.summary : undefined, check.usable);
		if (!fate) {
			keptMissing++;
			continue;
		}
		const zero = zeroPair(key, remembered, fate.proof);
		if (fate.movedTo.length) supersede(zero, fate.movedTo, zeroVanished);
		zeroes.push(zero);
	}
	if (keptMissing > 0) {
		notes.push(
			`${keptMissing} remembered pair(s) are not in this input and were not proven gone, so they keep their count in Gradient.`,
		);
	}
	if (keptExcluded > 0) {
		notes.push(
			`${keptExcluded} remembered pair(s) of excluded customers keep their count in Gradient (excluded customers are never zeroed).`,
		);
	}
	const superseded = zeroes.filter((z) => z.supersededBy);
	if (superseded.length) {
		notes.push(
			`${superseded.length} remembered pair(s) are superseded: their products now bill to another account or service, so the old pair is zeroed (or held) once the new one is set: ${superseded
				.slice(0, 5)
				.map((z) => `${z.key} -> ${z.supersededBy!.join(' + ')}`)
				.join(', ')}${superseded.length > 5 ? ', ...' : ''}.`,
		);
	}
	return { zeroes, keptMissing, notes };
}
