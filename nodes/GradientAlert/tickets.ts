import type { INodeExecutionData } from 'n8n-workflow';

import { asNodeError, reasonOf, stopsTheRun } from '../shared/errors';
import type { GradientClient } from '../shared/gradient/client';
import type { SentAlert } from '../shared/ledger';
import type { MemoryHandle } from '../shared/memory/door';
import { pairedWith } from '../shared/options';
import { mapConcurrent } from '../shared/pacing';
import type { Planned } from './plan';
import { alertOutcomeUnknown, alreadySent, mayHaveBeenSentReason } from './sentAlerts';
import type { TicketOutcome } from './wait';
import { waitForTicket } from './wait';

export interface Sent {
	/** may_have_been_sent: the POST may have reached Gradient but its answer was lost. */
	alertStatus: 'sent' | 'already_sent' | 'may_have_been_sent';
	messageId: string | null;
	ticket?: TicketOutcome;
	reason?: string;
}

export interface SendSettings {
	now: number;
	rememberDays: number;
	sendAgain: boolean;
	/** Poll for the ticket id this long at most, this often; undefined: do not wait. */
	wait?: { timeoutMs: number; intervalMs: number };
}

/**
 * Sends each planned ticket once: an alertId sent before (or earlier in this run) is not sent
 * again, a sent one is remembered at once, and a lost answer is never sent blindly again.
 * `alerts` is updated in place; returns each ticket's outcome and the alertIds already recorded.
 */
export async function sendTickets(
	client: GradientClient,
	memory: MemoryHandle,
	planned: Planned[],
	alerts: Record<string, SentAlert>,
	settings: SendSettings,
): Promise<{ results: Array<Sent | Error>; rememberedNow: Set<string> }> {
	const { now, rememberDays, sendAgain } = settings;
	const node = client.node;
	const firstOf = new Map<string, Planned>();
	for (const p of planned) if (!firstOf.has(p.alert.alertId)) firstOf.set(p.alert.alertId, p);

	const rememberedNow = new Set<string>();
	let stopped: Error | undefined;
	const results = await mapConcurrent(
		planned,
		client.concurrency,
		async (p): Promise<Sent | Error> => {
			const earlier = alreadySent(alerts, p.alert.alertId, now, rememberDays);
			if ((earlier && !sendAgain) || firstOf.get(p.alert.alertId) !== p) {
				return { alertStatus: 'already_sent', messageId: earlier?.messageId ?? null };
			}
			if (stopped) return stopped;
			try {
				const created = await client.createAlert(p.accountId, p.alert, p.items[0]);
				const messageId = created.messageId ?? null;
				const sent: Sent = { alertStatus: 'sent', messageId };
				if (settings.wait && messageId) {
					sent.ticket = await waitForTicket(client, messageId, {
						...settings.wait,
						itemIndex: p.items[0],
					});
				}
				// A ticket that failed is forgotten, so the next run tries it again.
				if (sent.ticket?.ticketStatus !== 'failed') {
					alerts[p.alert.alertId] = {
						at: new Date().toISOString(),
						accountId: p.accountId,
						messageId,
						title: p.alert.title,
					};
					// Remembered at once: a run that dies later does not open this ticket again.
					rememberedNow.add(p.alert.alertId);
					await memory.record([
						{ kind: 'alert', key: p.alert.alertId, value: { ...alerts[p.alert.alertId] } },
					]);
				}
				return sent;
			} catch (error) {
				if (alertOutcomeUnknown(error)) {
					// Never sent blindly again: remembered, so the next run does not duplicate it either.
					alerts[p.alert.alertId] = {
						at: new Date().toISOString(),
						accountId: p.accountId,
						messageId: null,
						title: p.alert.title,
					};
					return {
						alertStatus: 'may_have_been_sent',
						messageId: null,
						reason: mayHaveBeenSentReason(error, p.alert.title, p.alert.alertId),
					};
				}
				if (stopsTheRun(error) && !stopped) {
					stopped = error as Error;
					client.halt(stopped);
				}
				return asNodeError(node, error, p.items[0]);
			}
		},
	);

	return { results, rememberedNow };
}

/** The output item of one ticket: its outcome, or why it failed. */
export function ticketItem(p: Planned, r: Sent | Error): INodeExecutionData {
	const json =
		r instanceof Error
			? { ...p.base, alertId: p.alert.alertId, alertStatus: 'failed', reason: reasonOf(r) }
			: {
					...p.base,
					alertId: p.alert.alertId,
					alertStatus: r.alertStatus,
					messageId: r.messageId,
					...(r.reason ? { reason: r.reason } : {}),
					...(r.ticket
						? {
								ticketStatus: r.ticket.ticketStatus,
								ticketId: r.ticket.ticketId,
								ticketMessage: r.ticket.ticketMessage,
								ticketErrors: r.ticket.ticketErrors,
							}
						: {}),
				};
	return { json, pairedItem: pairedWith(p.items) };
}
