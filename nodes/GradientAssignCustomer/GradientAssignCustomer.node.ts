import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { memoryProperties } from '../shared/memory/parameters';
import { requestOptions } from '../shared/options';
import { GRADIENT_DEFAULTS } from '../shared/transport';
import { assignCustomers } from './execute';

export class GradientAssignCustomer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gradient Assign Customer',
		name: 'gradientAssignCustomer',
		icon: { light: 'file:gradient.svg', dark: 'file:gradient.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["dryRun"] ? "Dry run" : "Create or update accounts"}}',
		description:
			'Make every Mailprotector customer an account in Gradient exactly once and add its account ID',
		defaults: { name: 'Gradient Assign Customer' },
		// Not a tool: it writes billing accounts and has two outputs (n8n's type allows only true or absent).
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Assigned', 'Needs Mapping'],
		credentials: [
			{ name: 'gradientApi', required: true },
			{
				name: 'mailprotectorGradientMemoryApi',
				required: true,
				displayOptions: { show: { memory: ['dataTable'] } },
			},
		],
		properties: [
			{
				displayName:
					'Each customer becomes the Gradient account whose ID is its Mailprotector customer ID. Assigned items go on to Push Billable even when the MSP has not mapped the account yet; Needs Mapping items cannot be pushed.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to only report which accounts would be created or renamed (gradientAccountAction "would_create", "would_rename"), without writing anything to Gradient',
			},
			{
				displayName: 'Align Names With PSA',
				name: 'alignNames',
				type: 'boolean',
				default: false,
				description:
					'Whether to name an account with the exact spelling of the one PSA client whose name matches the customer\'s (ignoring case, punctuation, "&"/"and" and legal suffixes such as Inc, LLC, Ltd, GmbH), so Gradient maps it automatically. Uses Gradient\'s deprecated clients route; if it fails the run goes on without alignment.',
			},
			{
				displayName: 'Adopt Accounts by Name',
				name: 'adoptByName',
				type: 'boolean',
				default: false,
				description:
					"Whether to use an existing Gradient account whose name equals the customer's (e.g. one made by Mailprotector's own Gradient integration) instead of creating a second one. Do not let both integrations push counts for the same customers.",
			},
			{
				displayName: 'Account Overrides',
				name: 'overrides',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Override',
				default: {},
				description: 'Send a customer to a Gradient account of your choice instead of its own',
				options: [
					{
						displayName: 'Override',
						name: 'override',
						values: [
							{
								displayName: 'Customer ID',
								name: 'customerId',
								type: 'string',
								default: '',
								placeholder: 'e.g. 1024',
								description: 'The Mailprotector customer ID',
							},
							{
								displayName: 'Gradient Account ID',
								name: 'gradientAccountId',
								type: 'string',
								default: '',
								placeholder: 'e.g. 329',
								description:
									"The ID of an existing Gradient account; the customer's own ID keeps its account but skips name alignment",
							},
						],
					},
				],
			},
			{
				displayName: 'Exclude Customer IDs',
				name: 'excludeCustomerIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1024, 2048',
				description:
					'Mailprotector customer IDs to leave out, separated by commas. Their items leave the flow and Push Billable never zeroes them.',
			},
			...memoryProperties("the names it aligned to the PSA's spelling and the accounts it adopted"),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Create Batch Size',
						name: 'batchSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 1000 },
						default: 100,
						description: 'How many accounts one create request carries',
					},
					{
						displayName: 'Customer ID Field',
						name: 'customerIdField',
						type: 'string',
						default: 'customerId',
						description: 'The input field that holds the Mailprotector customer ID',
					},
					{
						displayName: 'Customer Name Field',
						name: 'customerNameField',
						type: 'string',
						default: 'customerName',
						description: 'The input field that holds the customer name',
					},
					...requestOptions(GRADIENT_DEFAULTS),
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await assignCustomers.call(this);
	}
}
