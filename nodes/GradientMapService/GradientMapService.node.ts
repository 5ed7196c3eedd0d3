import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { CATEGORIES, SUBCATEGORIES } from '../shared/gradient/schemas';
import { requestOptions } from '../shared/options';
import { GRADIENT_DEFAULTS } from '../shared/transport';
import { mapServices } from './execute';

const SMALL_WORDS = new Set(['and', 'as', 'a', 'of', 'or', 'on']);

/** Option labels in Title Case; the values stay Gradient's exact, case-sensitive strings. */
function label(value: string): string {
	return value
		.replace('priviledged', 'privileged')
		.split(' ')
		.map((word, i) =>
			i > 0 && SMALL_WORDS.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1),
		)
		.join(' ');
}

function choices(values: readonly string[]): INodePropertyOptions[] {
	return values
		.map((value) => ({ name: label(value), value }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

const FROM_OPTIONS: INodePropertyOptions = { name: 'Default (From Options)', value: '' };

export class GradientMapService implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gradient Map Service',
		name: 'gradientMapService',
		icon: { light: 'file:gradient.svg', dark: 'file:gradient.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["dryRun"] ? "Dry run" : "Resolve services"}}',
		description:
			"Resolve each item's Mailprotector product to a Gradient service, creating missing services",
		defaults: { name: 'Gradient Map Service' },
		// Not a tool: it creates vendor services and has two outputs (n8n's type allows only true or absent).
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Mapped', 'Unmapped'],
		credentials: [{ name: 'gradientApi', required: true }],
		properties: [
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to only report which services would be created (gradientServiceAction "would_create"), without writing anything to Gradient',
			},
			{
				displayName: 'Create Missing Services',
				name: 'createMissing',
				type: 'boolean',
				default: true,
				description:
					'Whether to create a Gradient service for a product that has none yet; when off, such items go to Unmapped',
			},
			{
				displayName: 'Service Table',
				name: 'serviceTable',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				placeholder: 'Add Product Rule',
				default: {},
				description:
					'How particular products become Gradient services. A product without a row maps to the service of its own name (case does not matter).',
				options: [
					{
						displayName: 'Rule',
						name: 'rules',
						values: [
							{
								displayName: 'Product',
								name: 'product',
								type: 'string',
								default: '',
								placeholder: 'e.g. BracketBundle',
								description: 'The product as Get Counts names it (case does not matter)',
							},
							{
								displayName: 'Action',
								name: 'handling',
								type: 'options',
								options: [
									{
										name: 'Exclude',
										value: 'exclude',
										description: 'Leave the product out: its items go to Unmapped',
									},
									{
										name: 'Map To',
										value: 'map',
										description:
											'Send the product to the service named below; products sharing a service have their counts summed by Push Billable',
									},
								],
								default: 'map',
							},
							{
								displayName: 'Service Name',
								name: 'serviceName',
								type: 'string',
								default: '',
								placeholder: 'e.g. Email Security Bundle',
								description:
									"The Gradient service's name; empty means the product's own name. Created when missing.",
								displayOptions: { show: { handling: ['map'] } },
							},
							{
								displayName: 'New Service',
								name: 'newService',
								type: 'collection',
								placeholder: 'Set Category',
								default: {},
								description:
									'Category and subcategory of the service if it has to be created (default: Options > Default Category and Default Subcategory)',
								displayOptions: { show: { handling: ['map'] } },
								options: [
									{
										displayName: 'Category',
										name: 'category',
										type: 'options',
										options: [FROM_OPTIONS, ...choices(CATEGORIES)],
										default: '',
										description: 'Category of the service if it has to be created',
									},
									{
										displayName: 'Subcategory',
										name: 'subcategory',
										type: 'options',
										options: [FROM_OPTIONS, ...choices(SUBCATEGORIES)],
										default: '',
										description: 'Subcategory of the service if it has to be created',
									},
								],
							},
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Customer ID Field',
						name: 'customerIdField',
						type: 'string',
						default: 'customerId',
						description: 'The input field that holds the Mailprotector customer ID',
					},
					{
						displayName: 'Default Category',
						name: 'defaultCategory',
						type: 'options',
						options: choices(CATEGORIES),
						default: 'security',
						description: 'Category of a service created for a product without one in its table row',
					},
					{
						displayName: 'Default Subcategory',
						name: 'defaultSubcategory',
						type: 'options',
						options: choices(SUBCATEGORIES),
						default: 'email security',
						description:
							'Subcategory of a service created for a product without one in its table row',
					},
					{
						displayName: 'Product Field',
						name: 'productField',
						type: 'string',
						default: 'product',
						description: 'The input field that holds the Mailprotector product',
					},
					...requestOptions(GRADIENT_DEFAULTS),
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await mapServices.call(this);
	}
}
