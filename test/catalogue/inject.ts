import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

/** Type name of the test-only node that emits items JSON cannot carry (NaN, Infinity). */
export const INJECT_TYPE = 'test.inject';

/** Items by key: the node emits `ITEMS.get(key)` as they are, values JSON cannot hold included. */
export const INJECTED = new Map<string, IDataObject[]>();

/**
 * Emits the items registered under its `key` parameter, as they are (an n8n Set or Code node
 * can produce NaN or Infinity; the test start node cannot, because it parses JSON).
 */
export class Inject implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inject',
		name: INJECT_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Emits registered items as they are (tests only)',
		defaults: { name: 'Inject' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [{ displayName: 'Key', name: 'key', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('key', 0, '') as string;
		const items = INJECTED.get(key) ?? [];
		return [items.map((json) => ({ json: { ...json }, pairedItem: { item: 0 } }))];
	}
}
