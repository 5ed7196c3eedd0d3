import type { IDataObject } from 'n8n-workflow';

import { sourceKey } from './walkStamp';

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
	/** The (customer, product) source keys behind the count, when more than one customer fed it. */
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
		: pair.products.map((product) => sourceKey(pair.customerId, product));
}

export function splitSource(source: string): { customerId: string; product: string } {
	const at = source.indexOf('::');
	return at < 0
		? { customerId: source, product: '' }
		: { customerId: source.slice(0, at), product: source.slice(at + 2) };
}
