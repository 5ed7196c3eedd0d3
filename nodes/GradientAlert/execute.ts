import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, reasonOf, stopsTheRun } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import { ledgerChanges } from '../shared/memory/changes';
import { openOrganization } from '../shared/memory/organization';
import { numberOption, pairedWith, requestSettings } from '../shared/options';
import { mapConcurrent } from '../shared/pacing';
import type { Planned } from './plan';
import { planTickets } from './plan';
import { alertOutcomeUnknown, alreadySent, mayHaveBeenSentReason, pruneAlerts } from './sent';
import type { TicketOutcome } from './wait';
import { waitForTicket } from './wait';

interface Sent {
	/** may_have_been_sent: the POST may have reached Gradient but its answer was lost. */
	alertStatus: 'sent' | 'already_sent' | 'may_have_been_sent';
	messageId: string | null;
	ticket?: TicketOutcome;
	reason?: string;
}

/** Plans the tickets (one per item, or one per run and category), sends each once, remembers them. */
export async function sendAlerts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const node = this.getNode();
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const num = (name: string, fallback: number) => numberOption(options, name, fallback);
	const rememberDays = num('rememberDays', 90);
	const output: INodeExecutionData[] = [];

	const planned = planTickets(this, output);
	if (!planned.length) return [output];

	const client = new GradientClient(this, requestSettings(options));
	// The organization keys the memory of sent alerts (beside Push's ledger).
	const opened = await openOrganization(this, client);
	if ('reason' in opened) {
		// Nothing can be sent without the organization: every ticket gets this one reason.
		for (const p of planned) {
			output.push({
				json: { ...p.base, alertId: p.alert.alertId, alertStatus: 'failed', reason: opened.reason },
				pairedItem: pairedWith(p.items),
			});
		}
		return [output];
	}
	const { memory } = opened;
	const { state } = memory.ledger;
	const now = Date.now();
	const alerts = pruneAlerts(state.alerts, now, rememberDays);
	const sendAgain = options.sendAgain === true;
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
				if (options.waitForTicket === true && messageId) {
					sent.ticket = await waitForTicket(client, messageId, {
						timeoutMs: num('waitSeconds', 60) * 1000,
						intervalMs: num('pollSeconds', 5) * 1000,
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

	// The rest (pruned entries) per entry; alerts another run remembered meanwhile are kept.
	await memory.record(
		ledgerChanges(state, { ...state, alerts }).filter(
			(c) => c.kind === 'alert' && !rememberedNow.has(c.key),
		),
	);
	await memory.flush();
	if (memory.unsaved) {
		this.addExecutionHints({
			message: `${memory.unsaved} sent alert(s) could not be remembered (${memory.unsavedReason ?? 'unknown reason'}): a re-run may open their tickets again.`,
			type: 'warning',
			location: 'outputPane',
		});
	}

	for (let k = 0; k < planned.length; k++) {
		const p = planned[k];
		const r = results[k];
		if (r instanceof Error) {
			if (!this.continueOnFail()) throw asNodeError(node, r, p.items[0]);
			output.push({
				json: {
					...p.base,
					alertId: p.alert.alertId,
					alertStatus: 'failed',
					reason: reasonOf(r),
				},
				pairedItem: pairedWith(p.items),
			});
			continue;
		}
		output.push({
			json: {
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
			},
			pairedItem: pairedWith(p.items),
		});
	}
	const statusCount = (status: Sent['alertStatus']) =>
		results.filter((r) => !(r instanceof Error) && r.alertStatus === status).length;
	const sentCount = statusCount('sent');
	const unsure = statusCount('may_have_been_sent');
	this.addExecutionHints({
		message: `${sentCount} alert(s) sent, ${results.length - sentCount - unsure} already sent or failed; ${client.stats.calls} Gradient API call(s).`,
		type: 'info',
		location: 'outputPane',
	});
	if (unsure) {
		this.addExecutionHints({
			message: `${unsure} alert(s) may have been sent: the answer from Gradient was lost, so they were not sent again (that could open a second ticket). Each item says what to check.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	if (this.getMode() === 'manual' && sentCount + unsure > 0 && memory.storeName === 'staticData') {
		this.addExecutionHints({
			message:
				'Started from the editor: n8n does not save workflow static data for such runs, so these alerts are not remembered as sent (production and "n8n execute" runs remember them).',
			type: 'warning',
			location: 'outputPane',
		});
	}
	return [output];
}
