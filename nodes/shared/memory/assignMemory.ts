/**
 * Assign Customer's memory, in global workflow static data beside Push's ledger:
 * `mailprotectorGradient.<organizationId>.aligned` and `.adopted`. Only these two sub-keys are
 * read or written here, so the ledger's keys under the same organization are never touched.
 */
import type { IDataObject } from 'n8n-workflow';

import { STATE_KEY } from '../ledger';

/** An account renamed to a PSA client's spelling, kept while the customer's name is unchanged. */
export interface AlignedEntry {
	customerName: string;
	accountName: string;
	clientId?: string;
	at?: string;
}

/** An existing account adopted by name (made by Mailprotector's own integration). */
export interface AdoptedEntry {
	accountId: string;
	customerName: string;
	at?: string;
}

export interface AssignMemory {
	aligned: Record<string, AlignedEntry>;
	adopted: Record<string, AdoptedEntry>;
}

function isObject(value: unknown): value is IDataObject {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

function plain<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** A copy of the memory for one Gradient organization (empty when there is none). */
export function readAssignMemory(staticData: IDataObject, organizationId: string): AssignMemory {
	const root = staticData[STATE_KEY];
	const org = isObject(root) ? root[organizationId] : undefined;
	const aligned = isObject(org) && isObject(org.aligned) ? org.aligned : {};
	const adopted = isObject(org) && isObject(org.adopted) ? org.adopted : {};
	return plain({ aligned, adopted }) as AssignMemory;
}

/**
 * Writes the two sub-keys and leaves every sibling key (the ledger's) as it was. The top-level
 * key is re-assigned, as the ledger does, so n8n's change tracking sees it; nothing is written
 * when nothing changed, so n8n does not save static data for nothing.
 */
export function writeAssignMemory(
	staticData: IDataObject,
	organizationId: string,
	memory: AssignMemory,
): void {
	const before = readAssignMemory(staticData, organizationId);
	if (JSON.stringify(before) === JSON.stringify(memory)) return;
	const root = isObject(staticData[STATE_KEY]) ? plain(staticData[STATE_KEY] as IDataObject) : {};
	const org = isObject(root[organizationId]) ? (root[organizationId] as IDataObject) : {};
	staticData[STATE_KEY] = {
		...root,
		[organizationId]: { ...org, ...(plain(memory) as unknown as IDataObject) },
	};
}
