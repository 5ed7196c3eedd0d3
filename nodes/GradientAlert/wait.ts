import { sleep } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';

import { failureOf, reasonOf, stopsTheRun } from '../shared/errors';
import type { AlertDebug } from '../shared/gradient/schemas';

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
