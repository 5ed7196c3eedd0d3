import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { reasonOf } from '../errors';
import type { ReadState } from '../ledger';
import { STATE_KEY, readOrgState } from '../ledger';
import type { AssignMemory } from './assignMemory';
import { readAssignMemory } from './assignMemory';
import type { MemoryChange } from './changes';
import { metaChange } from './changes';
import { DEFAULT_MEMORY_TABLE, DataTableStore } from './dataTableStore';
import { StaticDataStore } from './staticDataStore';
import type { MemoryStore, MemoryStoreName } from './store';

/** Changes are sent once this many are queued, or this long after the last send. */
export const FLUSH_EVERY = 50;
export const FLUSH_AFTER_MS = 1000;
/** Sends run in the background; past this many changes in flight, recording waits for them. */
export const MAX_IN_FLIGHT = 200;

/**
 * One organization's billing memory, opened once per node execution. `ledger` and `assign`
 * have the shapes of readOrgState and readAssignMemory whatever the store; writes are per entry,
 * queued and sent in the background so the push never waits on its own bookkeeping: a crash
 * loses at most the changes not yet written (up to FLUSH_EVERY queued plus MAX_IN_FLIGHT sent).
 */
export class MemoryHandle {
	private queue: MemoryChange[] = [];

	private lastFlush = Date.now();

	private flushing: Promise<void> = Promise.resolve();

	/** Changes handed to the store and not yet written. */
	private inFlight = 0;

	/** Changes that could not be written, and why (the first reason). */
	unsaved = 0;

	unsavedReason?: string;

	written = 0;

	constructor(
		readonly store: MemoryStore,
		readonly ledger: ReadState,
		readonly assign: AssignMemory,
	) {}

	get storeName(): MemoryStoreName {
		return this.store.name;
	}

	/**
	 * Queues changes; starts a send when the queue is long enough or old enough, without waiting
	 * for it unless too much is already on its way (the store sets the pace then).
	 */
	async record(changes: MemoryChange[]): Promise<void> {
		this.queue.push(...changes);
		if (this.queue.length >= FLUSH_EVERY || Date.now() - this.lastFlush >= FLUSH_AFTER_MS) {
			const sent = this.send();
			if (this.inFlight > MAX_IN_FLIGHT) await sent;
		}
	}

	/**
	 * Writes the meta entry now and throws when it cannot be written: a node that is about to
	 * change Gradient checks first that it will be able to remember what it did.
	 */
	async ensureWritable(ctx: IExecuteFunctions): Promise<void> {
		if (this.store.name !== 'dataTable') return;
		await this.record([metaChange(this.ledger.state.lastRunAt)]);
		await this.flush();
		if (!this.unsaved) return;
		throw new NodeOperationError(
			ctx.getNode(),
			`The billing memory (n8n data table) cannot be written: ${this.unsavedReason ?? 'unknown reason'}`,
			{
				description:
					'Nothing was sent to Gradient. Check the Billing Memory credential (its API key needs the dataTableRow:upsert and dataTableRow:delete scopes) and run again.',
			},
		);
	}

	/** Sends everything queued and waits until all of it is written; never throws. */
	async flush(): Promise<void> {
		await this.send();
	}

	/** Hands the queue to the store, after what is already on its way; never rejects. */
	private send(): Promise<void> {
		const batch = this.queue;
		this.queue = [];
		this.lastFlush = Date.now();
		this.inFlight += batch.length;
		// One send at a time, in order, so a later change to an entry never lands first.
		const run = this.flushing.then(async () => {
			if (!batch.length) return;
			try {
				await this.store.write(batch);
				this.written += batch.length;
			} catch (error) {
				const unsaved = (error as { unsaved?: number }).unsaved ?? batch.length;
				this.unsaved += unsaved;
				this.written += batch.length - unsaved;
				this.unsavedReason ??= reasonOf(error);
			} finally {
				this.inFlight -= batch.length;
			}
		});
		this.flushing = run;
		return run;
	}
}

/** Which memory the node's "Billing Memory" parameter selects. */
export function memoryChoice(ctx: IExecuteFunctions): { store: MemoryStoreName; table: string } {
	const store = ctx.getNodeParameter('memory', 0, 'staticData') as MemoryStoreName;
	const raw = store === 'dataTable' ? ctx.getNodeParameter('memoryTable', 0, '') : '';
	const table = typeof raw === 'string' && raw.trim() ? raw.trim() : DEFAULT_MEMORY_TABLE;
	return { store: store === 'dataTable' ? 'dataTable' : 'staticData', table };
}

/**
 * The door to the billing memory of one Gradient organization. Reading a data table that cannot
 * be reached throws (nothing is sent on a memory that cannot be read or written).
 */
export async function openMemory(
	ctx: IExecuteFunctions,
	organizationId: string,
): Promise<MemoryHandle> {
	const choice = memoryChoice(ctx);
	const store: MemoryStore =
		choice.store === 'dataTable'
			? new DataTableStore(ctx, organizationId, choice.table)
			: new StaticDataStore(ctx, organizationId);
	const raw = await store.read();
	const view: IDataObject = raw ? { [STATE_KEY]: { [organizationId]: raw } } : {};
	return new MemoryHandle(
		store,
		readOrgState(view, organizationId),
		readAssignMemory(view, organizationId),
	);
}
