import type { IDataObject } from 'n8n-workflow';

import type { WalkStamp } from './walk';
import { pairKey } from './walk';

/**
 * The ledger: what Push Billable last sent to Gradient, per Gradient organization, in global
 * workflow static data. Gradient cannot read counts back, so this is the only "previous count".
 * Everything here is a pure function over plain objects; the node reads and writes static data.
 */

/** Key of this package's state in global workflow static data. */
export const STATE_KEY = 'mailprotectorGradient';

export const LEDGER_VERSION = 1;

/** One (account, service) pair as last pushed. */
export interface LedgerPair {
	count: number;
	customerId: string;
	customerName: string;
	products: string[];
	at: string;
	/** The (customer, product) pair keys behind the count, when more than one customer fed it. */
	sources?: string[];
}

/** A pair the guard held back instead of pushing; it waits for an approval. */
export interface HeldPair {
	count: number;
	previousCount: number | null;
	customerId: string;
	customerName: string;
	products: string[];
	gradientAccountId: string;
	gradientServiceId: string;
	reason: string;
	/** When it was first held (approvals "held before a date" compare with this). */
	at: string;
}

/** An alert already sent, so a re-run does not open the same ticket again. */
export interface SentAlert {
	at: string;
	accountId: string;
	messageId?: string | null;
	title?: string;
}

/** An Approve Held Pairs key that has released a held change: it is spent until removed. */
export interface UsedApproval {
	count: number;
	at: string;
}

/** The state of one Gradient organization; keys this package does not know are kept. */
export interface OrgState {
	version: number;
	lastRunAt?: string;
	pairs: Record<string, LedgerPair>;
	held: Record<string, HeldPair>;
	alerts: Record<string, SentAlert>;
	/** Approval keys already used, so a key left in the option does not approve the next change. */
	approvalsUsed?: Record<string, UsedApproval>;
	/** Entries this code could not read: written back in place unless replaced, never used. */
	unreadableEntries?: { pairs?: Record<string, unknown>; held?: Record<string, unknown> };
	[other: string]: unknown;
}

/**
 * 'ok': a ledger with pairs. 'empty': a ledger without pairs. 'missing': no ledger for this
 * organization (first run, or static data lost). 'unreadable': a ledger this code cannot read.
 */
export type LedgerHealth = 'ok' | 'empty' | 'missing' | 'unreadable';

export interface ReadState {
	state: OrgState;
	health: LedgerHealth;
	/** Ledger entries that could not be read: kept as they are, reported in a hint. */
	unreadable?: string[];
}

export function ledgerKey(gradientAccountId: string, gradientServiceId: string): string {
	return `${gradientAccountId}|${gradientServiceId}`;
}

