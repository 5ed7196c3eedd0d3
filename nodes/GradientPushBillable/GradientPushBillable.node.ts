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
import { pushBillable } from './execute';

export class GradientPushBillable implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gradient Push Billable',
		name: 'gradientPushBillable',
		icon: { light: 'file:gradient.svg', dark: 'file:gradient.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["dryRun"] ? "Dry run" : "Push unit counts"}}',
		description:
			'Set the unit count of each Gradient account and service, remembering what was pushed for an audit trail and for zeroing cancelled services',
		defaults: { name: 'Gradient Push Billable' },
		// Not a tool: it writes billing data and has several outputs (the type has no `false`).
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
		],
		outputNames: ['Pushed', 'Not Mapped', 'Failed', 'Held for Review', 'Memory Warnings'],
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
					'Pushes one count per Gradient account and service. Pushed lists every pair with its previous count (an audit trail), Not Mapped the pairs Gradient answered 404 for (map them in Synthesize), Failed what could not be sent, Held for Review what the guards held back, Memory Warnings when the billing memory is empty or lost while Gradient shows earlier runs.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			...memoryProperties('the counts it pushed, held pairs and approvals'),
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to only show what would be pushed, with the previous counts, without sending any count or updating the ledger',
			},
			{
				displayName: 'Zero Vanished Pairs',
				name: 'zeroVanished',
				type: 'boolean',
				default: true,
				description:
					'Whether to push 0 for a pair pushed before whose customer or product the input proves gone (a complete walk by Get Counts no longer has it), so a cancelled service stops being billed',
			},
			{
				displayName: 'Change Guard',
				name: 'changeGuard',
				type: 'boolean',
				default: false,
				description:
					'Whether to hold back pairs whose count changes by more than a set share, or drops to 0, and send them to Held for Review instead of pushing them',
			},
			{
				displayName: 'Max Change (%)',
				name: 'maxChangePercent',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 50,
				description:
					'A pair whose count changes by more than this share of its previous count is held for review',
				displayOptions: { show: { changeGuard: [true] } },
			},
			{
				displayName: 'Hold Drops to Zero',
				name: 'holdDropsToZero',
				type: 'boolean',
				default: true,
				description: 'Whether a pair whose count drops to 0 is held for review',
				displayOptions: { show: { changeGuard: [true] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Account ID Field',
						name: 'accountIdField',
						type: 'string',
						default: 'gradientAccountId',
						description: 'The input field that holds the Gradient account ID',
					},
					{
						displayName: 'Approve All Held Before',
						name: 'approveHeldBefore',
						type: 'dateTime',
						default: '',
						description:
							'Every pair held for review before this moment passes the guards on this run (zeroes included)',
					},
					{
						displayName: 'Approve Held Pairs',
						name: 'approveHeldKeys',
						type: 'string',
						typeOptions: { rows: 3 },
						default: '',
						placeholder: 'e.g. 1042|64f0c1d2e3a4b5c6d7e8f901',
						description:
							'Ledger keys (the ledgerKey of a Held for Review item) that pass the guards on this run, separated by commas or new lines',
					},
					{
						displayName: 'Count Field',
						name: 'countField',
						type: 'string',
						default: 'count',
						description: 'The input field that holds the unit count',
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
					{
						displayName: 'Hold Mass Zeroing',
						name: 'holdMassZeroing',
						type: 'boolean',
						default: true,
						description:
							'Whether zeroes go to Held for Review when one run would zero more than the share or number of pairs set below',
					},
					{
						displayName: 'Max Zeroed Pairs',
						name: 'maxZeroPairs',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 25,
						description: 'More zeroes than this in one run are held for review',
					},
					{
						displayName: 'Max Zeroed Share (%)',
						name: 'maxZeroSharePercent',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 100 },
						default: 10,
						description:
							'More zeroes than this share of the remembered pairs in one run are held for review',
					},
					{
						displayName: 'Product Field',
						name: 'productField',
						type: 'string',
						default: 'product',
						description: 'The input field that holds the product name',
					},
					{
						displayName: 'Service ID Field',
						name: 'serviceIdField',
						type: 'string',
						default: 'gradientServiceId',
						description: 'The input field that holds the Gradient service ID',
					},
					{
						displayName: 'Skip Unchanged Pairs',
						name: 'skipUnchanged',
						type: 'boolean',
						default: false,
						description:
							'Whether to leave out pairs whose count equals the one last pushed (Gradient advises pushing everything); they still get an audit item with status "unchanged"',
					},
					{
						displayName: 'Walk Field',
						name: 'walkField',
						type: 'string',
						default: 'walk',
						description:
							'The input field that holds the walk stamp of Get Counts (needed to zero vanished pairs)',
					},
					...requestOptions(GRADIENT_DEFAULTS),
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await pushBillable.call(this);
	}
}
