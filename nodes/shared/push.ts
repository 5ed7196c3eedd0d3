import type { IDataObject } from 'n8n-workflow';

import { failureOf, reasonOf, stopsTheRun } from './errors';
import type { CountResult } from './gradient/client';
import type {
	Approval,
	Approvals,
	LedgerHealth,
	LedgerOutcome,
	LedgerPair,
	OrgState,
	WalkSeen,
	WalkSummary,
} from './ledger';
import {
	approvalOf,
	ledgerKey,
	proveSourceGone,
	sourcesOf,
	splitLedgerKey,
	splitSource,
	summarizeWalks,
	tooManyZeroes,
	walkVerdict,
} from './ledger';
import { mapConcurrent } from './pacing';
import type { WalkStamp } from './walk';
import { pairKey, walkOf } from './walk';

/** Where Push reads each value from; every name can be changed in the node's Options. */
export interface FieldNames {
	gradientAccountId: string;
	gradientServiceId: string;
	count: string;
	customerId: string;
	customerName: string;
	product: string;
	walk: string;
}

export const DEFAULT_FIELDS: FieldNames = {
	gradientAccountId: 'gradientAccountId',
	gradientServiceId: 'gradientServiceId',
	count: 'count',
	customerId: 'customerId',
	customerName: 'customerName',
	product: 'product',
	walk: 'walk',
};

/** A field by name; a dotted name (`counts.total`) reaches into objects when no key has the dots. */
export function fieldValue(json: IDataObject, name: string): unknown {
	if (name in json) return json[name];
	if (!name.includes('.')) return undefined;
	let value: unknown = json;
	for (const part of name.split('.')) {
		if (!value || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[part];
	}
	return value;
}

export interface PushItem {
	index: number;
	gradientAccountId: string;
	gradientServiceId: string;
	count: number;
	customerId: string;
	customerName: string;
	product: string;
	walk?: WalkStamp;
	/** Assign Customer's `gradientAccountMapped`: false predicts a 404 (dry runs say so). */
	accountMapped?: boolean | null;
}

/** An item that cannot be pushed as it is; names the field and says how to fix it. */
export interface BadItem {
	index: number;
	field: string;
	problem: string;
	fix: string;
	gradientAccountId?: string;
	gradientServiceId?: string;
	count?: number;
	customerId?: string;
	customerName?: string;
	product?: string;
	walk?: WalkStamp;
}

export type ReadItem = { item: PushItem } | { bad: BadItem };

function readId(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	return undefined;
}

function readText(value: unknown): string | undefined {
	if (typeof value === 'string' || typeof value === 'number') return String(value);
	return undefined;
}

/** A count as Gradient takes it: a finite number, not negative. Numeric text is read as a number. */
export function readCount(value: unknown): { count: number } | { problem: string } {
	if (value === undefined || value === null || value === '') return { problem: 'is missing' };
	let n: number;
	if (typeof value === 'number') {
		n = value;
	} else if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
		n = Number(value);
	} else {
		const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
		return { problem: `is not a number (got ${shown})` };
	}
	if (!Number.isFinite(n)) return { problem: `is not a finite number (got ${String(value)})` };
	if (n < 0) return { problem: `is negative (${n}); a unit count cannot be below 0` };
	return { count: n };
}

/** Stands in for the id of a service a dry-run Map Service would create, in a dry run only. */
export function plannedServiceId(json: IDataObject): string | undefined {
	if (json.gradientServiceAction !== 'would_create') return undefined;
	const name = readText(json.gradientServiceName) ?? readText(json.product);
	return name ? `(new service) ${name}` : undefined;
}

