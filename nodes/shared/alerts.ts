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

export const SUMMARY_CATEGORIES = {
	needsMapping: {
		label: 'Needs Mapping',
		title: (n: number) => `${n} Mailprotector customer(s) could not be assigned a Gradient account`,
		intro:
			'Gradient Assign Customer could not give these customers an account, so their counts were not pushed. Fix the reason given for each (an override, a name, a failed creation), then run the sync again.',
	},
	unmapped: {
		label: 'Unmapped',
		title: (n: number) => `${n} Mailprotector product(s) have no Gradient service`,
		intro:
			'Gradient Map Service found no service for these products, so their counts were not pushed. Add them to the product -> service table or let the node create the services.',
	},
	notMapped: {
		label: 'Not Mapped',
		title: (n: number) => `${n} pair(s) are not mapped in Gradient yet`,
		intro:
			'Gradient answered 404 for these counts: the account or the service is not mapped in Synthesize. Map them (Integrations > Mailprotector), and the next run pushes them.',
	},
	failed: {
		label: 'Failed',
		title: (n: number) => `${n} count(s) failed to reach Gradient`,
		intro:
			'These counts were not set in Gradient (after retries). The reason is given for each; the next run tries again.',
	},
	held: {
		label: 'Held for Review',
		title: (n: number) => `${n} count change(s) held for review`,
		intro:
			"The change guard held these counts back instead of pushing them. If they are right, put their keys (in brackets) into Gradient Push Billable's Options > Approve Held Pairs, or approve all held before a date, and run again.",
	},
	custom: {
		label: 'Custom',
		title: (n: number) => `${n} item(s) from the Mailprotector sync`,
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

/** One line of a summary: who, which product, the numbers and why, from whatever fields the item has. */
export function summaryLine(json: IDataObject): string {
	const name = text(json.customerName);
	const id = text(json.customerId);
	const who = name && id ? `${name} (customer ${id})` : (name ?? (id ? `customer ${id}` : 'item'));
	const parts = [`- ${who}`];
	const product = text(json.product) ?? text(json.gradientServiceName);
	if (product) parts.push(`, ${product}`);
	const unitCount = json.unitCount;
	if (typeof unitCount === 'number') {
		const previous = typeof json.previousCount === 'number' ? json.previousCount : '?';
		parts.push(`: ${previous} -> ${unitCount}`);
	} else if (typeof json.count === 'number') {
		parts.push(`: count ${json.count}`);
	}
	const why = text(json.reason) ?? text(json.error) ?? text(json.message);
	if (why) parts.push(`. ${why.length > 300 ? `${why.slice(0, 300)}...` : why}`);
	if (typeof json.httpStatus === 'number') parts.push(` (HTTP ${json.httpStatus})`);
	const key = text(json.ledgerKey);
	if (key) parts.push(` [${key}]`);
	return parts.join('');
}

export interface SummaryInput {
	category: SummaryCategory;
	customTitle?: string;
	accountId: string;
	runId: string;
	items: IDataObject[];
	maxLines: number;
	/** One ticket per run (the run id is in the title); off: an identical list is not re-sent. */
	perRun: boolean;
}

export interface Ticket {
	title: string;
	description: string;
	alertId: string;
}

/** The one ticket of a run and category: a title with the count, and the items listed. */
export function summaryTicket(input: SummaryInput): Ticket {
	const kind = SUMMARY_CATEGORIES[input.category];
	const n = input.items.length;
	const base = input.category === 'custom' && input.customTitle ? input.customTitle : kind.title(n);
	const title = input.perRun ? `${base} (run ${input.runId})` : base;
	const lines = input.items.slice(0, Math.max(1, input.maxLines)).map(summaryLine);
	if (n > lines.length) lines.push(`... and ${n - lines.length} more (see the n8n execution).`);
	const description = [kind.intro, '', ...lines, '', `Run: ${input.runId}`].join('\n');
	// The id leaves the run out when tickets are not per run, so the same list is not re-sent.
	const idDescription = input.perRun ? description : [kind.intro, ...lines].join('\n');
	return { title, description, alertId: alertIdFor(input.accountId, title, idDescription) };
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
