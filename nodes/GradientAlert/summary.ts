import type { IDataObject } from 'n8n-workflow';

import { displayText } from '../shared/text';
import { groupText, groupsOf } from './lines';
import { alertIdFor } from './sentAlerts';

/**
 * The run summary tickets. Gradient can only ticket a mapped account, so alerts about the run
 * itself go to one "house" account, one ticket per run and category, with the items listed in
 * the description.
 */

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
		products: new Set(
			items.map((i) => displayText(i.product) ?? displayText(i.gradientServiceName) ?? ''),
		).size,
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
