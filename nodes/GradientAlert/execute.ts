import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import { ledgerChanges } from '../shared/memory/changes';
import { openOrganization } from '../shared/memory/organization';
import { numberOption, requestSettings } from '../shared/options';
import { planTickets } from './plan';
import type { Sent } from './tickets';
import { sendTickets, ticketItem } from './tickets';
import { pruneAlerts } from './sentAlerts';

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
		for (const p of planned) output.push(ticketItem(p, new Error(opened.reason)));
		return [output];
	}
	const { memory } = opened;
	const { state } = memory.ledger;
	const now = Date.now();
	const alerts = pruneAlerts(state.alerts, now, rememberDays);
	const { results, rememberedNow } = await sendTickets(client, memory, planned, alerts, {
		now,
		rememberDays,
		sendAgain: options.sendAgain === true,
		wait:
			options.waitForTicket === true
				? { timeoutMs: num('waitSeconds', 60) * 1000, intervalMs: num('pollSeconds', 5) * 1000 }
				: undefined,
	});

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
		const r = results[k];
		if (r instanceof Error && !this.continueOnFail()) {
			throw asNodeError(node, r, planned[k].items[0]);
		}
		output.push(ticketItem(planned[k], r));
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
