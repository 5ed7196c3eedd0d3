import type { IDataObject } from 'n8n-workflow';

import type { OrgState } from '../ledger';
import { LEDGER_VERSION } from '../ledger';
import type { AssignMemory } from './assignMemory';

/**
 * One entry of the billing memory, as the stores keep it: a ledger pair, a held pair, a sent
 * alert, an aligned or adopted account, or the ledger's meta (version, last run). A change
 * with value null removes the entry. Writes are per entry, so two runs never wipe each other.
 */
export type MemoryKind = 'pair' | 'held' | 'alert' | 'approval' | 'aligned' | 'adopted' | 'meta';

export interface MemoryChange {
	kind: MemoryKind;
	key: string;
	value: IDataObject | null;
}

/** The one meta entry: the ledger's version and when Push last ran. */
export const META_KEY = 'ledger';

/** Where each kind lives inside one organization's object in static data. */
export const SECTION: Record<Exclude<MemoryKind, 'meta'>, string> = {
	pair: 'pairs',
	held: 'held',
	alert: 'alerts',
	approval: 'approvalsUsed',
	aligned: 'aligned',
	adopted: 'adopted',
};

/** A pair's JSON without its time: a count pushed again unchanged is not a change to store. */
function sameExceptAt(kind: MemoryKind, a: unknown, b: unknown): boolean {
	if (kind !== 'pair' || !a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
	return JSON.stringify({ ...a, at: '' }) === JSON.stringify({ ...b, at: '' });
}

function diffMap(
	kind: MemoryKind,
	before: Record<string, unknown>,
	after: Record<string, unknown>,
): MemoryChange[] {
	const out: MemoryChange[] = [];
	for (const [key, value] of Object.entries(after)) {
		if (sameExceptAt(kind, before[key], value)) continue;
		if (JSON.stringify(before[key]) !== JSON.stringify(value)) {
			out.push({ kind, key, value: value as IDataObject });
		}
	}
	for (const key of Object.keys(before)) {
		if (!(key in after)) out.push({ kind, key, value: null });
	}
	return out;
}

/** The per-entry changes that turn one ledger state into another (pairs, held, alerts, spent approvals, meta). */
export function ledgerChanges(before: OrgState, after: OrgState): MemoryChange[] {
	const changes = [
		...diffMap('pair', before.pairs, after.pairs),
		...diffMap('held', before.held, after.held),
		...diffMap('alert', before.alerts, after.alerts),
		...diffMap('approval', before.approvalsUsed ?? {}, after.approvalsUsed ?? {}),
	];
	if (before.version !== after.version || before.lastRunAt !== after.lastRunAt) {
		changes.push(metaChange(after.lastRunAt));
	}
	return changes;
}

/** The per-entry changes of Assign Customer's memory. */
export function assignChanges(before: AssignMemory, after: AssignMemory): MemoryChange[] {
	return [
		...diffMap('aligned', before.aligned, after.aligned),
		...diffMap('adopted', before.adopted, after.adopted),
	];
}

export function metaChange(lastRunAt?: string): MemoryChange {
	return {
		kind: 'meta',
		key: META_KEY,
		value: { version: LEDGER_VERSION, ...(lastRunAt ? { lastRunAt } : {}) },
	};
}

/** Applies changes to one organization's raw object (as static data would hold it), in place. */
export function applyChanges(org: IDataObject, changes: MemoryChange[]): IDataObject {
	for (const c of changes) {
		if (c.kind === 'meta') {
			if (c.value) Object.assign(org, c.value);
			continue;
		}
		const name = SECTION[c.kind];
		const section = (org[name] ?? {}) as IDataObject;
		if (c.value === null) delete section[c.key];
		else section[c.key] = c.value;
		org[name] = section;
	}
	return org;
}
