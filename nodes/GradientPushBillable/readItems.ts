import type { IDataObject } from 'n8n-workflow';

import type { WalkStamp } from '../shared/walkStamp';
import { sourceKey, walkOf } from '../shared/walkStamp';

/** Where Push reads each value from; every name can be changed in the node's Options. */
export interface FieldNames {
	gradientAccountId: string;
	gradientServiceId: string;
	count: string;
	customerId: string;
	customerName: string;
	product: string;
	walk: string;
}

export const DEFAULT_FIELDS: FieldNames = {
	gradientAccountId: 'gradientAccountId',
	gradientServiceId: 'gradientServiceId',
	count: 'count',
	customerId: 'customerId',
	customerName: 'customerName',
	product: 'product',
	walk: 'walk',
};

/** A field by name; a dotted name (`counts.total`) reaches into objects when no key has the dots. */
export function fieldValue(json: IDataObject, name: string): unknown {
	if (name in json) return json[name];
	if (!name.includes('.')) return undefined;
	let value: unknown = json;
	for (const part of name.split('.')) {
		if (!value || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[part];
	}
	return value;
}

export interface PushItem {
	index: number;
	gradientAccountId: string;
	gradientServiceId: string;
	count: number;
	customerId: string;
	customerName: string;
	product: string;
	walk?: WalkStamp;
	/** Assign Customer's `gradientAccountMapped`: false predicts a 404 (dry runs say so). */
	accountMapped?: boolean | null;
}

/** An item that cannot be pushed as it is; names the field and says how to fix it. */
export interface BadItem {
	index: number;
	field: string;
	problem: string;
	fix: string;
	gradientAccountId?: string;
	gradientServiceId?: string;
	count?: number;
	customerId?: string;
	customerName?: string;
	product?: string;
	walk?: WalkStamp;
}

export type ReadItem = { item: PushItem } | { bad: BadItem };

function readId(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	return undefined;
}

function readText(value: unknown): string | undefined {
	if (typeof value === 'string' || typeof value === 'number') return String(value);
	return undefined;
}

/** A count as Gradient takes it: a finite number, not negative. Numeric text is read as a number. */
export function readCount(value: unknown): { count: number } | { problem: string } {
	if (value === undefined || value === null || value === '') return { problem: 'is missing' };
	let n: number;
	if (typeof value === 'number') {
		n = value;
	} else if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
		n = Number(value);
	} else {
		const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
		return { problem: `is not a number (got ${shown})` };
	}
	if (!Number.isFinite(n)) return { problem: `is not a finite number (got ${String(value)})` };
	if (n < 0) return { problem: `is negative (${n}); a unit count cannot be below 0` };
	return { count: n };
}

/** Stands in for the id of a service a dry-run Map Service would create, in a dry run only. */
export function plannedServiceId(json: IDataObject): string | undefined {
	if (json.gradientServiceAction !== 'would_create') return undefined;
	const name = readText(json.gradientServiceName) ?? readText(json.product);
	return name ? `(new service) ${name}` : undefined;
}

/** Reads one input item; never guesses a number. */
export function readItem(
	json: IDataObject,
	index: number,
	fields: FieldNames,
	dryRun = false,
): ReadItem {
	const gradientAccountId = readId(fieldValue(json, fields.gradientAccountId));
	const gradientServiceId =
		readId(fieldValue(json, fields.gradientServiceId)) ??
		(dryRun ? plannedServiceId(json) : undefined);
	const counted = readCount(fieldValue(json, fields.count));
	const product = readText(fieldValue(json, fields.product)) ?? '';
	const customerId =
		readId(fieldValue(json, fields.customerId)) ?? gradientAccountId ?? `item-${index}`;
	const customerName = readText(fieldValue(json, fields.customerName)) ?? '';
	const walk = walkOf({ walk: fieldValue(json, fields.walk) } as IDataObject);
	const known = {
		index,
		gradientAccountId,
		gradientServiceId,
		customerId,
		customerName,
		product,
		walk,
		count: 'count' in counted ? counted.count : undefined,
	};
	const bad = (field: string, problem: string, fix: string): ReadItem => ({
		bad: { ...known, field, problem, fix },
	});
	if (!gradientAccountId) {
		return bad(
			fields.gradientAccountId,
			'is missing or empty',
			'Connect Push Billable after Gradient Assign Customer (output Assigned), or set the field name under Input Fields > Account ID Field.',
		);
	}
	if (!gradientServiceId) {
		return bad(
			fields.gradientServiceId,
			'is missing or empty',
			'Connect Push Billable after Gradient Map Service (output Mapped), or set the field name under Input Fields > Service ID Field.',
		);
	}
	if ('problem' in counted) {
		return bad(
			fields.count,
			counted.problem,
			'Each item needs a unit count that is a number of 0 or more (as Get Counts emits). Check the node before Push, or set the field name under Input Fields > Count Field.',
		);
	}
	const mapped = json.gradientAccountMapped;
	return {
		item: {
			...known,
			gradientAccountId,
			gradientServiceId,
			count: counted.count,
			accountMapped: typeof mapped === 'boolean' ? mapped : null,
		},
	};
}

/** What an input item holds, whether it can be pushed or not. */
export type ItemValues = PushItem | BadItem;

export function valuesOf(r: ReadItem): ItemValues {
	return 'item' in r ? r.item : r.bad;
}

/** Counts summed and compared without float noise (0.1 + 0.2). */
export const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Ids and names without blanks or repeats, in the order first seen. */
export function unique(values: string[]): string[] {
	return [...new Set(values.filter((v) => v !== ''))];
}

export interface Refusal {
	reason: string;
	field?: string;
}

/** Why each refused item is refused: its own problem, or a twin (its source arrived twice). */
export function refusals(read: ReadItem[]): Map<number, Refusal> {
	const refused = new Map<number, Refusal>();
	// (customer, product) -> items: two items for one source are a mistake upstream, never summed.
	// Without a product field, the service stands in for it (input from a sheet, not Get Counts).
	const identity = (v: ItemValues) =>
		sourceKey(v.customerId ?? '', v.product || `#service:${v.gradientServiceId ?? ''}`);
	const twins = new Map<string, number[]>();
	for (const r of read) {
		const v = valuesOf(r);
		twins.set(identity(v), [...(twins.get(identity(v)) ?? []), v.index]);
	}
	for (const r of read) {
		if ('bad' in r) {
			refused.set(r.bad.index, {
				reason: `Item ${r.bad.index}: field "${r.bad.field}" ${r.bad.problem}. ${r.bad.fix}`,
				field: r.bad.field,
			});
			continue;
		}
		const v = r.item;
		const same = twins.get(identity(v)) ?? [];
		if (same.length > 1) {
			refused.set(v.index, {
				reason: `Items ${same.join(' and ')} are all for customer ${v.customerId}, product "${v.product}": one (customer, product) must arrive once, and duplicates are never summed. Remove the duplicate before Push`,
				field: 'product',
			});
		}
	}
	return refused;
}
