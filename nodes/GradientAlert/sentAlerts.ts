/**
 * Stable alert ids, so a re-run does not open the same PSA ticket twice, and what the memory of
 * sent alerts says: sent within the remembered period, or possibly sent (the answer was lost).
 */
import { createHash } from 'node:crypto';

import { failureOf } from '../shared/errors';
import type { SentAlert } from '../shared/ledger';

/** A stable alert id: the same account, title and description always give the same id. */
export function alertIdFor(accountId: string, title: string, description: string): string {
	const hash = createHash('sha256')
		.update(JSON.stringify([accountId, title, description]))
		.digest('hex');
	return `mpg-${hash.slice(0, 32)}`;
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
