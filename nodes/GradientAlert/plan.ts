import { NodeOperationError, randomString } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { inputError, reasonOf } from '../shared/errors';
import type { NewAlert } from '../shared/gradient/client';
import { numberOption } from '../shared/options';
import { fieldText } from '../shared/text';
import { alertIdFor } from './sentAlerts';
import type { SummaryCategory } from './summary';
import {
	AUDIT_TABLE,
	MAX_DESCRIPTION_CHARS,
	SUMMARY_CATEGORIES,
	isSummaryCategory,
	summaryTicket,
} from './summary';

/** One ticket to open: from one item, or from all items of one category in a run summary. */
export interface Planned {
	items: number[];
	accountId: string;
	alert: NewAlert;
	/** What the output item starts from. */
	base: IDataObject;
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

/**
 * Turns the items into tickets: one per item, or one per run and category (a run summary). A
 * refused item stops the run, or with Continue On Fail goes to `output` saying why.
 */
export function planTickets(ctx: IExecuteFunctions, output: INodeExecutionData[]): Planned[] {
	const items = ctx.getInputData();
	const node = ctx.getNode();
	const mode = ctx.getNodeParameter('mode', 0, 'runSummary') as string;
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const num = (name: string, fallback: number) => numberOption(options, name, fallback);
	const planned: Planned[] = [];

	const refuse = (i: number, field: string, problem: string, fix: string) => {
		const error = inputError(node, i, field, problem, fix);
		if (!ctx.continueOnFail()) throw error;
		// The item carries the fix too, not only what is wrong.
		output.push({ json: { ...items[i].json, reason: reasonOf(error) }, pairedItem: { item: i } });
	};
	/**
	 * Priority, status, due date and service of item i; undefined (the items refused) when one
	 * is out of range or no date: checked here, so a bad value costs no call per item.
	 */
	const common = (
		i: number,
		refused: number[] = [i],
	): Omit<NewAlert, 'title' | 'description' | 'alertId'> | undefined => {
		const o = ctx.getNodeParameter('options', i, {}) as IDataObject;
		const priority = ctx.getNodeParameter('priority', i, 1);
		const status = ctx.getNodeParameter('ticketStatus', i, 1);
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
		const due = fieldText(o.dueDate);
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
		const serviceId = fieldText(o.serviceId);
		if (serviceId) alert.serviceId = serviceId;
		return alert;
	};

	if (mode === 'perItem') {
		for (let i = 0; i < items.length; i++) {
			const accountId = fieldText(ctx.getNodeParameter('accountId', i, ''));
			const title = fieldText(ctx.getNodeParameter('title', i, ''));
			const description = String(ctx.getNodeParameter('alertDescription', i, '') ?? '');
			const ownId = fieldText((ctx.getNodeParameter('options', i, {}) as IDataObject).alertId);
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
		const house = fieldText(ctx.getNodeParameter('houseAccountId', 0, '', { extractValue: true }));
		if (!house) {
			throw new NodeOperationError(node, 'House Account is empty', {
				description:
					'Pick (or enter the ID of) a Gradient account mapped to your own company in the PSA: run summaries go there.',
			});
		}
		const runId =
			items.map((item) => fieldText(item.json.runId)).find(Boolean) ||
			ctx.getExecutionId() ||
			randomString(12);
		const groups = new Map<SummaryCategory, number[]>();
		for (let i = 0; i < items.length; i++) {
			const category = ctx.getNodeParameter('category', i, 'failed');
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
		if (groups.size && !shared) return [];
		for (const [category, indexes] of groups) {
			const ticket = summaryTicket({
				category,
				customTitle: fieldText(ctx.getNodeParameter('customTitle', indexes[0], '')),
				accountId: house,
				runId,
				items: indexes.map((i) => items[i].json),
				maxLines: num('maxListedItems', 1000),
				maxChars: num('maxDescriptionChars', MAX_DESCRIPTION_CHARS),
				auditTable: typeof options.auditTable === 'string' ? options.auditTable : AUDIT_TABLE,
				perRun: options.ticketEachRun !== false,
			});
			const ownId = fieldText(options.alertId);
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
	return planned;
}