/** Splits at the last '|': Gradient's service ids never hold one; an account id might. */
export function splitLedgerKey(key: string): {
	gradientAccountId: string;
	gradientServiceId: string;
} {
	const at = key.lastIndexOf('|');
	if (at < 0) return { gradientAccountId: key, gradientServiceId: '' };
	return { gradientAccountId: key.slice(0, at), gradientServiceId: key.slice(at + 1) };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** A deep plain copy (static data arrives wrapped in n8n's change-tracking proxies). */
function plain<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function strings(value: unknown): string[] {
	return Array.isArray(value) ? value.map(String) : [];
}

/** A stored count: a number, or numeric text (hand-edited static data, an older version). */
function storedCount(value: unknown): number | undefined {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)
				? Number(value)
				: NaN;
	return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function readPair(value: unknown): LedgerPair | undefined {
	if (!isObject(value)) return undefined;
	const count = storedCount(value.count);
	if (count === undefined) return undefined;
	const pair: LedgerPair = {
		count,
		customerId: String(value.customerId ?? ''),
		customerName: String(value.customerName ?? ''),
		products: strings(value.products),
		at: String(value.at ?? ''),
	};
	if (Array.isArray(value.sources) && value.sources.length) pair.sources = strings(value.sources);
	return pair;
}

function readHeld(value: unknown): HeldPair | undefined {
	if (!isObject(value)) return undefined;
	const count = storedCount(value.count);
	if (count === undefined) return undefined;
	return {
		count,
		previousCount: storedCount(value.previousCount) ?? null,
		customerId: String(value.customerId ?? ''),
		customerName: String(value.customerName ?? ''),
		products: strings(value.products),
		gradientAccountId: String(value.gradientAccountId ?? ''),
		gradientServiceId: String(value.gradientServiceId ?? ''),
		reason: String(value.reason ?? ''),
		at: String(value.at ?? ''),
	};
}

function readMap<T>(
	value: unknown,
	read: (v: unknown) => T | undefined,
	unreadable?: Record<string, unknown>,
): Record<string, T> {
	const out: Record<string, T> = {};
	if (!isObject(value)) return out;
	for (const [key, entry] of Object.entries(value)) {
		const parsed = read(entry);
		if (parsed !== undefined) out[key] = parsed;
		else if (unreadable) unreadable[key] = entry;
	}
	return out;
}

function readUsed(value: unknown): UsedApproval | undefined {
	if (!isObject(value)) return undefined;
	const count = storedCount(value.count);
	return count === undefined ? undefined : { count, at: String(value.at ?? '') };
}

function shown(value: unknown): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function emptyState(): OrgState {
	return { version: LEDGER_VERSION, pairs: {}, held: {}, alerts: {} };
}

/** Reads one organization's state as a plain copy; unknown keys are carried along. */
export function readOrgState(staticData: IDataObject, organizationId: string): ReadState {
	const root = staticData[STATE_KEY];
	const raw = isObject(root) ? root[organizationId] : undefined;
	if (!isObject(raw)) return { state: emptyState(), health: 'missing' };
	const copy = plain(raw);
	if (copy.version === undefined && copy.pairs === undefined) {
		// Another node's memory (e.g. Assign's `aligned`) lives here, but no ledger yet.
		return { state: { ...copy, ...emptyState() }, health: 'missing' };
	}
	if (copy.version !== LEDGER_VERSION) {
		// A ledger from another version is not guessed at: it is kept aside, never read.
		return {
			state: { ...emptyState(), [`unreadable_v${String(copy.version)}`]: copy },
			health: 'unreadable',
		};
	}
	const badPairs: Record<string, unknown> = {};
	const badHeld: Record<string, unknown> = {};
	const state: OrgState = {
		...copy,
		version: LEDGER_VERSION,
		lastRunAt: typeof copy.lastRunAt === 'string' ? copy.lastRunAt : undefined,
		pairs: readMap(copy.pairs, readPair, badPairs),
		held: readMap(copy.held, readHeld, badHeld),
		approvalsUsed: readMap(copy.approvalsUsed, readUsed),
		alerts: readMap(copy.alerts, (v) =>
			isObject(v)
				? ({
						at: String(v.at ?? ''),
						accountId: String(v.accountId ?? ''),
						messageId: typeof v.messageId === 'string' ? v.messageId : null,
						title: typeof v.title === 'string' ? v.title : undefined,
					} as SentAlert)
				: undefined,
		),
	};
	if (state.lastRunAt === undefined) delete state.lastRunAt;
	delete state.unreadableEntries;
	const unreadable = [
		...Object.entries(badPairs).map(([k, v]) => `pairs["${k}"] = ${shown(v)}`),
		...Object.entries(badHeld).map(([k, v]) => `held["${k}"] = ${shown(v)}`),
	];
	if (unreadable.length) state.unreadableEntries = { pairs: badPairs, held: badHeld };
	const health = Object.keys(state.pairs).length || unreadable.length ? 'ok' : 'empty';
	return unreadable.length ? { state, health, unreadable } : { state, health };
}

/**
 * Writes one organization's state back. The top-level key is re-assigned (not mutated in
 * place), so n8n's change tracking sees it; other organizations and unknown keys are kept.
 */
export function writeOrgState(
	staticData: IDataObject,
	organizationId: string,
	state: OrgState,
): void {
	const root = isObject(staticData[STATE_KEY]) ? plain(staticData[STATE_KEY] as IDataObject) : {};
	staticData[STATE_KEY] = { ...root, [organizationId]: storable(state) };
}

/** The state as stored: unreadable entries go back where they were, unless a run replaced them. */
export function storable(state: OrgState): IDataObject {
	const { unreadableEntries, ...rest } = plain(state);
	const out = rest as OrgState;
	for (const map of ['pairs', 'held'] as const) {
		for (const [key, raw] of Object.entries(unreadableEntries?.[map] ?? {})) {
			if (!(key in out[map])) (out[map] as Record<string, unknown>)[key] = raw;
		}
	}
	return out as unknown as IDataObject;
}

/** The (customer, product) keys that fed a remembered pair. */
export function sourcesOf(pair: LedgerPair): string[] {
	return pair.sources?.length
		? pair.sources
		: pair.products.map((product) => pairKey(pair.customerId, product));
}

export function splitSource(source: string): { customerId: string; product: string } {
	const at = source.indexOf('::');
	return at < 0
		? { customerId: source, product: '' }
		: { customerId: source.slice(0, at), product: source.slice(at + 2) };
}

/** What one walk contributed to this run's input. */
export interface WalkSeen {
	stamp: WalkStamp;
	/** Items received that carry this walk. */
	received: number;
	/** Index of the first such item (a zeroed pair's pairedItem points at its proof). */
	firstItem: number;
	/** customerId -> index of the customer's first item in this walk. */
	customers: Map<string, number>;
	/** Customers known to the walk only through diverted pairs. */
	divertedCustomers: Set<string>;
	/** Union of the diverted pair keys over every item of this walk. */
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
			present.add(pairKey(item.customerId, item.product));
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

/** A remembered pair is gone only when every source behind it is proven gone. */
export function provePairGone(
	pair: LedgerPair,
	summary: WalkSummary,
	usable: WalkSeen[],
): number | undefined {
	const sources = sourcesOf(pair);
	if (!sources.length) return undefined;
	let proof: number | undefined;
	for (const source of sources) {
		const at = proveSourceGone(source, summary, usable);
		if (at === undefined) return undefined;
		proof ??= at;
	}
	return proof;
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

/** What happened to one pair this run, as far as the ledger cares. */
export interface LedgerOutcome {
	key: string;
	outcome: 'pushed' | 'zeroed' | 'unchanged' | 'not_mapped' | 'failed' | 'held';
	count: number;
	previousCount: number | null;
	customerId: string;
	customerName: string;
	products: string[];
	sources: string[];
	reason?: string;
	at: string;
}

/**
 * The ledger after a run. Pushed pairs take their new count; zeroed pairs are forgotten; a 404
 * keeps what Gradient accepted before (it still bills it), as does a failure; held pairs are
 * recorded until approved and pushed, their time reset when the held count changes.
 */
export function applyOutcomes(state: OrgState, outcomes: LedgerOutcome[], now: string): OrgState {
	const pairs = { ...state.pairs };
	const held = { ...state.held };
	for (const o of outcomes) {
		const { gradientAccountId, gradientServiceId } = splitLedgerKey(o.key);
		switch (o.outcome) {
			case 'pushed': {
				const entry: LedgerPair = {
					count: o.count,
					customerId: o.customerId,
					customerName: o.customerName,
					products: o.products,
					at: o.at,
				};
				const customers = new Set(o.sources.map((s) => splitSource(s).customerId));
				if (customers.size > 1) entry.sources = o.sources;
				pairs[o.key] = entry;
				delete held[o.key];
				break;
			}
			case 'unchanged':
				if (pairs[o.key]) {
					pairs[o.key] = { ...pairs[o.key], customerName: o.customerName, products: o.products };
				}
				delete held[o.key];
				break;
			case 'zeroed':
				delete pairs[o.key];
				delete held[o.key];
				break;
			case 'held':
				held[o.key] = {
					count: o.count,
					previousCount: o.previousCount,
					customerId: o.customerId,
					customerName: o.customerName,
					products: o.products,
					gradientAccountId,
					gradientServiceId,
					reason: o.reason ?? '',
					// When this change was first held: a new count is a new change to review.
					at: (held[o.key]?.count === o.count && held[o.key]?.at) || o.at,
				};
				break;
			case 'not_mapped':
			case 'failed':
				break;
		}
	}
	return { ...state, version: LEDGER_VERSION, lastRunAt: now, pairs, held };
}
