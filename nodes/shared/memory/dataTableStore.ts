import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { LEDGER_VERSION } from '../ledger';
import { mapConcurrent } from '../pacing';
import { N8nDataTableClient } from '../n8n/client';
import type { DataTable, RowFilter } from '../n8n/schemas';
import type { MemoryChange, MemoryKind } from './changes';
import { SECTION } from './changes';
import type { MemoryStore } from './store';

export const DEFAULT_MEMORY_TABLE = 'mailprotector_gradient_memory';

/** The table's columns: all strings; `value` is the entry as JSON text, `at` when it was written. */
export const MEMORY_COLUMNS = ['org', 'kind', 'key', 'value', 'at'] as const;

const KINDS = new Set<MemoryKind>([
	'pair',
	'held',
	'alert',
	'approval',
	'aligned',
	'adopted',
	'meta',
]);

/** Rows per insert call: new entries go in bulk (one call for many pairs), not one upsert each. */
const INSERT_BATCH = 500;

const entry = (kind: string, key: string) => `${kind}\u0000${key}`;

function eq(columnName: string, value: string): RowFilter['filters'][number] {
	return { columnName, condition: 'eq', value };
}

/**
 * An n8n data table reached through n8n's public API with the Billing Memory credential. Each
 * entry is one row (org, kind, key), written at once with an upsert, so a run that dies half-way
 * keeps what it wrote, and two overlapping runs only ever replace the same entries.
 */
export class DataTableStore implements MemoryStore {
	/** Entries that have a row (read at the start, or inserted since): changed with an upsert. */
	private readonly known = new Set<string>();

	readonly name = 'dataTable' as const;

	readonly client: N8nDataTableClient;

	get label(): string {
		return `n8n data table "${this.tableName}"`;
	}

	private table?: DataTable;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly organizationId: string,
		readonly tableName: string,
	) {
		this.client = new N8nDataTableClient(ctx);
	}

	/** The memory table, created (with its five string columns) when it does not exist yet. */
	private async resolveTable(): Promise<{ table: DataTable; created: boolean }> {
		if (this.table) return { table: this.table, created: false };
		let created = false;
		let found = await this.client.findTables(this.tableName);
		if (found.length === 0) {
			const made = await this.client.createTable(
				this.tableName,
				MEMORY_COLUMNS.map((name) => ({ name, type: 'string' as const })),
			);
			if (made !== 'exists') {
				found = [made];
				created = true;
			} else {
				// Another run created it at the same moment.
				found = await this.client.findTables(this.tableName);
			}
		}
		const node = this.ctx.getNode();
		if (found.length !== 1) {
			throw new NodeOperationError(
				node,
				found.length
					? `${found.length} n8n data tables are named "${this.tableName}" and visible to the Billing Memory API key`
					: `The memory table "${this.tableName}" could not be found or created`,
				{
					description: found.length
						? 'Each billing memory needs one table: rename the others, or set Memory Table to a name of its own.'
						: 'Check that the API key may create data tables (scope dataTable:create).',
				},
			);
		}
		const table = found[0];
		const names = new Set(table.columns.map((c) => c.name));
		const missing = MEMORY_COLUMNS.filter((c) => !names.has(c));
		if (missing.length) {
			throw new NodeOperationError(
				node,
				`The memory table "${this.tableName}" lacks the column(s) ${missing.join(', ')}`,
				{
					description: `It needs the string columns ${MEMORY_COLUMNS.join(', ')}. Set Memory Table to a new name (the node creates it) or add the columns in n8n.`,
				},
			);
		}
		this.table = table;
		return { table, created };
	}

	private filterFor(kind: MemoryKind, key: string): RowFilter {
		return {
			type: 'and',
			filters: [eq('org', this.organizationId), eq('kind', kind), eq('key', key)],
		};
	}

	async read(): Promise<IDataObject | undefined> {
		const { table, created } = await this.resolveTable();
		if (created) return undefined;
		const rows = await this.client.listRows(table.id, {
			type: 'and',
			filters: [eq('org', this.organizationId)],
		});
		if (!rows.length) return undefined;
		// Rows come in id order: a later row for the same entry wins (a duplicate, never expected).
		const org: IDataObject = {};
		let ledgerRows = false;
		let unreadable = 0;
		for (const row of rows) {
			const kind = row.kind as MemoryKind;
			if (!KINDS.has(kind) || typeof row.key !== 'string') continue;
			this.known.add(entry(kind, row.key));
			let value: unknown;
			try {
				value = JSON.parse(String(row.value));
			} catch {
				unreadable++;
				continue;
			}
			if (kind === 'meta') {
				if (value && typeof value === 'object') Object.assign(org, value);
				continue;
			}
			if (kind === 'pair' || kind === 'held' || kind === 'alert') ledgerRows = true;
			const name = SECTION[kind];
			const section = (org[name] ?? {}) as IDataObject;
			section[row.key] = value as IDataObject;
			org[name] = section;
		}
		if (unreadable) org.unreadableRows = unreadable;
		// Entries without the meta row (a first run that died before writing it) are this version's.
		if (org.version === undefined && ledgerRows) org.version = LEDGER_VERSION;
		if (ledgerRows || org.version !== undefined) {
			org.pairs ??= {};
			org.held ??= {};
			org.alerts ??= {};
		}
		return org;
	}

	/**
	 * Writes the changes: entries new to the table in bulk inserts (a first run's thousands of
	 * pairs in a few calls), changed ones with an upsert each, removed ones with a delete.
	 */
	async write(changes: MemoryChange[]): Promise<void> {
		if (!changes.length) return;
		const { table } = await this.resolveTable();
		const at = new Date().toISOString();
		const row = (c: MemoryChange) => ({
			org: this.organizationId,
			kind: c.kind,
			key: c.key,
			value: JSON.stringify(c.value),
			at,
		});
		const fresh = changes.filter((c) => c.value !== null && !this.known.has(entry(c.kind, c.key)));
		const rest = changes.filter((c) => !fresh.includes(c));
		let unsaved = 0;
		let first: Error | undefined;
		const fail = (error: unknown, count: number) => {
			unsaved += count;
			first ??= error as Error;
		};
		for (let i = 0; i < fresh.length; i += INSERT_BATCH) {
			const batch = fresh.slice(i, i + INSERT_BATCH);
			try {
				await this.client.insertRows(table.id, batch.map(row));
				for (const c of batch) this.known.add(entry(c.kind, c.key));
			} catch (error) {
				fail(error, batch.length);
			}
		}
		await mapConcurrent(rest, this.client.concurrency, async (c) => {
			try {
				const filter = this.filterFor(c.kind, c.key);
				if (c.value === null) {
					await this.client.deleteRows(table.id, filter);
					this.known.delete(entry(c.kind, c.key));
					return;
				}
				await this.client.upsertRow(table.id, filter, row(c));
			} catch (error) {
				fail(error, 1);
			}
		});
		if (first) {
			(first as Error & { unsaved?: number }).unsaved = unsaved;
			throw first;
		}
	}
}
