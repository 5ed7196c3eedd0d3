import { NodeOperationError, randomString } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';

import type { CountRule, CustomerData } from '../shared/counting';
import {
	COUNT_RULE_NAMES,
	compareIds,
	countCustomer,
	customerDomains,
	isCountRule,
} from '../shared/counting';
import { asNodeError, inputError, reasonOf, stopsTheRun } from '../shared/errors';
import { MailprotectorClient } from '../shared/mailprotector/client';
import { requestSettings } from '../shared/options';
import type { ProductNameRule } from '../shared/products';
import {
	closestProduct,
	parseProductFilter,
	productNamer,
	productsCarried,
	unmatchedProducts,
} from '../shared/products';
import type { WalkStamp } from '../shared/walkStamp';
import type { SkippedCustomer } from './walkReseller';
import { walkReseller } from './walkReseller';

/** The walk stamp Get Counts puts on its items: the shared contract plus what this walk saw. */
export interface GetCountsWalk extends WalkStamp {
	calls: number;
	skipped?: SkippedCustomer[];
}

interface Ask {
	customers: 'all' | string[];
	rule: CountRule;
	includeZero: boolean;
	products?: string[];
	productNames: ProductNameRule[];
	groupDetail: boolean;
}

/** Warnings shown as execution hints, at most. */
const MAX_WARNINGS = 20;

/** A chosen customer's id: the resource locator's value (or a bare value), trimmed. */
function customerIdOf(value: unknown): string {
	const raw =
		value && typeof value === 'object' ? (value as { value?: unknown }).value : (value as unknown);
	return raw === undefined || raw === null ? '' : String(raw).trim();
}

export async function getCounts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const first = this.getNodeParameter('options', 0, {}) as IDataObject;
	const client = new MailprotectorClient(this, requestSettings(first));

	// One walk per distinct parameter set; every input item that asked for it pairs to it.
	const asks = new Map<string, { ask: Ask; itemIndexes: number[] }>();
	const out: INodeExecutionData[] = [];
	const failed = (itemIndex: number, message: string) =>
		out.push({
			json: { ...items[itemIndex].json, reason: message },
			pairedItem: { item: itemIndex },
		});
	for (let i = 0; i < items.length; i++) {
		try {
			const ask = readAsk(this, i);
			const key = JSON.stringify(ask);
			const entry = asks.get(key) ?? { ask, itemIndexes: [] };
			entry.itemIndexes.push(i);
			asks.set(key, entry);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, i);
			failed(i, reasonOf(error));
		}
	}

	let stop: string | undefined;
	for (const { ask, itemIndexes } of asks.values()) {
		const pairedItem: IPairedItemData[] = itemIndexes.map((item) => ({ item }));
		if (stop !== undefined) {
			for (const i of itemIndexes) failed(i, stop);
			continue;
		}
		try {
			const produced = await runWalk(this, client, ask, itemIndexes[0]);
			for (const json of produced) {
				out.push({ json, pairedItem: pairedItem.length === 1 ? pairedItem[0] : pairedItem });
			}
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, itemIndexes[0]);
			const reason = reasonOf(error);
			if (stopsTheRun(error)) stop = reason;
			for (const i of itemIndexes) failed(i, reason);
		}
	}
	return [out];
}

