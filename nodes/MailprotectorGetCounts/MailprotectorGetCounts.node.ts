import { NodeConnectionTypes, NodeOperationError, randomString } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	INodeTypeDescription,
	IPairedItemData,
} from 'n8n-workflow';

import type { CountRule, CustomerData, ProductNameRule } from '../shared/counting';
import {
	COUNT_RULE_NAMES,
	closestProduct,
	compareIds,
	countCustomer,
	customerDomains,
	isCountRule,
	parseProductFilter,
	productNamer,
	productsCarried,
	unmatchedProducts,
} from '../shared/counting';
import { asNodeError, inputError, reasonOf, stopsTheRun } from '../shared/errors';
import { MailprotectorClient } from '../shared/mailprotector/client';
import type { SkippedCustomer } from '../shared/mailprotector/walk';
import { walkReseller } from '../shared/mailprotector/walk';
import { requestOptions, requestSettings } from '../shared/options';
import { MAILPROTECTOR_DEFAULTS } from '../shared/transport';
import type { WalkStamp } from '../shared/walk';

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

/** Pages of customers one list search reads at most before it hands back a token. */
const SEARCH_PAGES = 4;

function customerIdOf(value: unknown): string {
	const raw =
		value && typeof value === 'object' ? (value as { value?: unknown }).value : (value as unknown);
	return raw === undefined || raw === null ? '' : String(raw).trim();
}

export class MailprotectorGetCounts implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mailprotector Get Counts',
		name: 'mailprotectorGetCounts',
		icon: { light: 'file:mailprotector.svg', dark: 'file:mailprotector.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"billableUsers": "Billable Users", "groupUserCount": "User Group User Count", "billableUsersPlusAliases": "Billable Users Plus Aliases"}[$parameter["rule"]] || $parameter["rule"] }}',
		description:
			'Count billable Mailprotector licences per customer and product, ready to push to Gradient',
		defaults: { name: 'Mailprotector Get Counts' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'mailprotectorApi', required: true }],
		properties: [
			{
				displayName: 'Customers',
				name: 'customerScope',
				type: 'options',
				options: [
					{
						name: 'All',
						value: 'all',
						description: 'Every customer of the reseller in the credential',
					},
					{ name: 'Selected', value: 'selected', description: 'Only the customers chosen below' },
				],
				default: 'all',
				description: 'Which customers to count',
			},
			{
				displayName: 'Selected Customers',
				name: 'selectedCustomers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Customer',
				default: {},
				displayOptions: { show: { customerScope: ['selected'] } },
				options: [
					{
						displayName: 'Customer',
						name: 'customer',
						values: [
							{
								displayName: 'Customer',
								name: 'customer',
								type: 'resourceLocator',
								default: { mode: 'list', value: '' },
								modes: [
									{
										displayName: 'From List',
										name: 'list',
										type: 'list',
										typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
									},
									{
										displayName: 'By ID',
										name: 'id',
										type: 'string',
										placeholder: 'e.g. 1001',
										validation: [
											{
												type: 'regex',
												properties: {
													regex: '^\\s*\\d+\\s*$',
													errorMessage: 'A Mailprotector customer ID is a number',
												},
											},
										],
									},
								],
							},
						],
					},
				],
			},
			{
				displayName: 'Count Rule',
				name: 'rule',
				type: 'options',
				options: [
					{
						name: 'Billable Users',
						value: 'billableUsers',
						description:
							'Users of type "User" without a parent, once per service of their user group (aliases, mailing lists, unlicensed and discovered users are left out)',
					},
					{
						name: 'User Group User Count',
						value: 'groupUserCount',
						description:
							'The user_count Mailprotector reports on each user group, once per service of the group (fewer calls). Nothing is left out by this package: what Mailprotector includes (aliases, mailing lists?) is not documented.',
					},
					{
						name: 'Billable Users Plus Aliases',
						value: 'billableUsersPlusAliases',
						description:
							'Users of type "User" without a parent, plus users of type "Alias", once per service of their user group (mailing lists, unlicensed and discovered users are left out)',
					},
				],
				default: 'billableUsers',
				description: 'How a count is derived (Mailprotector has no count endpoint)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Breakdown Per User Group',
						name: 'groupDetail',
						type: 'boolean',
						default: false,
						description:
							"Whether to list every counted user group in each item's breakdown (its domain, services and users by type). Off keeps the totals per domain and user type and makes the items, and the executions n8n saves, about half as big.",
					},
					{
						displayName: 'Include Zero Counts',
						name: 'includeZero',
						type: 'boolean',
						default: false,
						description:
							'Whether to also output customer and product pairs whose count is 0 (a product a user group carries with nobody counted in it)',
					},
					{
						displayName: 'Product Names',
						name: 'productNames',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						placeholder: 'Add Product Name',
						default: {},
						description:
							'Your own service type to product names, checked before the built-in ones (CloudFilter, SafeSend, Bracket, BracketBundle, ContinuityBundle, XtraMail, SecureStore, CloudMail)',
						options: [
							{
								displayName: 'Product Name',
								name: 'name',
								values: [
									{
										displayName: 'Service Type',
										name: 'serviceType',
										type: 'string',
										default: '',
										placeholder: 'e.g. Shield Advanced',
										description:
											'A Mailprotector service_type, or its first words; matched without regard to case',
									},
									{
										displayName: 'Product',
										name: 'product',
										type: 'string',
										default: '',
										placeholder: 'e.g. Shield',
										description: 'The product name the items carry',
									},
								],
							},
						],
					},
					{
						displayName: 'Products',
						name: 'products',
						type: 'string',
						default: '',
						placeholder: 'e.g. CloudFilter, SafeSend',
						description:
							'Only output these products (comma-separated, without regard to case). Empty: all products.',
					},
					...requestOptions(MAILPROTECTOR_DEFAULTS),
				],
			},
		],
	};

	methods = {
		listSearch: {
			async searchCustomers(
				this: ILoadOptionsFunctions,
				filter?: string,
				paginationToken?: string,
			): Promise<INodeListSearchResult> {
				const client = new MailprotectorClient(this);
				const resellerId = await client.resellerId();
				const needle = (filter ?? '').trim().toLowerCase();
				let page = Math.max(1, Number(paginationToken) || 1);
				const results: INodeListSearchResult['results'] = [];
				// Filtered here, not by the API: its field filters may only match whole values.
				for (let read = 0; read < SEARCH_PAGES; read++, page++) {
					const customers = await client.customerPage(resellerId, page);
					if (customers.length === 0) return { results };
					for (const c of customers) {
						const id = String(c.id);
						if (needle && !c.name.toLowerCase().includes(needle) && id !== needle) continue;
						results.push({ name: `${c.name} (${id})`, value: id });
					}
				}
				return { results, paginationToken: String(page) };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const first = this.getNodeParameter('options', 0, {}) as IDataObject;
		const client = new MailprotectorClient(this, requestSettings(first));

		// One walk per distinct parameter set; every input item that asked for it pairs to it.
		const asks = new Map<string, { ask: Ask; itemIndexes: number[] }>();
		const out: INodeExecutionData[] = [];
		const failed = (itemIndex: number, message: string) =>
			out.push({
				json: { ...items[itemIndex].json, error: message },
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