/** Reads one input item; never guesses a number. */
export function readItem(
	json: IDataObject,
	index: number,
	fields: FieldNames,
	dryRun = false,
): ReadItem {
	const gradientAccountId = readId(fieldValue(json, fields.gradientAccountId));
	const gradientServiceId =
		readId(fieldValue(json, fields.gradientServiceId)) ??
		(dryRun ? plannedServiceId(json) : undefined);
	const counted = readCount(fieldValue(json, fields.count));
	const product = readText(fieldValue(json, fields.product)) ?? '';
	const customerId =
		readId(fieldValue(json, fields.customerId)) ?? gradientAccountId ?? `item-${index}`;
	const customerName = readText(fieldValue(json, fields.customerName)) ?? '';
	const walk = walkOf({ walk: fieldValue(json, fields.walk) } as IDataObject);
	const known = {
		index,
		gradientAccountId,
		gradientServiceId,
		customerId,
		customerName,
		product,
		walk,
		count: 'count' in counted ? counted.count : undefined,
	};
	if (!gradientAccountId) {
		return {
			bad: {
				...known,
				field: fields.gradientAccountId,
				problem: 'is missing or empty',
				fix: 'Connect Push Billable after Gradient Assign Customer (output Assigned), or set the field name under Input Fields > Account ID Field.',
			},
		};
	}
	if (!gradientServiceId) {
		return {
			bad: {
				...known,
				field: fields.gradientServiceId,
				problem: 'is missing or empty',
				fix: 'Connect Push Billable after Gradient Map Service (output Mapped), or set the field name under Input Fields > Service ID Field.',
			},
		};
	}
	if ('problem' in counted) {
		return {
			bad: {
				...known,
				field: fields.count,
				problem: counted.problem,
				fix: 'Each item needs a unit count that is a number of 0 or more (as Get Counts emits). Check the node before Push, or set the field name under Input Fields > Count Field.',
			},
		};
	}
	const mapped = json.gradientAccountMapped;
	return {
		item: {
			...known,
			gradientAccountId,
			gradientServiceId,
			count: counted.count,
			accountMapped: typeof mapped === 'boolean' ? mapped : null,
		},
	};
}

export interface GuardSettings {
	/** Hold a pair whose count changes by more than this share of its previous count. */
	maxChangePercent: number;
	/** Hold a pair whose count drops to 0. */
	holdDropsToZero: boolean;
}

export interface PlanSettings {
	zeroVanished: boolean;
	skipUnchanged: boolean;
	guard?: GuardSettings;
	massZero: { hold: boolean; maxSharePercent: number; maxPairs: number };
	approvals: Approvals;
}

