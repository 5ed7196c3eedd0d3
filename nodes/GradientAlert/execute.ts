import { NodeOperationError, randomString } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';

import type { SummaryCategory, TicketOutcome } from '../shared/alerts';
import {
	AUDIT_TABLE,
	MAX_DESCRIPTION_CHARS,
	SUMMARY_CATEGORIES,
	alertIdFor,
	alertOutcomeUnknown,
	alreadySent,
	isSummaryCategory,
	mayHaveBeenSentReason,
	pruneAlerts,
	summaryTicket,
	waitForTicket,
} from '../shared/alerts';
import { asNodeError, inputError, reasonOf, stopsTheRun } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import type { NewAlert } from '../shared/gradient/client';
import { ledgerChanges } from '../shared/memory/changes';
import { openOrganization } from '../shared/memory/organization';
import { requestSettings } from '../shared/options';
import { mapConcurrent } from '../shared/pacing';

/** One ticket to open: from one item, or from all items of one category in a run summary. */
interface Planned {
	items: number[];
	accountId: string;
	alert: NewAlert;
	/** What the output item starts from. */
	base: IDataObject;
}

interface Sent {
	/** may_have_been_sent: the POST may have reached Gradient but its answer was lost. */
	alertStatus: 'sent' | 'already_sent' | 'may_have_been_sent';
	messageId: string | null;
	ticket?: TicketOutcome;
	reason?: string;
}

function paired(items: number[]): IPairedItemData | IPairedItemData[] {
	return items.length === 1 ? { item: items[0] } : items.map((item) => ({ item }));
}

function text(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number') return String(value);
	return '';
}

