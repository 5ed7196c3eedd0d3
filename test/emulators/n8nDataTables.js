'use strict';
/**
 * Emulates n8n's public data-table API (n8n 2.41.1, public-api/v1/openapi.yml and the handlers
 * in dist/public-api/v1/handlers/data-tables): the X-N8N-API-KEY header (401 without a valid
 * key, 403 without the route's scope), offset pages behind a base64 `nextCursor` (limit 100 by
 * default, at most 250), the table-name filter (a substring, without regard to case), row filters
 * (and/or of eq, neq, like, ilike, gt, gte, lt, lte; unknown column -> 400), upsert, update,
 * delete with a required filter, 404 for an unknown table and 409 for a taken name.
 *
 *   const n8n = await startN8nDataTables({ apiKey: 'n8n-test-key' });
 *   fetch(`${n8n.url}/api/v1/data-tables`, { headers: { 'X-N8N-API-KEY': n8n.apiKey } })
 *
 * Admin routes (no auth, not logged): GET /__state. Keys never reach the log (headers off).
 */

const { startEmulatorServer } = require('./server');

const PREFIX = '/api/v1/data-tables';
const MAX_LIMIT = 250;
const COLUMN_RE = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const TYPES = new Set(['string', 'number', 'boolean', 'date']);
const CONDITIONS = new Set(['eq', 'neq', 'like', 'ilike', 'gt', 'gte', 'lt', 'lte']);

/** Every scope a data-table route needs (n8n's x-required-scope). */
const ALL_SCOPES = [
	'dataTable:list',
	'dataTable:create',
	'dataTable:read',
	'dataTableRow:read',
	'dataTableRow:create',
	'dataTableRow:update',
	'dataTableRow:upsert',
	'dataTableRow:delete',
];

const PROJECT_ID = 'PersonalProj0001';

function nanoid(n) {
	const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	let out = '';
	for (let i = 0; i < n; i++) out += chars[Math.floor(Math.random() * chars.length)];
	return out;
}

const encodeCursor = (limit, offset, total) =>
	total > offset + limit
		? Buffer.from(JSON.stringify({ limit, offset: offset + limit })).toString('base64')
		: null;

function likeToRegExp(pattern, flags) {
	const withWildcards = pattern.includes('%') ? pattern : `%${pattern}%`;
	const escaped = withWildcards.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*');
	return new RegExp(`^${escaped}$`, flags);
}

function matches(row, filter) {
	if (!filter || !filter.filters.length) return true;
	const test = (f) => {
		const v = row[f.columnName] ?? null;
		switch (f.condition) {
			case 'eq':
				return v === f.value;
			case 'neq':
				return v !== f.value;
			case 'like':
				return v !== null && likeToRegExp(String(f.value), '').test(String(v));
			case 'ilike':
				return v !== null && likeToRegExp(String(f.value), 'i').test(String(v));
			case 'gt':
				return v !== null && v > f.value;
			case 'gte':
				return v !== null && v >= f.value;
			case 'lt':
				return v !== null && v < f.value;
			case 'lte':
				return v !== null && v <= f.value;
			default:
				return false;
		}
	};
	return filter.type === 'or' ? filter.filters.some(test) : filter.filters.every(test);
}

