import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MEMORY_TABLE } from './dataTableStore';

/** "Billing Memory" and "Memory Table", the same on Push Billable, Gradient Alert and Assign Customer. */
export function memoryProperties(what: string): INodeProperties[] {
	return [
		{
			displayName: 'Billing Memory',
			name: 'memory',
			type: 'options',
			options: [
				{
					name: 'Workflow Static Data (Single N8n)',
					value: 'staticData',
					description:
						'Zero set-up. Safe only on one n8n with a simple schedule: lost in queue mode, rolled back by schedules with a recurrence, not saved for editor runs.',
				},
				{
					name: 'N8n Data Table (Queue Mode, Recommended)',
					value: 'dataTable',
					description:
						"Rows in an n8n data table through n8n's API, written at once: survives queue mode, editor runs, overlapping runs and crashes. Needs an n8n API key.",
				},
			],
			default: 'staticData',
			description: `Where the node remembers ${what}. Use the same memory on Push Billable, Gradient Alert and Assign Customer.`,
		},
		{
			displayName: 'Memory Table',
			name: 'memoryTable',
			type: 'string',
			default: DEFAULT_MEMORY_TABLE,
			description:
				'The n8n data table that holds the memory (created when missing, with string columns org, kind, key, value, at). Use the same name on every node of the sync.',
			displayOptions: { show: { memory: ['dataTable'] } },
		},
	];
}
