import { randomString } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CustomerData } from '../shared/counting';
import { compareIds, countCustomer, customerDomains } from '../shared/counting';
import type { MailprotectorClient } from '../shared/mailprotector/client';
import {
	closestProduct,
	productNamer,
	productsCarried,
	unmatchedProducts,
} from '../shared/products';
import type { WalkStamp } from '../shared/walkStamp';
import type { Ask } from './parameters';
import type { SkippedCustomer } from './walkReseller';
import { walkReseller } from './walkReseller';

/** The walk stamp Get Counts puts on its items: the shared contract plus what this walk saw. */
export interface GetCountsWalk extends WalkStamp {
	calls: number;
	skipped?: SkippedCustomer[];
}

/** Warnings shown as execution hints, at most. */
const MAX_WARNINGS = 20;

/** Walks the reseller for one ask and returns its items, each (customer, product) with its count and the walk's stamp. */
export async function countWalk(
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