async function startN8nDataTables(opts = {}) {
	const options = {
		apiKey: opts.apiKey ?? 'n8n-test-key',
		scopes: opts.scopes ?? ALL_SCOPES,
	};
	/** id -> { table, rows, nextRowId } */
	const tables = new Map();
	const json = (status, body) => ({ status, json: body });
	const message = (status, text) => json(status, { message: text });

	const pageOf = (ctx) => {
		let limit = 100;
		let offset = 0;
		const cursor = ctx.query.get('cursor');
		if (cursor) {
			try {
				const decoded = JSON.parse(Buffer.from(cursor, 'base64').toString());
				limit = Number(decoded.limit);
				offset = Number(decoded.offset);
				if (!Number.isInteger(limit) || !Number.isInteger(offset)) throw new Error('bad');
			} catch {
				return { error: message(400, 'An invalid cursor was provided') };
			}
		} else if (ctx.query.get('limit') !== null) {
			limit = Number(ctx.query.get('limit'));
			if (!Number.isFinite(limit) || limit < 0) {
				return { error: message(400, 'request/query/limit must be number') };
			}
		}
		return { limit: Math.min(Math.floor(limit), MAX_LIMIT), offset };
	};

	const publicTable = (t) => ({ ...t.table, sizeBytes: JSON.stringify(t.rows).length });

	/** A row filter as n8n validates it: the shape, then every column must exist. */
	const readFilter = (raw, entry, required) => {
		if (raw === undefined || raw === null || raw === '') {
			return required ? { error: message(400, 'Filter must not be empty') } : { filter: undefined };
		}
		let filter = raw;
		if (typeof raw === 'string') {
			try {
				filter = JSON.parse(raw);
			} catch {
				return { error: message(400, 'Invalid filter format') };
			}
		}
		const bad = () => ({ error: message(400, 'Invalid filter fields') });
		if (!filter || typeof filter !== 'object' || !Array.isArray(filter.filters ?? [])) return bad();
		const type = filter.type ?? 'and';
		if (type !== 'and' && type !== 'or') return bad();
		const filters = [];
		for (const f of filter.filters ?? []) {
			if (!f || typeof f.columnName !== 'string' || !COLUMN_RE.test(f.columnName)) return bad();
			const condition = f.condition ?? 'eq';
			if (!CONDITIONS.has(condition)) return bad();
			filters.push({ columnName: f.columnName, condition, value: f.value ?? null });
		}
		if (required && !filters.length) return { error: message(400, 'Filter must not be empty') };
		const known = new Set([
			'id',
			'createdAt',
			'updatedAt',
			...entry.table.columns.map((c) => c.name),
		]);
		for (const f of filters) {
			if (!known.has(f.columnName)) {
				return {
					error: message(
						400,
						`Validation error with data table request: unknown column name '${f.columnName}'`,
					),
				};
			}
		}
		return { filter: { type, filters } };
	};

	const checkData = (data, entry) => {
		const columns = new Map(entry.table.columns.map((c) => [c.name, c.type]));
		for (const [key, value] of Object.entries(data)) {
			if (!columns.has(key)) return message(400, `unknown column name '${key}'`);
			const type = columns.get(key);
			if (value === null) continue;
			if (type === 'string' && typeof value !== 'string') {
				return message(400, `value '${value}' does not match column type 'string'`);
			}
			if (type === 'number' && typeof value !== 'number') {
				return message(400, `value '${value}' does not match column type 'number'`);
			}
		}
		return undefined;
	};

	const insert = (entry, data) => {
		const at = new Date().toISOString();
		const row = { id: entry.nextRowId++, createdAt: at, updatedAt: at };
		for (const c of entry.table.columns) row[c.name] = data[c.name] ?? null;
		entry.rows.push(row);
		return row;
	};

	/**
	 * n8n's OpenAPI validator refuses a query value holding a reserved character that is not
	 * percent-encoded (axios leaves ':' ',' '[' ']' raw in `params`).
	 */
	const unencoded = (rawQuery) => {
		for (const part of rawQuery.split('&')) {
			const at = part.indexOf('=');
			if (at < 0) continue;
			if (/[:/?#[\]@!$'()*+,;]/.test(part.slice(at + 1))) return decodeURIComponent(part.slice(0, at));
		}
		return undefined;
	};

	const handle = (ctx) => {
		if (!ctx.path.startsWith(PREFIX)) return message(404, 'not found');
		const raw = unencoded(ctx.rawQuery ?? '');
		if (raw !== undefined) {
			return message(
				400,
				`Parameter '${raw}' must be url encoded. Its value may not contain reserved characters.`,
			);
		}
		const key = ctx.headers['x-n8n-api-key'];
		if (typeof key !== 'string' || !key) {
			return message(401, "'X-N8N-API-KEY' header required");
		}
		if (key !== options.apiKey) return message(401, 'unauthorized');
		const need = (scope) =>
			options.scopes.includes(scope) ? undefined : message(403, 'Forbidden');

		const parts = ctx.path.slice(PREFIX.length).split('/').filter(Boolean);
		const method = ctx.method;

		if (parts.length === 0) {
			if (method === 'GET') {
				const denied = need('dataTable:list');
				if (denied) return denied;
				const page = pageOf(ctx);
				if (page.error) return page.error;
				let filter = {};
				const raw = ctx.query.get('filter');
				if (raw) {
					try {
						filter = JSON.parse(raw);
					} catch {
						return message(400, 'Invalid filter format');
					}
					const allowed = new Set(['id', 'name', 'projectId']);
					if (
						!filter ||
						typeof filter !== 'object' ||
						Object.keys(filter).some((k) => !allowed.has(k))
					) {
						return message(400, 'Invalid filter fields');
					}
				}
				const names = filter.name === undefined ? [] : [filter.name].flat();
				const ids = filter.id === undefined ? [] : [filter.id].flat();
				const all = [...tables.values()]
					.filter((t) =>
						names.every((n) => t.table.name.toLowerCase().includes(String(n).toLowerCase())),
					)
					.filter((t) => !ids.length || ids.includes(t.table.id))
					.sort((a, b) => (a.table.updatedAt < b.table.updatedAt ? 1 : -1));
				const data = all.slice(page.offset, page.offset + page.limit).map(publicTable);
				return json(200, { data, nextCursor: encodeCursor(page.limit, page.offset, all.length) });
			}
			if (method === 'POST') {
				const denied = need('dataTable:create');
				if (denied) return denied;
				const body = ctx.json();
				if (!body || typeof body.name !== 'string' || !body.name.trim() || body.name.length > 128) {
					return message(400, "request/body must have required property 'name'");
				}
				if (!Array.isArray(body.columns)) {
					return message(400, "request/body must have required property 'columns'");
				}
				for (const c of body.columns) {
					if (!c || typeof c.name !== 'string' || !COLUMN_RE.test(c.name) || c.name.length > 63) {
						return message(
							400,
							'Only alphabetical characters and non-leading numbers and underscores are allowed for column names, and the maximum length is 63 characters.',
						);
					}
					if (!TYPES.has(c.type))
						return message(
							400,
							'request/body/columns/0/type must be equal to one of the allowed values',
						);
				}
				const name = body.name.trim();
				if ([...tables.values()].some((t) => t.table.name === name)) {
					return message(409, `Data table with name '${name}' already exists in this project`);
				}
				const at = new Date().toISOString();
				const id = nanoid(16);
				const table = {
					id,
					name,
					columns: body.columns.map((c, index) => ({
						id: nanoid(16),
						name: c.name,
						type: c.type,
						index,
					})),
					projectId: body.projectId ?? PROJECT_ID,
					createdAt: at,
					updatedAt: at,
				};
				const entry = { table, rows: [], nextRowId: 1 };
				tables.set(id, entry);
				return json(201, publicTable(entry));
			}
			return message(405, 'Method not allowed');
		}

		const id = parts[0];
		if (!/^[A-Za-z0-9]{16}$/.test(id))
			return message(400, 'request/params/dataTableId must match format "nanoid"');
		const entry = tables.get(id);
		const rest = parts.slice(1).join('/');
		const scopeOf = {
			'GET rows': 'dataTableRow:read',
			'POST rows': 'dataTableRow:create',
			'PATCH rows/update': 'dataTableRow:update',
			'POST rows/upsert': 'dataTableRow:upsert',
			'DELETE rows/delete': 'dataTableRow:delete',
			'GET ': 'dataTable:read',
		}[`${method} ${rest}`];
		if (!scopeOf) return message(404, 'not found');
		const denied = need(scopeOf);
		if (denied) return denied;
		if (!entry) return message(404, `Could not find the data table: '${id}'`);
		const touch = () => {
			entry.table.updatedAt = new Date().toISOString();
		};

		if (rest === '') return json(200, publicTable(entry));
		if (method === 'GET') {
			const page = pageOf(ctx);
			if (page.error) return page.error;
			const parsed = readFilter(ctx.query.get('filter'), entry, false);
			if (parsed.error) return parsed.error;
			let rows = entry.rows.filter((r) => matches(r, parsed.filter));
			const sortBy = ctx.query.get('sortBy');
			if (sortBy) {
				const [column, direction] = sortBy.split(':');
				const dir = String(direction).toUpperCase();
				if (!column || (dir !== 'ASC' && dir !== 'DESC'))
					return message(400, 'Invalid sort direction');
				rows = [...rows].sort((a, b) => {
					const cmp = a[column] < b[column] ? -1 : a[column] > b[column] ? 1 : a.id - b.id;
					return dir === 'ASC' ? cmp : -cmp;
				});
			}
			const data = rows.slice(page.offset, page.offset + page.limit).map((r) => ({ ...r }));
			return json(200, { data, nextCursor: encodeCursor(page.limit, page.offset, rows.length) });
		}
		if (method === 'POST' && rest === 'rows') {
			const body = ctx.json();
			if (!body || !Array.isArray(body.data) || body.data.length === 0) {
				return message(400, 'request/body/data must NOT have fewer than 1 items');
			}
			for (const data of body.data) {
				const bad = checkData(data, entry);
				if (bad) return bad;
			}
			const inserted = body.data.map((data) => insert(entry, data));
			touch();
			const returnType = body.returnType ?? 'count';
			if (returnType === 'id')
				return json(
					200,
					inserted.map((r) => ({ id: r.id })),
				);
			if (returnType === 'all') return json(200, inserted);
			return json(200, { success: true, insertedRows: inserted.length });
		}
		if (rest === 'rows/update' || rest === 'rows/upsert') {
			const body = ctx.json();
			if (!body || !body.data || typeof body.data !== 'object' || !Object.keys(body.data).length) {
				return message(400, 'Data columns must not be empty');
			}
			const parsed = readFilter(body.filter, entry, true);
			if (parsed.error) return parsed.error;
			const bad = checkData(body.data, entry);
			if (bad) return bad;
			const hit = entry.rows.filter((r) => matches(r, parsed.filter));
			const at = new Date().toISOString();
			for (const row of hit) Object.assign(row, body.data, { updatedAt: at });
			let out = hit;
			if (!hit.length && rest === 'rows/upsert') out = [insert(entry, body.data)];
			touch();
			return json(200, body.returnData ? out.map((r) => ({ ...r })) : true);
		}
		if (method === 'DELETE' && rest === 'rows/delete') {
			const parsed = readFilter(ctx.query.get('filter'), entry, true);
			if (parsed.error) return parsed.error;
			const gone = entry.rows.filter((r) => matches(r, parsed.filter));
			entry.rows = entry.rows.filter((r) => !matches(r, parsed.filter));
			touch();
			return json(200, ctx.query.get('returnData') === 'true' ? gone : true);
		}
		return message(404, 'not found');
	};

	const admin = (ctx) => {
		if (ctx.method === 'GET' && ctx.path === '/__state') {
			return json(
				200,
				[...tables.values()].map((t) => ({ ...t.table, rows: t.rows })),
			);
		}
		return undefined;
	};

	const base = await startEmulatorServer({
		name: 'n8n-data-tables',
		host: opts.host,
		port: opts.port,
		faults: opts.faults,
		// The API key travels in a header: the log keeps none.
		logHeaders: false,
		handle,
		admin,
		errorJson: () => ({ message: 'Internal Server Error' }),
		tooManyJson: () => ({ message: 'Too Many Requests' }),
	});

	return {
		url: base.url,
		port: base.port,
		apiKey: options.apiKey,
		options,
		log: base.log,
		stats: base.stats,
		setFaults: (f) => base.setFaults(f),
		clearLog: () => base.clearLog(),
		close: () => base.close(),
		/** Tables with their rows (plain copies). */
		tables() {
			return [...tables.values()].map((t) => ({ ...t.table, rows: t.rows.map((r) => ({ ...r })) }));
		},
		/** The rows of the table with this name (empty when there is none). */
		rowsOf(name) {
			const t = [...tables.values()].find((e) => e.table.name === name);
			return t ? t.rows.map((r) => ({ ...r })) : [];
		},
	};
}

module.exports = { startN8nDataTables, ALL_DATA_TABLE_SCOPES: ALL_SCOPES };
