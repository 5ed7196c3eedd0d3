import type { IDataObject } from 'n8n-workflow';

import { ApiClient } from '../apiClient';
import type { Call, RequestContext, TransportSettings } from '../transport';
import type { ColumnType, DataTable, DataTableRow, RowFilter } from './schemas';
import { dataTableListSchema, dataTableRowListSchema, dataTableSchema } from './schemas';

const API = '/api/v1/data-tables';

/** n8n's own API on this deployment: no published limit, local, so a short even pace is enough. */
export const N8N_DEFAULTS: TransportSettings = {
	requestsPerSecond: 200,
	concurrency: 8,
	maxRetries: 4,
	retryBaseMs: 250,
	retryMaxMs: 10_000,
	retryAfterCapMs: 30_000,
	timeoutMs: 30_000,
};

/** The largest page n8n serves (MAX_ITEMS_PER_PAGE); a bigger limit is cut down to it. */
export const PAGE_LIMIT = 250;

/**
 * A path with its query already encoded. n8n's API refuses a query value holding a reserved
 * character (":" "," ...) that is not percent-encoded, and axios leaves those raw in `qs`.
 */
function withQuery(path: string, query: Record<string, string | number | undefined>): string {
	const text = Object.entries(query)
		.filter(([, v]) => v !== undefined)
		.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
		.join('&');
	return `${path}?${text}`;
}

/** Typed calls to n8n's public data-table API over the shared transport. */
export class N8nDataTableClient extends ApiClient {
	constructor(ctx: RequestContext, settings: Partial<TransportSettings> = {}) {
		super(ctx, 'n8n', 'mailprotectorGradientMemoryApi', { ...N8N_DEFAULTS, ...settings });
	}

	/**
	 * Tables whose name is exactly `name`. n8n's name filter matches a substring without regard to
	 * case, so the exact name is picked here; every page is read.
	 */
	async findTables(name: string): Promise<DataTable[]> {
		const found: DataTable[] = [];
		let cursor: string | undefined;
		for (let page = 0; page < 1000; page++) {
			const query = cursor ? { cursor } : { limit: PAGE_LIMIT, filter: JSON.stringify({ name }) };
			const call: Call = { method: 'GET', path: withQuery(API, query) };
			const list = await this.fetch(call, dataTableListSchema);
			found.push(...list.data.filter((t) => t.name === name));
			if (!list.nextCursor) break;
			cursor = list.nextCursor;
		}
		return found;
	}

	/** Creates a table in the key owner's personal project (201); 409 when the name is taken. */
	async createTable(
		name: string,
		columns: Array<{ name: string; type: ColumnType }>,
	): Promise<DataTable | 'exists'> {
		const call: Call = {
			method: 'POST',
			path: API,
			body: { name, columns },
			accept: [409],
			// A retried create after a lost answer would hit 409: the caller re-reads by name.
			idempotent: false,
		};
		const answer = await this.send(call);
		if (answer.status === 409) return 'exists';
		return this.parse(call, dataTableSchema, answer.body);
	}

	/** Every row matching the filter, page by page. */
	async listRows(tableId: string, filter: RowFilter): Promise<DataTableRow[]> {
		const rows: DataTableRow[] = [];
		let cursor: string | undefined;
		const path = `${API}/${encodeURIComponent(tableId)}/rows`;
		for (let page = 0; page < 100_000; page++) {
			// No sortBy: n8n orders rows by id, so later rows (newer writes) come last.
			const query = cursor ? { cursor } : { limit: PAGE_LIMIT, filter: JSON.stringify(filter) };
			const call: Call = { method: 'GET', path: withQuery(path, query) };
			const list = await this.fetch(call, dataTableRowListSchema);
			rows.push(...list.data);
			if (!list.nextCursor) break;
			cursor = list.nextCursor;
		}
		return rows;
	}

	/** Inserts rows in one call; answers how many n8n stored. */
	async insertRows(tableId: string, rows: IDataObject[]): Promise<void> {
		await this.send({
			method: 'POST',
			path: `${API}/${encodeURIComponent(tableId)}/rows`,
			body: { data: rows, returnType: 'count' },
		});
	}

	/** Updates the rows matching the filter, or inserts `data` when none does. */
	async upsertRow(tableId: string, filter: RowFilter, data: IDataObject): Promise<void> {
		await this.send({
			method: 'POST',
			path: `${API}/${encodeURIComponent(tableId)}/rows/upsert`,
			body: { filter, data, returnData: false },
		});
	}

	/** Updates the rows matching the filter (none matching is not an error). */
	async updateRows(tableId: string, filter: RowFilter, data: IDataObject): Promise<void> {
		await this.send({
			method: 'PATCH',
			path: `${API}/${encodeURIComponent(tableId)}/rows/update`,
			body: { filter, data, returnData: false },
		});
	}

	/** Deletes the rows matching the filter (n8n requires one: it never clears a table here). */
	async deleteRows(tableId: string, filter: RowFilter): Promise<void> {
		await this.send({
			method: 'DELETE',
			path: withQuery(`${API}/${encodeURIComponent(tableId)}/rows/delete`, {
				filter: JSON.stringify(filter),
			}),
		});
	}
}