function readAsk(ctx: IExecuteFunctions, itemIndex: number): Ask {
	const node = ctx.getNode();
	const scope = ctx.getNodeParameter('customerScope', itemIndex, 'all') as string;
	const rule: unknown = ctx.getNodeParameter('rule', itemIndex, 'billableUsers');
	if (!isCountRule(rule)) {
		// Only an expression can give another value; counting by a guessed rule would bill wrongly.
		const allowed = Object.entries(COUNT_RULE_NAMES)
			.map(([value, name]) => `${name} (${value})`)
			.join(', ');
		throw inputError(
			node,
			itemIndex,
			'Count Rule',
			`is ${JSON.stringify(rule) ?? String(rule)}, which is not a count rule`,
			`Choose one of: ${allowed}. An expression must return the value in brackets.`,
		);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const productNames = (
		((options.productNames as IDataObject | undefined)?.name as IDataObject[] | undefined) ?? []
	)
		.map((r) => ({
			serviceType: String(r.serviceType ?? '').trim(),
			product: String(r.product ?? '').trim(),
		}))
		.filter((r) => r.serviceType && r.product);
	let customers: Ask['customers'] = 'all';
	if (scope === 'selected') {
		const chosen = (
			((ctx.getNodeParameter('selectedCustomers', itemIndex, {}) as IDataObject).customer as
				| IDataObject[]
				| undefined) ?? []
		).map((entry) => customerIdOf(entry.customer));
		const bad = chosen.find((id) => !/^\d+$/.test(id));
		if (bad !== undefined || chosen.length === 0) {
			throw new NodeOperationError(
				node,
				bad === undefined
					? `No customer is chosen in "Selected Customers" [item ${itemIndex}]`
					: `"${bad}" in "Selected Customers" is not a Mailprotector customer ID [item ${itemIndex}]`,
				{
					itemIndex,
					description:
						'Add at least one customer under Selected Customers (from the list, or by its numeric ID), or set Customers to All.',
				},
			);
		}
		customers = [...new Set(chosen)].sort(compareIds);
	}
	const productOf = productNamer(productNames);
	return {
		customers,
		rule,
		includeZero: options.includeZero === true,
		groupDetail: options.groupDetail === true,
		products: parseProductFilter(String(options.products ?? ''), productOf),
		productNames,
	};
}

async function runWalk(
	ctx: IExecuteFunctions,
	client: MailprotectorClient,
	ask: Ask,
	itemIndex: number,
): Promise<IDataObject[]> {
	const result = await walkReseller(client, {
		rule: ask.rule,
		includeZero: ask.includeZero,
		customers: ask.customers,
		itemIndex,
	});
	const settings = {
		rule: ask.rule,
		includeZero: ask.includeZero,
		productOf: productNamer(ask.productNames),
		products: ask.products,
		groupDetail: ask.groupDetail,
	};
	const rows: IDataObject[] = [];
	for (const customer of [...result.customers].sort((a, b) => compareIds(a.id, b.id))) {
		const domains = customerDomains(customer);
		for (const row of countCustomer(customer, settings)) {
			rows.push({
				customerId: customer.id,
				customerName: customer.name,
				domains,
				product: row.product,
				count: row.count,
				breakdown: row.breakdown as unknown as IDataObject,
			});
		}
	}
	const walk: GetCountsWalk = {
		id: randomString(16),
		complete: result.complete,
		customers: ask.customers,
		products: ask.products ?? 'all',
		items: rows.length,
		calls: result.calls,
		...(result.skipped.length ? { skipped: result.skipped } : {}),
	};
	const stamp = walk as unknown as IDataObject;
	ctx.addExecutionHints({
		message: `Walked ${result.customers.length} customers with ${result.calls} Mailprotector API calls and output ${rows.length} items${result.complete ? '' : ' (incomplete walk: nothing will be zeroed for it)'}`,
		type: 'info',
		location: 'outputPane',
	});
	const warnings = [
		...productFilterWarning(result.customers, settings.productOf, ask.products),
		...result.skipped.map((s) => `Customer ${s.customerId} was skipped: ${s.reason}`),
		...result.notes,
	];
	// A flaky API could produce thousands; the stamp keeps every skipped customer anyway.
	for (const message of warnings.slice(0, MAX_WARNINGS)) {
		ctx.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
	}
	if (warnings.length > MAX_WARNINGS) {
		ctx.addExecutionHints({
			message: `... and ${warnings.length - MAX_WARNINGS} more like these (skipped customers are all listed in walk.skipped)`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	return rows.map((row) => ({ ...row, walk: stamp }));
}

/** A Products filter name that matches no product of the walk is most likely a typo: say so. */
function productFilterWarning(
	customers: CustomerData[],
	productOf: (serviceType: string) => string,
	filter: string[] | undefined,
): string[] {
	const carried = productsCarried(customers, productOf);
	const unmatched = unmatchedProducts(filter, carried);
	if (!unmatched.length) return [];
	const names = unmatched.map((p) => `"${p}"`).join(', ');
	const meant = unmatched
		.map((p) => [p, closestProduct(p, carried)])
		.filter((pair): pair is [string, string] => pair[1] !== undefined)
		.map(([p, product]) => `"${p}" -> "${product}"`);
	const how = meant.length ? `: ${meant.join(', ')}` : ' (as the items spell the products)';
	return [
		`Products filter ${names} matched nothing; products seen: ${carried.join(', ') || 'none'}. Correct the name under Options > Products${how}, or leave it empty for all products.`,
	];
}
