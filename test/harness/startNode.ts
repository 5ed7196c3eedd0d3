import { NodeConnectionTypes, NodeOperationError, jsonParse } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

/** Type name of the test-only start node (n8n-nodes-base, and so its Manual Trigger, is not installed). */
export const START_NODE_TYPE = 'test.start';

/**
 * A start node for fixtures: it has no inputs and emits the items given in its `items`
 * parameter (a JSON array of objects, default `[{}]`). It is an ordinary `execute` node so it
 * behaves the same in every execution mode (manual, cli, trigger).
 */
export class TestStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Start',
		name: START_NODE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits the items given as JSON (tests only)',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '[{}]',
				description: 'A JSON array of objects; each becomes one output item',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0, '[{}]') as unknown;
		const parsed: unknown = typeof raw === 'string' ? jsonParse(raw) : raw;
		if (!Array.isArray(parsed)) {
			throw new NodeOperationError(this.getNode(), 'The "items" parameter must be a JSON array');
		}
		return [
			parsed.map((json) => ({
				json: (json ?? {}) as IDataObject,
				pairedItem: { item: 0 },
			})),
		];
	}
}
