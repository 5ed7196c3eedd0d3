/**
 * The lines of a run summary: one per item (who, which product, the numbers, why), grouped per
 * customer, with what the item's reason shares with others found so it is said only once.
 */
import type { IDataObject } from 'n8n-workflow';

import { displayText } from '../shared/text';

/** "new -> 12" (nothing was sent before), "10 -> 12", "count 12", or '' when there is no count. */
function countText(json: IDataObject): string {
	if (typeof json.unitCount === 'number') {
		const previous = typeof json.previousCount === 'number' ? json.previousCount : 'new';
		return `${previous} -> ${json.unitCount}`;
	}
	return typeof json.count === 'number' ? `count ${json.count}` : '';
}

function whyOf(json: IDataObject): string | undefined {
	const why = displayText(json.reason) ?? displayText(json.error) ?? displayText(json.message);
	return why && why.length > 600 ? `${why.slice(0, 600)}...` : why;
}

/** One line of a summary: who, which product, the numbers and why, from whatever fields the item has. */
export function summaryLine(json: IDataObject): string {
	const name = displayText(json.customerName);
	const id = displayText(json.customerId);
	const who = name && id ? `${name} (customer ${id})` : (name ?? (id ? `customer ${id}` : 'item'));
	const parts = [`- ${who}`];
	const product = displayText(json.product) ?? displayText(json.gradientServiceName);
	if (product) parts.push(`, ${product}`);
	const count = countText(json);
	if (count) parts.push(`: ${count}`);
	const why = whyOf(json);
	if (why) parts.push(`. ${why}`);
	if (typeof json.httpStatus === 'number') parts.push(` (HTTP ${json.httpStatus})`);
	const key = displayText(json.ledgerKey);
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
	for (const id of [displayText(json.gradientAccountId), displayText(json.customerId)]) {
		if (!id) continue;
		out = out.replace(
			new RegExp(`\\b(id:?|accounts?|customers?)(\\s+)${escapeRegExp(id)}(?![\\w-])`, 'gi'),
			'$1$2<ID>',
		);
	}
	return out;
}

export interface Line {
	json: IDataObject;
	/** The item's reason sentences, each with its generic form. */
	reasons: Array<{ own: string; generic: string }>;
}

export interface Group {
	heading: string;
	sortKey: string;
	lines: Line[];
}

/** The items grouped per customer (by id, else by name), customers and their products sorted. */
export function groupsOf(items: IDataObject[]): Group[] {
	const groups = new Map<string, Group>();
	for (const json of items) {
		const id = displayText(json.customerId);
		const name = displayText(json.customerName);
		const key = id ? `c:${id}` : name ? `n:${name}` : '-';
		let group = groups.get(key);
		if (!group) {
			const account = displayText(json.gradientAccountId);
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
			String(displayText(a.json.product) ?? '').localeCompare(
				String(displayText(b.json.product) ?? ''),
			),
		);
	}
	return sorted;
}

/** The block of one customer: its heading (with what its counts share), then one line per count. */
export function groupText(group: Group, common: Set<string>): string[] {
	const rest = (line: Line) => line.reasons.filter((r) => !common.has(r.generic));
	const first = rest(group.lines[0]).map((r) => r.own);
	// What every count of this customer says (besides what every count of the ticket says).
	const shared = first.filter((own) =>
		group.lines.every((l) => rest(l).some((r) => r.own === own)),
	);
	const candidates = displayText(group.lines[0].json.candidates);
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
		const product = displayText(json.product) ?? displayText(json.gradientServiceName);
		const count = countText(json);
		const head = [product, count].filter(Boolean).join(': ');
		const key = displayText(json.ledgerKey);
		const body = [head, own.join(' ')].filter(Boolean).join('. ');
		if (!body && !key) continue;
		out.push(`  - ${body}${key ? ` [${key}]` : ''}`);
	}
	return out;
}