/** A whole number from min to max (numeric text too), or undefined. */
function wholeNumberIn(value: unknown, min: number, max: number): number | undefined {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: NaN;
	return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** A parameter value as a message shows it. */
function shown(value: unknown): string {
	if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
	if (typeof value === 'number') return String(value);
	return value === undefined || value === null ? 'empty' : `a ${typeof value}`;
}

/** Plans the tickets (one per item, or one per run and category), sends each once, remembers them. */
export async function sendAlerts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const mode = this.getNodeParameter('mode', 0, 'runSummary') as string;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const num = (name: string, fallback: number) =>
		typeof options[name] === 'number' ? (options[name] as number) : fallback;
	const rememberDays = num('rememberDays', 90);
	const output: INodeExecutionData[] = [];
	const planned: Planned[] = [];

	const refuse = (i: number, field: string, problem: string, fix: string) => {
		const error = inputError(node, i, field, problem, fix);
		if (!this.continueOnFail()) throw error;
		// The item carries the fix too, not only what is wrong.
		output.push({ json: { ...items[i].json, error: reasonOf(error) }, pairedItem: { item: i } });
	};
	/**
	 * Priority, status, due date and service of item i; undefined (the items refused) when one
	 * is out of range or no date: checked here, so a bad value costs no call per item.
	 */
	const common = (
		i: number,
		refused: number[] = [i],
	): Omit<NewAlert, 'title' | 'description' | 'alertId'> | undefined => {
		const o = this.getNodeParameter('options', i, {}) as IDataObject;
		const priority = this.getNodeParameter('priority', i, 1);
		const status = this.getNodeParameter('ticketStatus', i, 1);
		for (const [field, value, max, fix] of [
			['Priority', priority, 4, 'Choose Low (1), Medium (2), High (3) or Very High (4)'],
			['Ticket Status', status, 6, 'Set a status from 1 to 6 (1 is the PSA default)'],
		] as const) {
			if (wholeNumberIn(value, 1, max) === undefined) {
				for (const r of refused) {
					refuse(
						r,
						field,
						`is ${shown(value)}, not a whole number from 1 to ${max}`,
						`${fix}; an expression must return a number from 1 to ${max}.`,
					);
				}
				return undefined;
			}
		}
		const alert: Omit<NewAlert, 'title' | 'description' | 'alertId'> = {
			priority: wholeNumberIn(priority, 1, 4)!,
			status: wholeNumberIn(status, 1, 6)!,
		};
		const due = text(o.dueDate);
		if (due) {
			const date = new Date(due);
			if (Number.isNaN(date.getTime())) {
				for (const r of refused) {
					refuse(
						r,
						'Due Date',
						`is not a date ("${due.slice(0, 40)}")`,
						'Set Options > Due Date to a date and time, e.g. 2025-02-01T09:00:00Z.',
					);
				}
				return undefined;
			}
			alert.dueDateTime = date.toISOString();
		}
		const serviceId = text(o.serviceId);
		if (serviceId) alert.serviceId = serviceId;
		return alert;
	};

	if (mode === 'perItem') {
		for (let i = 0; i < items.length; i++) {
			const accountId = text(this.getNodeParameter('accountId', i, ''));
			const title = text(this.getNodeParameter('title', i, ''));
			const description = String(this.getNodeParameter('alertDescription', i, '') ?? '');
			const ownId = text((this.getNodeParameter('options', i, {}) as IDataObject).alertId);
			if (!accountId) {
				refuse(
					i,
					'Account ID',
					'is empty',
					'Set Account ID, e.g. to {{ $json.gradientAccountId }} after Assign Customer.',
				);
				continue;
			}
			if (!title) {
				refuse(i, 'Title', 'is empty', 'Give the ticket a title.');
				continue;
			}
			const shared = common(i);
			if (!shared) continue;
			const alertId = ownId || alertIdFor(accountId, title, description);
			planned.push({
				items: [i],
				accountId,
				alert: { title, description, alertId, ...shared },
				base: { ...items[i].json },
			});
		}
	} else {
		const house = text(this.getNodeParameter('houseAccountId', 0, '', { extractValue: true }));
		if (!house) {
			throw new NodeOperationError(node, 'House Account is empty', {
				description:
					'Pick (or enter the ID of) a Gradient account mapped to your own company in the PSA: run summaries go there.',
			});
		}
		const runId =
			items.map((item) => text(item.json.runId)).find(Boolean) ||
			this.getExecutionId() ||
			randomString(12);
		const groups = new Map<SummaryCategory, number[]>();
		for (let i = 0; i < items.length; i++) {
			const category = this.getNodeParameter('category', i, 'failed');
			if (!isSummaryCategory(category)) {
				refuse(
					i,
					'Category',
					`is "${String(category)}", not one of ${Object.keys(SUMMARY_CATEGORIES).join(', ')}`,
					'Choose a category from the list.',
				);
				continue;
			}
			groups.set(category, [...(groups.get(category) ?? []), i]);
		}
		// A summary takes its options from the first item; a bad one refuses every item.
		const shared = groups.size ? common(0, [...groups.values()].flat()) : undefined;
		if (groups.size && !shared) return [output];
		for (const [category, indexes] of groups) {
			const ticket = summaryTicket({
				category,
				customTitle: text(this.getNodeParameter('customTitle', indexes[0], '')),
				accountId: house,
				runId,
				items: indexes.map((i) => items[i].json),
				maxLines: num('maxListedItems', 1000),
				maxChars: num('maxDescriptionChars', MAX_DESCRIPTION_CHARS),
				auditTable: typeof options.auditTable === 'string' ? options.auditTable : AUDIT_TABLE,
				perRun: options.ticketEachRun !== false,
			});
			const ownId = text(options.alertId);
			planned.push({
				items: indexes,
				accountId: house,
				alert: {
					...ticket,
					alertId: ownId ? `${ownId}-${category}` : ticket.alertId,
					...shared!,
				},
				base: {
					category,
					categoryLabel: SUMMARY_CATEGORIES[category].label,
					runId,
					itemCount: indexes.length,
					itemsListed: ticket.listed,
					gradientAccountId: house,
					title: ticket.title,
					// The ticket as a person reads it, so the run shows what was sent.
					description: ticket.description,
				},
			});
		}
	}
	if (!planned.length) return [output];

	const client = new GradientClient(this, requestSettings(options));
	// The organization keys the memory of sent alerts (beside Push's ledger).
	const opened = await openOrganization(this, client);
	if ('reason' in opened) {
		// Nothing can be sent without the organization: every ticket gets this one reason.
		for (const p of planned) {
			output.push({
				json: { ...p.base, alertId: p.alert.alertId, alertStatus: 'failed', error: opened.reason },
				pairedItem: paired(p.items),
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
					error: reasonOf(r),
				},
				pairedItem: paired(p.items),
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
			pairedItem: paired(p.items),
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
