import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { Transport } from '../transport';
import { parseAnswer } from '../validate';

export interface ListResult<T> {
	items: T[];
	/** Requests made for this list. */
	calls: number;
	/**
	 * False when the walk had to stop early (a repeated page, the page cap). An end that cannot
	 * be confirmed (a hole, a list that keeps changing) is an error, not an incomplete list.
	 */
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

interface Pagination {
	totalPages?: number;
	total?: number;
}

function paginationFromHeader(header: string | undefined): Pagination {
	if (!header) return {};
	try {
		const meta = JSON.parse(header) as Record<string, unknown>;
		const number = (value: unknown) => {
			const n = Number(value);
			return value !== undefined && value !== null && Number.isFinite(n) && n >= 0 ? n : undefined;
		};
		return {
			totalPages: number(meta.total_pages ?? meta.totalPages ?? meta.pages),
			total: number(meta.total ?? meta.total_count ?? meta.count),
		};
	} catch {
		return {};
	}
}

/** Pages fetched at once once a list has shown it is long (two full pages in a row). */
const WINDOW = 4;

/** Pause before an empty page is read again: a front-end hiccup should have passed by then. */
export const CONFIRM_DELAY_MS = 300;

/** Reads of a list that spans pages, until two in a row agree. */
export const MAX_READS = 4;

/**
 * The longest page each transport's server has sent so far (one transport per execution). A
 * page shorter than that is the last page of its list; an empty page after a page that long
 * may be a hiccup and is read again.
 */
const longestPage = new WeakMap<Transport, number>();

interface Page extends Pagination {
	rows: Array<{ id: string | number }>;
	/** The answer was a bare object: the whole "list" is that one record. */
	single: boolean;
	/** 200 with no JSON at all: never a list's answer, always read again. */
	emptyBody: boolean;
}

interface Pass<T> extends ListResult<T> {
	ids: Set<string>;
	/** The list went past its first page, or its first page may have been full. */
	spans: boolean;
	/** X-Pagination gave the same total on every page, and that many ids were read. */
	steady: boolean;
	/** The last page that had records. */
	lastPage: number;
}

/**
 * Walks every page of a Mailprotector list without trusting any page size: the server may
 * ignore per_page, so a page is "short" only against the first page's length (or, for an empty
 * page that follows it, the longest page the server has sent in this run). Stops on a short
 * page, the X-Pagination page count when sent, a page that repeats ids (the server ignores
 * `page`: reported as incomplete), or the page cap. Dedupes by id.
 * Pages 1 and 2 are read one by one, as any client must; a list that goes on past two full
 * pages is read a few pages at a time, which costs at most WINDOW - 1 calls past its end.
 * An end is believed only when it is confirmed:
 * - an empty page (or an empty body) is read again after a pause unless the page before it was
 *   short or X-Pagination puts it past the end; empty twice after a full page, the next page
 *   must be empty too, or the list has a hole and the walk stops with an error naming it;
 * - the pages of a list that spans pages (or whose one page may be full) are read again and
 *   must hold the same ids (offset pages shift when a record is deleted mid-read), unless
 *   X-Pagination's total held steady; if they differ, the list is read anew, MAX_READS times
 *   at most, then the walk stops with an error naming the list.
 */
export async function listAll<S extends z.ZodTypeAny>(
	transport: Transport,
	path: string,
	schema: S,
	options: ListOptions = {},
): Promise<ListResult<z.infer<S>>> {
	const { perPage = 100, maxPages = 5000, itemIndex } = options;
	const listSchema = z.array(schema);
	const node = transport.node;
	let calls = 0;
	const fetchPage = async (page: number): Promise<Page> => {
		const call = {
			method: 'GET' as const,
			path,
			qs: { ...options.qs, page, per_page: perPage },
			itemIndex,
		};
		const answer = await transport.send(call);
		calls++;
		// An empty body reaches here as null; a list route never answers null on purpose.
		const none = answer.body === null || answer.body === undefined;
		const emptyBody =
			none && (!options.allowObject || String(answer.headers['content-length']) === '0');
		const body = none ? [] : answer.body;
		const single = Boolean(
			options.allowObject && body && typeof body === 'object' && !Array.isArray(body),
		);
		const rows = parseAnswer(
			node,
			'Mailprotector',
			`${transport.endpoint(call)} page ${page}`,
			single ? schema : listSchema,
			body,
			itemIndex,
		) as Array<{ id: string | number }> | { id: string | number };
		return {
			rows: Array.isArray(rows) ? rows : [rows],
			single,
			emptyBody,
			...paginationFromHeader(answer.headers['x-pagination']),
		};
	};
	const longest = () => longestPage.get(transport) ?? 0;
	const unconfirmed = (message: string) =>
		new NodeOperationError(node, `Mailprotector list GET ${path} ${message}`, {
			itemIndex,
			description:
				'The walk stopped rather than count from a list it could not read to a confirmed end: nothing from it was counted or pushed. Run the workflow again; if this repeats, Mailprotector is answering that list wrongly.',
		});

	/** An empty answer for `page`: undefined when it is the end, else the page read again. */
	const confirmEmpty = async (
		page: number,
		previous: number | undefined,
		answer: Page,
	): Promise<Page | undefined> => {
		const pastEnd =
			answer.total === 0 || (answer.totalPages !== undefined && page > answer.totalPages);
		const afterShort = previous !== undefined && previous < longest();
		if (!answer.emptyBody && (pastEnd || afterShort)) return undefined;
		await sleep(CONFIRM_DELAY_MS);
		const again = await fetchPage(page);
		if (again.rows.length) return again;
		if (again.emptyBody) throw unconfirmed(`answered page ${page} with an empty body twice`);
		if (page === 1) return undefined;
		const next = await fetchPage(page + 1);
		if (next.rows.length || next.emptyBody) {
			throw unconfirmed(
				`answered page ${page} empty twice, yet page ${page + 1} ${next.emptyBody ? 'had an empty body' : `has ${next.rows.length} records`}: the list has a hole`,
			);
		}
		return undefined;
	};

	const readOnce = async (): Promise<Pass<z.infer<S>>> => {
		const seen = new Set<string>();
		const items: Array<z.infer<S>> = [];
		const totals = new Set<number | undefined>();
		let firstLength = 0;
		let fullPagesInARow = 0;
		let pagesWithRows = 0;
		let previous: number | undefined;
		let page = 1;
		const done = (complete: boolean, note?: string): Pass<z.infer<S>> => {
			const [total] = totals;
			return {
				items,
				calls,
				complete,
				...(note ? { note } : {}),
				ids: seen,
				lastPage: pagesWithRows,
				spans: pagesWithRows > 1 || (firstLength > 0 && firstLength >= longest()),
				steady: totals.size === 1 && total !== undefined && total === seen.size,
			};
		};
		while (page <= maxPages) {
			const width = fullPagesInARow >= 2 ? Math.min(WINDOW, maxPages - page + 1) : 1;
			const batch = await Promise.all(
				Array.from({ length: width }, async (_, k) => await fetchPage(page + k)),
			);
			for (let result of batch) {
				if (result.rows.length === 0) {
					const again = await confirmEmpty(page, previous, result);
					if (!again) return done(true);
					result = again;
				}
				totals.add(result.total);
				let fresh = 0;
				for (const row of result.rows) {
					const key = String(row.id);
					if (seen.has(key)) continue;
					seen.add(key);
					fresh++;
					items.push(row as z.infer<S>);
				}
				// A bare object is the whole answer, not a page of it.
				if (result.single) return { ...done(true), spans: false };
				if (fresh === 0) {
					return done(
						false,
						`${path}: page ${page} repeated earlier ids, so the server seems to ignore "page"; stopped after ${page} pages`,
					);
				}
				pagesWithRows++;
				const length = result.rows.length;
				if (page === 1) firstLength = length;
				if (length > longest()) longestPage.set(transport, length);
				previous = length;
				if (result.totalPages !== undefined && page >= result.totalPages) return done(true);
				if (length < firstLength) return done(true);
				fullPagesInARow++;
				page++;
			}
		}
		return done(false, `${path}: stopped at the cap of ${maxPages} pages; the list may be longer`);
	};

	/** Reads pages 1..last again, all at once, and says whether they hold the same ids. */
	const holdsSame = async (read: Pass<z.infer<S>>): Promise<boolean> => {
		// Only the ids are kept, so the records read again can go at once.
		const pages = await Promise.all(
			Array.from({ length: read.lastPage }, async (_, k) =>
				(await fetchPage(k + 1)).rows.map((row) => String(row.id)),
			),
		);
		return sameIds(read.ids, new Set(pages.flat()));
	};

	// Offset pages shift when a record is deleted between two page reads, so one record is never
	// seen: pages that read the same again prove the read whole; else the list is read anew.
	let read = await readOnce();
	for (let reads = 1; ; reads++) {
		if (!read.complete || !read.spans || read.steady || (await holdsSame(read))) {
			return strip(read, calls);
		}
		if (reads === MAX_READS) break;
		read = await readOnce();
	}
	throw unconfirmed(
		`changed while it was read: ${MAX_READS} reads in a row held different records (customers, domains or users added or deleted during the walk)`,
	);
}

function sameIds(a: Set<string>, b: Set<string>): boolean {
	if (a.size !== b.size) return false;
	for (const id of a) if (!b.has(id)) return false;
	return true;
}

function strip<T>(pass: Pass<T>, calls: number): ListResult<T> {
	return {
		items: pass.items,
		calls,
		complete: pass.complete,
		...(pass.note ? { note: pass.note } : {}),
	};
}
