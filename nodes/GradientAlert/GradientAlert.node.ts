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
import { sendAlerts } from './execute';

export class GradientAlert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gradient Alert',
		name: 'gradientAlert',
		icon: { light: 'file:gradient.svg', dark: 'file:gradient.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["mode"] === "perItem" ? "One ticket per item" : "Run summary: " + $parameter["category"]}}',
		description:
			'Open a PSA ticket through Gradient alerting, once per alert: one per item, or one summary per run',
		defaults: { name: 'Gradient Alert' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
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
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Run Summary',
						value: 'runSummary',
						description:
							'One ticket per run and category on your house account, listing every incoming item',
					},
					{
						name: 'One Ticket per Item',
						value: 'perItem',
						description: "One ticket per incoming item, on the item's own Gradient account",
					},
				],
				default: 'runSummary',
			},
			{
				displayName:
					'Gradient can only open tickets for an account that is mapped to a PSA company. Create an account for your own company (e.g. with an override in Assign Customer) and map it in Synthesize.',
				name: 'houseNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { mode: ['runSummary'] } },
			},
			{
				displayName: 'House Account ID',
				name: 'houseAccountId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. msp-house',
				description:
					'The Gradient account ID of an account mapped to your own company in the PSA; every summary ticket goes there',
				displayOptions: { show: { mode: ['runSummary'] } },
			},
			{
				displayName: 'Category',
				name: 'category',
				type: 'options',
				options: [
					{
						name: 'Custom',
						value: 'custom',
						description: 'Any items, under a title you choose',
					},
					{
						name: 'Failed',
						value: 'failed',
						description: 'Counts Push Billable could not send (its Failed output)',
					},
					{
						name: 'Held for Review',
						value: 'held',
						description: 'Counts the guards held back (Push Billable, Held for Review)',
					},
					{
						name: 'Needs Mapping',
						value: 'needsMapping',
						description:
							'Customers Assign Customer could not give an account (its Needs Mapping output)',
					},
					{
						name: 'Not Mapped',
						value: 'notMapped',
						description: 'Pairs Gradient answered 404 for (Push Billable, Not Mapped)',
					},
					{
						name: 'Unmapped',
						value: 'unmapped',
						description: 'Products Map Service found no service for (its Unmapped output)',
					},
				],
				default: 'failed',
				description:
					'What the incoming items are; it sets the title and the advice in the ticket. One ticket is opened per category.',
				displayOptions: { show: { mode: ['runSummary'] } },
			},
			{
				displayName: 'Title',
				name: 'customTitle',
				type: 'string',
				default: '',
				placeholder: 'e.g. Mailprotector sync: customers to check',
				description: 'The ticket title (the number of items and the run are added)',
				displayOptions: { show: { mode: ['runSummary'], category: ['custom'] } },
			},
			{
				displayName: 'Account ID',
				name: 'accountId',
				type: 'string',
				required: true,
				default: '={{ $json.gradientAccountId }}',
				description: 'The Gradient account the ticket is for (it must be mapped in Synthesize)',
				displayOptions: { show: { mode: ['perItem'] } },
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. Licence count changed for {{ $json.customerName }}',
				description: 'The ticket title',
				displayOptions: { show: { mode: ['perItem'] } },
			},
			{
				displayName: 'Description',
				name: 'alertDescription',
				type: 'string',
				typeOptions: { rows: 4 },
				required: true,
				default: '',
				description: 'The ticket body',
				displayOptions: { show: { mode: ['perItem'] } },
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'options',
				options: [
					{ name: 'Low', value: 1 },
					{ name: 'Medium', value: 2 },
					{ name: 'High', value: 3 },
					{ name: 'Very High', value: 4 },
				],
				default: 1,
				description: 'The ticket priority in the PSA',
			},
			{
				displayName: 'Ticket Status',
				name: 'ticketStatus',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 6 },
				default: 1,
				description: 'The status (1 to 6) the ticket is created in; 1 is the PSA default',
			},
			...memoryProperties(
				'the alerts it sent (by alertId), so a re-run does not open the same ticket again',
			),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Alert ID',
						name: 'alertId',
						type: 'string',
						default: '',
						placeholder: 'e.g. count-jump-1042-cloudfilter',
						description:
							'Your own ID for the alert. Empty: a hash of the account, title and description, so the same alert is never opened twice.',
					},
					{
						displayName: 'Due Date',
						name: 'dueDate',
						type: 'dateTime',
						default: '',
						description: 'When the ticket should be resolved by',
					},
					{
						displayName: 'Max Listed Items',
						name: 'maxListedItems',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 100,
						description: 'A run summary lists at most this many items; the rest are counted',
					},
					{
						displayName: 'New Ticket Each Run',
						name: 'ticketEachRun',
						type: 'boolean',
						default: true,
						description:
							'Whether a run summary opens a new ticket every run; when off, a list identical to one already sent is not sent again',
					},
					{
						displayName: 'Poll Interval (Seconds)',
						name: 'pollSeconds',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 1 },
						default: 5,
						description: 'How often to ask Gradient whether the ticket exists',
					},
					{
						displayName: 'Remember Sent Alerts (Days)',
						name: 'rememberDays',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 90,
						description:
							'How long an alert ID already sent is not sent again (0: forever). Kept in the workflow static data.',
					},
					{
						displayName: 'Send Again If Already Sent',
						name: 'sendAgain',
						type: 'boolean',
						default: false,
						description:
							'Whether to send an alert whose ID was sent before (Gradient may still merge it)',
					},
					{
						displayName: 'Service ID',
						name: 'serviceId',
						type: 'string',
						default: '',
						placeholder: 'e.g. 64f0c1d2e3a4b5c6d7e8f901',
						description: 'The Gradient service the alert is about, to file it under that service',
					},
					{
						displayName: 'Wait for Ticket',
						name: 'waitForTicket',
						type: 'boolean',
						default: false,
						description:
							'Whether to wait until Gradient has created the ticket in the PSA and return its ID, or the errors that stopped it',
					},
					{
						displayName: 'Wait Timeout (Seconds)',
						name: 'waitSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 60,
						description: 'How long to wait for each ticket at most',
					},
					...requestOptions(GRADIENT_DEFAULTS),
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await sendAlerts.call(this);
	}
}
