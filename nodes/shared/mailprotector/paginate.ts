import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { Transport } from '../transport';
import { parseAnswer } from '../validate';

export interface ListResult<T> {
	items: T[];
	/** Requests made for this list. */
	calls: number;
	/** False when the walk had to stop early (a repeated page, the page cap). */
	complete: boolean;
	note?: string;
}

export interface ListOptions {
	qs?: IDataObject;
	perPage?: number;
	maxPages?: number;
	itemIndex?: number;
	/** Accept a bare object as the whole list (the services route may answer either way). */
	allowObject?: boolean;
}

function pagesFromHeader(header: string | undefined): number | undefined {
	if (!header) return undefined;
	try {
		const meta = JSON.parse(header) as Record<string, unknown>;
		const pages = Number(meta.total_pages ?? meta.totalPages ?? meta.pages);
		return Number.isFinite(pages) && pages >= 0 ? pages : undefined;
	} catch {
		return undefined;
	}
}

/** Pages fetched at once once a list has shown it is long (two full pages in a row). */
const WINDOW = 4;

interface Page {
	rows: Array<{ id: string | number }>;
	/** The answer was a bare object: the whole "list" is that one record. */
	single: boolean;
	totalPages?: number;
}

/**
 * Walks every page of a Mailprotector list without trusting any page size: the server may
 * ignore per_page, so a page is "short" only against the first page's length. Stops on an
 * empty page, a short page, the X-Pagination page count when sent, a page that repeats ids
 * (the server ignores `page`: reported as incomplete), or the page cap. Dedupes by id.
 * Pages 1 and 2 are read one by one, as any client must; a list that goes on past two full
 * pages is read a few pages at a time, which costs at most WINDOW - 1 calls past its end.
 */
export async function listAll<S extends z.ZodTypeAny>(
	transport: Transport,
	path: string,
	schema: S,
	options: ListOptions = {},
): Promise<ListResult<z.infer<S>>> {
	const { perPage = 100, maxPages = 5000, itemIndex } = options;
	const listSchema = z.array(schema);
	const fetchPage = async (page: number): Promise<Page> => {
		const call = {
			method: 'GET' as const,
			path,
			qs: { ...options.qs, page, per_page: perPage },
			itemIndex,
		};
		const answer = await transport.send(call);
		const body = answer.body === null ? [] : answer.body;
		const single = Boolean(
			options.allowObject && body && typeof body === 'object' && !Array.isArray(body),
		);
		const rows = parseAnswer(
			transport.node,
			'Mailprotector',
			`${transport.endpoint(call)} page ${page}`,
			single ? schema : listSchema,
			body,
			itemIndex,
		) as Array<{ id: string | number }> | { id: string | number };
		return {
			rows: Array.isArray(rows) ? rows : [rows],
			single,
			totalPages: pagesFromHeader(answer.headers['x-pagination']),
		};
	};

	const seen = new Set<string>();
	const items: Array<z.infer<S>> = [];
	let firstLength = 0;
	let calls = 0;
	let fullPagesInARow = 0;
	let page = 1;
	while (page <= maxPages) {
		const width = fullPagesInARow >= 2 ? Math.min(WINDOW, maxPages - page + 1) : 1;
		const batch = await Promise.all(
			Array.from({ length: width }, async (_, k) => await fetchPage(page + k)),
		);
		calls += batch.length;
		for (const result of batch) {
			if (result.rows.length === 0) return { items, calls, complete: true };
			let fresh = 0;
			for (const row of result.rows) {
				const key = String(row.id);
				if (seen.has(key)) continue;
				seen.add(key);
				fresh++;
				items.push(row as z.infer<S>);
			}
			// A bare object is the whole answer, not a page of it.
			if (result.single) return { items, calls, complete: true };
			if (fresh === 0) {
				return {
					items,
					calls,
					complete: false,
					note: `${path}: page ${page} repeated earlier ids, so the server seems to ignore "page"; stopped after ${page} pages`,
				};
			}
			if (page === 1) firstLength = result.rows.length;
			if (result.totalPages !== undefined && page >= result.totalPages) {
				return { items, calls, complete: true };
			}
			if (result.rows.length < firstLength) return { items, calls, complete: true };
			fullPagesInARow++;
			page++;
		}
	}
	return {
		items,
		calls,
		complete: false,
		note: `${path}: stopped at the cap of ${maxPages} pages; the list may be longer`,
	};
}
