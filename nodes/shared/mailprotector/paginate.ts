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
	/** Accept a bare object as a one-element list (the services route may answer either way). */
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

/**
 * Walks every page of a Mailprotector list without trusting any page size: the server may
 * ignore per_page, so a page is "short" only against the first page's length. Stops on an
 * empty page, a short page, the X-Pagination page count when sent, a page that repeats ids
 * (the server ignores `page`: reported as incomplete), or the page cap. Dedupes by id.
 */
export async function listAll<S extends z.ZodTypeAny>(
	transport: Transport,
	path: string,
	schema: S,
	options: ListOptions = {},
): Promise<ListResult<z.infer<S>>> {
	const { perPage = 100, maxPages = 5000, itemIndex } = options;
	const pageSchema = options.allowObject
		? z.union([z.array(schema), schema.transform((one: unknown) => [one])])
		: z.array(schema);
	const seen = new Set<string>();
	const items: Array<z.infer<S>> = [];
	let firstLength = 0;
	let calls = 0;
	for (let page = 1; page <= maxPages; page++) {
		const call = {
			method: 'GET' as const,
			path,
			qs: { ...options.qs, page, per_page: perPage },
			itemIndex,
		};
		const answer = await transport.send(call);
		calls++;
		const body = answer.body === null ? [] : answer.body;
		const rows = parseAnswer(
			transport.node,
			'Mailprotector',
			`${transport.endpoint(call)} page ${page}`,
			pageSchema,
			body,
			itemIndex,
		) as Array<{ id: string | number }>;
		if (rows.length === 0) return { items, calls, complete: true };
		let fresh = 0;
		for (const row of rows) {
			const key = String(row.id);
			if (seen.has(key)) continue;
			seen.add(key);
			fresh++;
			items.push(row as z.infer<S>);
		}
		if (fresh === 0) {
			return {
				items,
				calls,
				complete: false,
				note: `${path}: page ${page} repeated earlier ids, so the server seems to ignore "page"; stopped after ${page} pages`,
			};
		}
		if (page === 1) firstLength = rows.length;
		const totalPages = pagesFromHeader(answer.headers['x-pagination']);
		if (totalPages !== undefined && page >= totalPages) return { items, calls, complete: true };
		if (rows.length < firstLength) return { items, calls, complete: true };
	}
	return {
		items,
		calls,
		complete: false,
		note: `${path}: stopped at the cap of ${maxPages} pages; the list may be longer`,
	};
}
