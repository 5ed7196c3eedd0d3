import { createHash } from 'node:crypto';
import { sleep } from 'n8n-workflow';
import type { IDataObject, NodeApiError } from 'n8n-workflow';

import { failureOf, reasonOf, stopsTheRun } from './errors';
import type { AlertDebug } from './gradient/schemas';
import type { SentAlert } from './ledger';

/**
 * Alerts: stable ids (so a re-run does not open the same PSA ticket twice) and the run summary
 * tickets. Gradient can only ticket a mapped account, so alerts about the run itself go to one
 * "house" account, one ticket per run and category, with the items listed in the description.
 */

/** A stable alert id: the same account, title and description always give the same id. */
export function alertIdFor(accountId: string, title: string, description: string): string {
	const hash = createHash('sha256')
		.update(JSON.stringify([accountId, title, description]))
		.digest('hex');
	return `mpg-${hash.slice(0, 32)}`;
}

/** What a summary counts: its items (customer/product pairs), customers and products. */
export interface SummaryTally {
	items: number;
	customers: number;
	products: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const customersOf = (t: SummaryTally) => plural(t.customers, 'customer', 'customers');

export const SUMMARY_CATEGORIES = {
	needsMapping: {
		label: 'Needs Mapping',
		title: (t: SummaryTally) =>
			`${plural(t.customers, 'Mailprotector customer', 'Mailprotector customers')} could not be assigned a Gradient account (${plural(t.items, 'count', 'counts')} not pushed)`,
		intro:
			'Gradient Assign Customer could not give these customers an account, so their counts were not pushed. Fix the reason given for each (an override, a name, a failed creation), then run the sync again.',
	},
	unmapped: {
		label: 'Unmapped',
		title: (t: SummaryTally) =>
			`${plural(t.products, 'Mailprotector product has', 'Mailprotector products have')} no Gradient service (${customersOf(t)}, ${plural(t.items, 'count', 'counts')} not pushed)`,
		intro:
			'Gradient Map Service found no service for these products, so their counts were not pushed. Add them to the product -> service table or let the node create the services.',
	},
	notMapped: {
		label: 'Not Mapped',
		title: (t: SummaryTally) =>
			`${customersOf(t)} (${plural(t.items, 'count', 'counts')}) not mapped in Gradient yet`,
		intro:
			'Gradient answered 404 for these counts: the account or the service is not mapped in Synthesize. Map them (Integrations > Mailprotector), and the next run pushes them.',
	},
	failed: {
		label: 'Failed',
		title: (t: SummaryTally) =>
			`${plural(t.items, 'count', 'counts')} of ${customersOf(t)} failed to reach Gradient`,
		intro:
			'These counts were not set in Gradient (after retries). The reason is given; the next run tries again.',
	},
	held: {
		label: 'Held for Review',
		title: (t: SummaryTally) =>
			`${plural(t.items, 'count change', 'count changes')} of ${customersOf(t)} held for review`,
		intro:
			"The change guard held these counts back instead of pushing them. If they are right, put their keys (in brackets) into Gradient Push Billable's Billing Safety > Approve Held Pairs, or approve all held before a date, and run again.",
	},
	custom: {
		label: 'Custom',
		title: (t: SummaryTally) => `${plural(t.items, 'item', 'items')} from the Mailprotector sync`,
		intro: 'Items from the Mailprotector -> Gradient sync:',
	},
} as const;

export type SummaryCategory = keyof typeof SUMMARY_CATEGORIES;

export function isSummaryCategory(value: unknown): value is SummaryCategory {
	return typeof value === 'string' && value in SUMMARY_CATEGORIES;
}

function text(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return value.map(String).join(', ');
	return undefined;
}

/** "new -> 12" (nothing was sent before), "10 -> 12", "count 12", or '' when there is no count. */
function countText(json: IDataObject): string {
	if (typeof json.unitCount === 'number') {
		const previous = typeof json.previousCount === 'number' ? json.previousCount : 'new';
		return `${previous} -> ${json.unitCount}`;
	}
	return typeof json.count === 'number' ? `count ${json.count}` : '';
}

function whyOf(json: IDataObject): string | undefined {
	const why = text(json.reason) ?? text(json.error) ?? text(json.message);
	return why && why.length > 600 ? `${why.slice(0, 600)}...` : why;
}

/** One line of a summary: who, which product, the numbers and why, from whatever fields the item has. */
export function summaryLine(json: IDataObject): string {
	const name = text(json.customerName);
	const id = text(json.customerId);
	const who = name && id ? `${name} (customer ${id})` : (name ?? (id ? `customer ${id}` : 'item'));
	const parts = [`- ${who}`];
	const product = text(json.product) ?? text(json.gradientServiceName);
	if (product) parts.push(`, ${product}`);
	const count = countText(json);
	if (count) parts.push(`: ${count}`);
	const why = whyOf(json);
	if (why) parts.push(`. ${why}`);
	if (typeof json.httpStatus === 'number') parts.push(` (HTTP ${json.httpStatus})`);
	const key = text(json.ledgerKey);
	if (key) parts.push(` [${key}]`);
	return parts.join('');
}

/** Sentences of a reason: split after a full stop followed by a capital, so "e.g. x" stays whole. */
function sentences(reason: string): string[] {
	return reason
		.split(/(?<=[.!?])\s+(?=[A-Z"])/)
		.map((s) => s.trim())
		.filter(Boolean);
}

function escapeRegExp(value: string): string {
	return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A sentence with the item's own ids replaced by "<ID>" where they follow "id", "account" or
 * "customer", so "No account map found with id: 1001" is one sentence for every customer.
 */
function generic(sentence: string, json: IDataObject): string {
	let out = sentence;
	for (const id of [text(json.gradientAccountId), text(json.customerId)]) {
		if (!id) continue;
		out = out.replace(
			new RegExp(`\\b(id:?|accounts?|customers?)(\\s+)${escapeRegExp(id)}(?![\\w-])`, 'gi'),
			'$1$2<ID>',
		);
	}
	return out;
}

interface Line {
	json: IDataObject;
	/** The item's reason sentences, each with its generic form. */
	reasons: Array<{ own: string; generic: string }>;
}

interface Group {
	heading: string;
	sortKey: string;
	lines: Line[];
}

export interface SummaryInput {
	category: SummaryCategory;
	customTitle?: string;
	accountId: string;
	runId: string;
	items: IDataObject[];
	/** At most this many counts are listed (the rest are pointed to). */
	maxLines: number;
	/** The description is kept within this many characters (the rest are pointed to). */
	maxChars?: number;
	/** Where the complete list is kept (an n8n Data Table name); '' when nowhere. */
	auditTable?: string;
	/** One ticket per run (the run id is in the title); off: an identical list is not re-sent. */
	perRun: boolean;
}

export interface Ticket {
	title: string;
	description: string;
	alertId: string;
	/** How many of the items the description lists (the rest are pointed to). */
	listed: number;
}

/**
 * Gradient documents no limit on an alert's description (reference §5.6); PSAs cut long ticket
 * bodies (Autotask keeps 8,000 characters), so a summary stays within that by default.
 */
export const MAX_DESCRIPTION_CHARS = 8000;

/** The Data Table the example workflow appends Push Billable's audit rows to. */
export const AUDIT_TABLE = 'mpg_billing_audit';

function groupsOf(items: IDataObject[]): Group[] {
	const groups = new Map<string, Group>();
	for (const json of items) {
		const id = text(json.customerId);
		const name = text(json.customerName);
		const key = id ? `c:${id}` : name ? `n:${name}` : '-';
		let group = groups.get(key);
		if (!group) {
			const account = text(json.gradientAccountId);
			const ids = [
				id ? `customer ${id}` : '',
				account && account !== id ? `account ${account}` : '',
			]
				.filter(Boolean)
				.join(', ');
			const heading = name ? (ids ? `${name} (${ids})` : name) : ids || 'Without a customer';
			group = { heading, sortKey: `${(name ?? '~').toLowerCase()}|${id ?? ''}`, lines: [] };
			groups.set(key, group);
		}
		const why = whyOf(json);
		group.lines.push({
			json,
			reasons: (why ? sentences(why) : []).map((own) => ({ own, generic: generic(own, json) })),
		});
	}
	const sorted = [...groups.values()].sort((a, b) =>
		a.sortKey.localeCompare(b.sortKey, 'en', { numeric: true }),
	);
	for (const group of sorted) {
		group.lines.sort((a, b) =>
			String(text(a.json.product) ?? '').localeCompare(String(text(b.json.product) ?? '')),
		);
	}
	return sorted;
}

/** The block of one customer: its heading (with what its counts share), then one line per count. */
function groupText(group: Group, common: Set<string>): string[] {
	const rest = (line: Line) => line.reasons.filter((r) => !common.has(r.generic));
	const first = rest(group.lines[0]).map((r) => r.own);
	// What every count of this customer says (besides what every count of the ticket says).
	const shared = first.filter((own) =>
		group.lines.every((l) => rest(l).some((r) => r.own === own)),
	);
	const candidates = text(group.lines[0].json.candidates);
	const out = [`${group.heading}${shared.length ? `: ${shared.join(' ')}` : ''}`];
	if (candidates) out.push(`  Candidates: ${candidates}`);
	for (const line of group.lines) {
		const json = line.json;
		const own = rest(line)
			.map((r) => r.own)
			.filter((o) => !shared.includes(o));
		const status = typeof json.httpStatus === 'number' ? json.httpStatus : undefined;
		if (status !== undefined && !`${shared.join(' ')} ${own.join(' ')}`.includes(String(status))) {
			if (![...common].some((c) => c.includes(String(status)))) own.push(`(HTTP ${status})`);
		}
		const product = text(json.product) ?? text(json.gradientServiceName);
		const count = countText(json);
		const head = [product, count].filter(Boolean).join(': ');
		const key = text(json.ledgerKey);
		const body = [head, own.join(' ')].filter(Boolean).join('. ');
		if (!body && !key) continue;
		out.push(`  - ${body}${key ? ` [${key}]` : ''}`);
	}
	return out;
}

/**
 * The one ticket of a run and category, for a person: the advice once, what every count shares
 * once, then per customer its counts ("new" where nothing was sent before). The whole list when
 * it fits; otherwise it says exactly where the complete list is kept.
 */
export function summaryTicket(input: SummaryInput): Ticket {
	const kind = SUMMARY_CATEGORIES[input.category];
	const items = input.items;
	const groups = groupsOf(items);
	const tally: SummaryTally = {
		items: items.length,
		customers: groups.length,
		products: new Set(items.map((i) => text(i.product) ?? text(i.gradientServiceName) ?? '')).size,
	};
	const base =
		input.category === 'custom' && input.customTitle ? input.customTitle : kind.title(tally);
	const title = input.perRun ? `${base} (run ${input.runId})` : base;

	// Sentences every count says, in their generic form: said once, at the top.
	const lines = groups.flatMap((g) => g.lines);
	const common = new Set<string>(
		(lines[0]?.reasons ?? [])
			.map((r) => r.generic)
			.filter((g) => lines.every((l) => l.reasons.some((r) => r.generic === g))),
	);
	const head = [kind.intro, ''];
	if (common.size && lines.length > 1) head.push(`For all of them: ${[...common].join(' ')}`, '');
	else common.clear();
	const hasNew = lines.some(
		(l) => typeof l.json.unitCount === 'number' && typeof l.json.previousCount !== 'number',
	);
	head.push(
		`${plural(tally.items, 'count', 'counts')} of ${customersOf(tally)}${hasNew ? ' ("new": no count was sent before)' : ''}:`,
	);

	const maxChars = Math.max(1000, input.maxChars ?? MAX_DESCRIPTION_CHARS);
	const maxLines = Math.max(1, input.maxLines);
	const runLine = `Run: ${input.runId}`;
	const table = input.auditTable?.trim();
	const pointer = (listed: number, shown: number) =>
		`Not all fit in one ticket: listed here are ${shown} of ${customersOf(tally)} (${listed} of ${plural(tally.items, 'count', 'counts')}). The complete list is ${
			table
				? `in the n8n Data Table "${table}": the rows whose runId is ${input.runId}.`
				: `on this node's input in the n8n execution of run ${input.runId} (n8n deletes old executions: keep an audit table).`
		}`;
	// Room for the pointer and the run line, whatever the numbers in them.
	const reserve = pointer(items.length, groups.length).length + runLine.length + 40;
	const body: string[] = [];
	let size = head.join('\n').length;
	let listed = 0;
	let shown = 0;
	for (const group of groups) {
		const block = groupText(group, common);
		const blockSize = block.join('\n').length + 1;
		const fitsAll = size + blockSize + runLine.length + 2 <= maxChars;
		const complete = shown === groups.length - 1;
		if (listed + group.lines.length > maxLines) break;
		if (!(complete ? fitsAll : size + blockSize + reserve <= maxChars)) break;
		body.push(...block);
		size += blockSize;
		listed += group.lines.length;
		shown++;
	}
	const tail = listed < items.length ? ['', pointer(listed, shown)] : [];
	const description = [...head, ...body, ...tail, '', runLine].join('\n');
	// Without a ticket per run, the id leaves the run out, so the same list is not re-sent.
	const idDescription = input.perRun ? description : [...head, ...body].join('\n');
	return { title, description, alertId: alertIdFor(input.accountId, title, idDescription), listed };
}

/** Network failures where the request surely never reached Gradient: nothing was sent. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a failed alert POST may have reached Gradient anyway: the connection broke or timed
 * out after sending, or Gradient (or a proxy) answered 5xx. Gradient has no route that looks an
 * alert up by its alertId, so such an alert is remembered as sent rather than sent again.
 */
export function alertOutcomeUnknown(error: unknown): boolean {
	const failure = failureOf(error);
	if (!failure) return false;
	if (failure.kind === 'network') return !NEVER_SENT.has(failure.code ?? '');
	return failure.kind === 'status' && (failure.status ?? 0) >= 500;
}

/** What the item says when an alert may have been sent: what happened and what to check. */
export function mayHaveBeenSentReason(error: unknown, title: string, alertId: string): string {
	const failure = failureOf(error);
	const what =
		failure?.kind === 'network'
			? `the connection to Gradient broke (${failure.code ?? 'network error'}) after the alert was sent`
			: `Gradient answered ${failure?.status ?? 'a server error'} after the alert was sent`;
	return `May have been sent: ${what}, so whether Gradient queued it is unknown. It was not sent again (that could open a second ticket) and is remembered as sent, so later runs do not repeat it. Check the PSA for a ticket titled "${title}"; if there is none, run once with Options > Send Again If Already Sent (alert ID ${alertId}).`;
}

/** Whether an alert id was sent within the remembered period (0 days: remembered forever). */
export function alreadySent(
	alerts: Record<string, SentAlert>,
	alertId: string,
	now: number,
	rememberDays: number,
): SentAlert | undefined {
	const sent = alerts[alertId];
	if (!sent) return undefined;
	if (rememberDays <= 0) return sent;
	const at = Date.parse(sent.at);
	return Number.isNaN(at) || now - at <= rememberDays * 86_400_000 ? sent : undefined;
}

/** Forgets alerts older than the remembered period, so the record does not grow forever. */
export function pruneAlerts(
	alerts: Record<string, SentAlert>,
	now: number,
	rememberDays: number,
): Record<string, SentAlert> {
	if (rememberDays <= 0) return { ...alerts };
	const out: Record<string, SentAlert> = {};
	for (const [id, sent] of Object.entries(alerts)) {
		const at = Date.parse(sent.at);
		if (Number.isNaN(at) || now - at <= rememberDays * 86_400_000) out[id] = sent;
	}
	return out;
}

/** What became of the ticket behind an alert, as far as waiting found out. */
export interface TicketOutcome {
	ticketStatus: 'success' | 'failed' | 'pending' | 'unknown';
	ticketId: string | null;
	ticketMessage: string | null;
	ticketErrors: string[];
	polls: number;
}

export interface TicketStatusClient {
	alertStatus(messageId: string, itemIndex?: number): Promise<AlertDebug>;
}

/**
 * Polls Gradient's debug route until the ticket exists or failed, or until the time is up.
 * Gradient queues alerts, so "not found yet" (404) and "pending" both mean: ask again.
 */
export async function waitForTicket(
	client: TicketStatusClient,
	messageId: string,
	limits: { timeoutMs: number; intervalMs: number; itemIndex?: number },
	clock: () => number = Date.now,
): Promise<TicketOutcome> {
	const deadline = clock() + Math.max(0, limits.timeoutMs);
	const outcome: TicketOutcome = {
		ticketStatus: 'pending',
		ticketId: null,
		ticketMessage: null,
		ticketErrors: [],
		polls: 0,
	};
	for (;;) {
		outcome.polls++;
		try {
			const answer = await client.alertStatus(messageId, limits.itemIndex);
			outcome.ticketMessage = answer.message ?? null;
			outcome.ticketErrors = answer.errors ?? [];
			if (answer.ticketId !== undefined && answer.ticketId !== null) {
				outcome.ticketId = String(answer.ticketId);
			}
			if (answer.status === 'success' || answer.status === 'failed') {
				outcome.ticketStatus = answer.status;
				return outcome;
			}
		} catch (error) {
			if (stopsTheRun(error)) throw stopError(error);
			if (failureOf(error)?.status !== 404) {
				outcome.ticketStatus = 'unknown';
				outcome.ticketErrors = [reasonOf(error)];
				return outcome;
			}
		}
		if (clock() + limits.intervalMs > deadline) return outcome;
		await sleep(Math.max(0, limits.intervalMs));
	}
}

/** stopsTheRun() only holds for the transport's own NodeApiError, so it passes on as it is. */
function stopError(error: unknown): NodeApiError {
	return error as NodeApiError;
}