export type PairAction = 'push' | 'zero' | 'unchanged' | 'hold' | 'fail';

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

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function unique(values: string[]): string[] {
	return [...new Set(values.filter((v) => v !== ''))];
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

type Seen = PushItem | BadItem;

/** Why each refused item is refused: its own problem, a twin, or a refused item in its pair. */
function refusals(read: ReadItem[]): Map<number, { reason: string; field?: string }> {
	const refused = new Map<number, { reason: string; field?: string }>();
	// (customer, product) -> items: two items for one source are a mistake upstream, never summed.
	// Without a product field, the service stands in for it (input from a sheet, not Get Counts).
	const identity = (v: Seen) =>
		pairKey(v.customerId ?? '', v.product || `#service:${v.gradientServiceId ?? ''}`);
	const twins = new Map<string, number[]>();
	for (const r of read) {
		const v: Seen = 'item' in r ? r.item : r.bad;
		twins.set(identity(v), [...(twins.get(identity(v)) ?? []), v.index]);
	}
	for (const r of read) {
		if ('bad' in r) {
			refused.set(r.bad.index, {
				reason: `Item ${r.bad.index}: field "${r.bad.field}" ${r.bad.problem}. ${r.bad.fix}`,
				field: r.bad.field,
			});
			continue;
		}
		const v = r.item;
		const same = twins.get(identity(v)) ?? [];
		if (same.length > 1) {
			refused.set(v.index, {
				reason: `Items ${same.join(' and ')} are all for customer ${v.customerId}, product "${v.product}": one (customer, product) must arrive once, and duplicates are never summed. Remove the duplicate before Push`,
				field: 'product',
			});
		}
	}
	return refused;
}

/** Whether a remembered pair belongs to a customer excluded on the way (never zeroed). */
function isExcluded(pair: LedgerPair, summary: WalkSummary): boolean {
	if (summary.excluded.size === 0) return false;
	if (summary.excluded.has(pair.customerId)) return true;
	return sourcesOf(pair).some((s) => summary.excluded.has(splitSource(s).customerId));
}

function describe(pairs: PlannedPair[]): string {
	return pairs
		.map((p) => `account ${p.gradientAccountId}, service ${p.gradientServiceId}`)
		.join(' and ');
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
	const notes: string[] = [];
	const byKey = new Map<string, PlannedPair>();
	const members = new Map<string, Seen[]>();
	const pairs: PlannedPair[] = [];
	const itemFailures: ItemFailure[] = [];
	const refused = refusals(read);

	for (const r of read) {
		const v: Seen = 'item' in r ? r.item : r.bad;
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
			pairs.push(pair);
		}
		members.get(key)!.push(v);
		const source = pairKey(v.customerId ?? '', v.product ?? '');
		pair.items.push(v.index);
		pair.customerIds.push(v.customerId ?? '');
		pair.customerNames.push(v.customerName ?? '');
		if (!pair.products.includes(v.product ?? '')) pair.products.push(v.product ?? '');
		if (!pair.sources.includes(source)) pair.sources.push(source);
		if ('item' in r) pair.unitCount = round(pair.unitCount + r.item.count);
		if ('item' in r && r.item.accountMapped === false) pair.accountUnmapped = true;
		if (refused.has(v.index)) pair.action = 'fail';
	}

	const failItem = (v: Seen, reason: string, field?: string, key?: string) => {
		itemFailures.push({
			index: v.index,
			key,
			gradientAccountId: v.gradientAccountId ?? null,
			gradientServiceId: v.gradientServiceId ?? null,
			customerId: v.customerId ?? '',
			customerName: v.customerName ?? '',
			product: v.product ?? '',
			count: v.count ?? null,
			previousCount: key ? (state.pairs[key]?.count ?? null) : null,
			field,
			reason,
		});
	};
	for (const r of read) {
		const v: Seen = 'item' in r ? r.item : r.bad;
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
	itemFailures.sort((a, b) => a.index - b.index);
	const pushable = pairs.filter((pair) => pair.action !== 'fail');
	pairs.length = 0;
	pairs.push(...pushable);

	for (const pair of pairs) {
		pair.customerIds = unique(pair.customerIds);
		pair.customerNames = unique(pair.customerNames);
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

	// Zeroing: only what the input proves gone (DESIGN, Decisions, Billing safety).
	const ledgerSize = Object.keys(state.pairs).length;
	const missing = Object.keys(state.pairs).filter((key) => !byKey.has(key));
	let zeroing = settings.zeroVanished;
	const off = (why: string) => {
		if (zeroing) notes.push(`Zeroing is off for this run: ${why}.`);
		zeroing = false;
	};
	if (!settings.zeroVanished) notes.push('Zero Vanished Pairs is off.');
	if (health === 'missing') {
		off(
			'there is no ledger for this Gradient organization yet (first run, or the workflow static data was lost); this run starts one',
		);
	} else if (health === 'unreadable') {
		off('the ledger was written by another version and is not read');
	} else if (health === 'empty') {
		off('the ledger holds no pairs yet');
	}
	if (read.length === 0) off('the input is empty');
	const summary = summarizeWalks(
		read.map((r) => {
			const v = 'item' in r ? r.item : r.bad;
			return { index: v.index, walk: v.walk, customerId: v.customerId, product: v.product };
		}),
	);
	if (read.length > 0 && summary.walks.size === 0) {
		off(
			'the input items carry no walk stamp (connect the chain Get Counts -> Assign Customer -> Map Service -> Push, and keep the "walk" field)',
		);
	}
	const usable: WalkSeen[] = [];
	for (const seen of summary.walks.values()) {
		const verdict = walkVerdict(seen);
		if (verdict.usable) usable.push(seen);
		else if (zeroing) notes.push(`No zeroing from ${verdict.reason}.`);
	}
	if (zeroing && summary.walks.size > 0 && usable.length === 0) {
		zeroing = false;
		notes.push('Zeroing is off for this run: no walk in the input is complete and whole.');
	}

	// Where each (customer, product) of this run lands: a remembered pair none of whose sources
	// land on it any more is superseded (moved by a Service Table or Account Override change).
	const landsOn = new Map<string, PlannedPair>();
	for (const pair of pairs) {
		// A source without a product (a sheet's rows) cannot be told apart, so it never moves.
		for (const source of pair.sources) if (splitSource(source).product) landsOn.set(source, pair);
	}

	let keptMissing = 0;
	let keptExcluded = 0;
	const zeroes: PlannedPair[] = [];
	for (const key of missing) {
		const remembered = state.pairs[key];
		if (isExcluded(remembered, summary)) {
			keptExcluded++;
			continue;
		}
		const fate = fateOf(remembered, landsOn, zeroing ? summary : undefined, usable);
		if (!fate) {
			keptMissing++;
			continue;
		}
		const { gradientAccountId, gradientServiceId } = splitLedgerKey(key);
		const zero: PlannedPair = {
			key,
			gradientAccountId,
			gradientServiceId,
			customerIds: [remembered.customerId],
			customerNames: unique([remembered.customerName]),
			products: remembered.products,
			sources: sourcesOf(remembered),
			items: [fate.proof],
			unitCount: 0,
			previousCount: remembered.count,
			action: 'zero',
		};
		if (fate.movedTo.length) {
			zero.supersededBy = fate.movedTo.map((p) => p.key);
			const stuck = fate.movedTo.find((p) => p.action === 'hold');
			if (!settings.zeroVanished) {
				zero.action = 'hold';
				zero.reason = `superseded: its products now bill to ${describe(fate.movedTo)}, and Zero Vanished Pairs is off, so the old pair would bill too; approve to zero it`;
			} else if (stuck) {
				zero.action = 'hold';
				zero.reason = `superseded: its products now bill to ${describe(fate.movedTo)}, which is held for review; approve it together with that pair`;
			}
		}
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
	const massive =
		settings.massZero.hold && tooManyZeroes(zeroes.length, ledgerSize, settings.massZero);
	for (const zero of zeroes) {
		if (zero.action === 'hold') continue;
		const approval = approvalOf(zero.key, 0, state, settings.approvals);
		const reason = massive
			? `${zeroes.length} of the ${ledgerSize} remembered pairs would be zeroed in one run, more than ${settings.massZero.maxSharePercent}% or ${settings.massZero.maxPairs} pairs`
			: guardReason(zero.previousCount, 0, settings.guard);
		if (reason && !approval) {
			zero.action = 'hold';
			zero.reason = `${zero.supersededBy ? 'superseded, ' : ''}zeroing: ${reason}`;
		} else if (reason) {
			zero.approved = approval;
		}
	}
	if (massive) {
		notes.push(
			`${zeroes.length} zeroes were sent to Held for Review (more than ${settings.massZero.maxSharePercent}% of the ledger or ${settings.massZero.maxPairs} pairs). Approve them with Billing Safety > Approve Held Pairs if they are right.`,
		);
	}
	pairs.push(...zeroes);
	return { pairs, itemFailures, notes, zeroing, ledgerSize, keptMissing };
}

export type PairOutcome =
	| 'pushed'
	| 'zeroed'
	| 'unchanged'
	| 'dry_run'
	| 'not_mapped'
	| 'failed'
	| 'held';

export interface PairResult {
	pair: PlannedPair;
	outcome: PairOutcome;
	httpStatus: number | null;
	reason?: string;
	at: string;
	/** A dry run's forecast (nothing was sent): the audit status stays `dry_run`. */
	predicted?: boolean;
}

/** What Push needs from the Gradient client (the real one, or a stand-in in unit tests). */
export interface CountClient {
	pushCount(
		serviceId: string,
		accountId: string,
		unitCount: number,
		noBuild: boolean,
		itemIndex?: number,
	): Promise<CountResult>;
	halt?(error: Error): void;
}

export interface RebuildReport {
	status: 'sent' | 'none' | 'failed' | 'stopped' | 'dry_run';
	key?: string;
	reason?: string;
}

export interface RunReport {
	results: PairResult[];
	/** The 401/403 that stopped the run, if any. */
	stopped?: Error;
	rebuild: RebuildReport;
}

export interface RunSettings {
	dryRun: boolean;
	concurrency: number;
	now?: () => string;
	/** How many successful pairs may be tried for the one rebuild call. */
	rebuildTries?: number;
}

/** The reason on a Not Mapped item: Gradient's own words, and what the MSP does about it. */
export function notMappedReason(
	status: number | null,
	message?: string,
	previousCount: number | null = null,
): string {
	const said = message?.trim() ? `: ${message.trim()}` : '';
	if (previousCount !== null) {
		return `Gradient accepted this pair before (last count ${previousCount}) but now answers ${status ?? 404}${said}. Its count there is kept in the ledger (Gradient may still bill it); check the mapping of this account and service in Synthesize. The next run pushes it again, and zeroes it once it is proven gone.`;
	}
	return `Not mapped in Gradient yet (${status ?? 404}${said}). Map this account and service in Synthesize; the next run pushes it.`;
}

/**
 * Sends the plan: every count with no_build=true, concurrently (the transport paces them),
 * then, once every retry has settled, one successful pair again without no_build so Gradient
 * rebuilds its billing view exactly once. A 401/403 stops everything not yet sent.
 */
export async function runPlan(
	client: CountClient,
	plan: PushPlan,
	settings: RunSettings,
): Promise<RunReport> {
	const now = settings.now ?? (() => new Date().toISOString());
	let stopped: Error | undefined;
	const stoppedResult = (pair: PlannedPair): PairResult => ({
		pair,
		outcome: 'failed',
		httpStatus: failureOf(stopped)?.status ?? null,
		reason: `Not sent: ${reasonOf(stopped)}`,
		at: now(),
	});
	const settle = (pair: PlannedPair): PairResult | undefined => {
		const at = now();
		if (pair.action === 'fail') {
			return { pair, outcome: 'failed', httpStatus: null, reason: pair.reason, at };
		}
		if (pair.action === 'hold') {
			return { pair, outcome: 'held', httpStatus: null, reason: pair.reason, at };
		}
		if (pair.action === 'unchanged') return { pair, outcome: 'unchanged', httpStatus: null, at };
		if (settings.dryRun && pair.accountUnmapped) {
			return {
				pair,
				outcome: 'not_mapped',
				httpStatus: null,
				reason: `Dry run: account ${pair.gradientAccountId} is not mapped to a PSA company in Synthesize yet, so Gradient will refuse this count (${pair.unitCount} licence(s) unbilled). Map the account in Synthesize before the run.`,
				at,
				predicted: true,
			};
		}
		if (settings.dryRun) return { pair, outcome: 'dry_run', httpStatus: null, at };
		return undefined;
	};

	const send = async (pair: PlannedPair): Promise<PairResult> => {
		const settled = settle(pair);
		if (settled) return settled;
		if (stopped) return stoppedResult(pair);
		try {
			const answer = await client.pushCount(
				pair.gradientServiceId,
				pair.gradientAccountId,
				pair.unitCount,
				true,
				pair.items[0],
			);
			const at = now();
			if (answer.outcome === 'not_mapped') {
				return {
					pair,
					outcome: 'not_mapped',
					httpStatus: answer.status,
					reason: notMappedReason(answer.status, answer.message, pair.previousCount),
					at,
				} as PairResult;
			}
			return {
				pair,
				outcome: pair.action === 'zero' ? 'zeroed' : 'pushed',
				httpStatus: answer.status,
				at,
			} as PairResult;
		} catch (error) {
			if (stopsTheRun(error)) {
				if (!stopped) {
					stopped = error as Error;
					client.halt?.(stopped);
				}
				return stoppedResult(pair);
			}
			return {
				pair,
				outcome: 'failed',
				httpStatus: failureOf(error)?.status ?? null,
				reason: reasonOf(error),
				at: now(),
			} as PairResult;
		}
	};

	// Superseded pairs go last: the old pair is zeroed only once its new pair was set, so a
	// count is never billed twice and never dropped between the two.
	const first = plan.pairs.filter((p) => !p.supersededBy || p.action !== 'zero');
	const results = await mapConcurrent(first, settings.concurrency, send);
	const landed = new Set(
		results
			.filter((r) => ['pushed', 'unchanged', 'dry_run'].includes(r.outcome))
			.map((r) => r.pair.key),
	);
	const moved = plan.pairs.filter((p) => p.supersededBy && p.action === 'zero');
	const later = await mapConcurrent(moved, settings.concurrency, async (pair) => {
		const missed = pair.supersededBy!.filter((key) => !landed.has(key));
		if (!missed.length) return await send(pair);
		return {
			pair,
			outcome: 'failed',
			httpStatus: null,
			reason: `Not zeroed: its products now bill to ${missed.join(' and ')}, which was not set this run. It keeps its count in Gradient (and in the ledger) and is zeroed once the new pair is set.`,
			at: now(),
		} as PairResult;
	});
	results.push(...later);

	let rebuild: RebuildReport = { status: settings.dryRun ? 'dry_run' : 'none' };
	const done = results.filter((r) => r.outcome === 'pushed' || r.outcome === 'zeroed');
	if (stopped && done.length) {
		rebuild = {
			status: 'stopped',
			reason:
				'Gradient stopped the run, so no rebuild call was sent; its billing view updates on the next run',
		};
	} else if (!settings.dryRun && done.length) {
		const tries = done.slice(-Math.max(1, settings.rebuildTries ?? 3)).reverse();
		rebuild = { status: 'failed' };
		for (const r of tries) {
			try {
				const answer = await client.pushCount(
					r.pair.gradientServiceId,
					r.pair.gradientAccountId,
					r.pair.unitCount,
					false,
					r.pair.items[0],
				);
				if (answer.outcome === 'pushed') {
					rebuild = { status: 'sent', key: r.pair.key };
					break;
				}
				rebuild = { status: 'failed', key: r.pair.key, reason: answer.message ?? 'not mapped' };
			} catch (error) {
				rebuild = { status: 'failed', key: r.pair.key, reason: reasonOf(error) };
				if (stopsTheRun(error)) {
					stopped = error as Error;
					break;
				}
			}
		}
	}
	return { results, stopped, rebuild };
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
