import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CountRule } from '../shared/counting';
import { COUNT_RULE_NAMES, compareIds, isCountRule } from '../shared/counting';
import { inputError } from '../shared/errors';
import type { ProductNameRule } from '../shared/products';
import { parseProductFilter, productNamer } from '../shared/products';

/** What one input item asks Get Counts for; items asking the same share one walk. */
export interface Ask {
	customers: 'all' | string[];
	rule: CountRule;
	includeZero: boolean;
	products?: string[];
	productNames: ProductNameRule[];
	groupDetail: boolean;
}

/** A chosen customer's id: the resource locator's value (or a bare value), trimmed. */
function customerIdOf(value: unknown): string {
	const raw =
		value && typeof value === 'object' ? (value as { value?: unknown }).value : (value as unknown);
	return raw === undefined || raw === null ? '' : String(raw).trim();
}

/** The parameters of one input item; a count rule or customer choice that cannot be used is refused. */
export function readAsk(ctx: IExecuteFunctions, itemIndex: number): Ask {
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
