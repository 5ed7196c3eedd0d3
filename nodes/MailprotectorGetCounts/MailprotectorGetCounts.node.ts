import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { MailprotectorClient } from '../shared/mailprotector/client';
import { requestOptions } from '../shared/options';
import { MAILPROTECTOR_DEFAULTS } from '../shared/transport';
import { getCounts } from './execute';

/** Pages of customers one list search reads at most before it hands back a token. */
const SEARCH_PAGES = 4;

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
		return await getCounts.call(this);
	}
}
