import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';

import { asNodeError, reasonOf, stopsTheRun } from '../shared/errors';
import { MailprotectorClient } from '../shared/mailprotector/client';
import { requestSettings } from '../shared/options';
import { countWalk } from './counts';
import type { Ask } from './parameters';
import { readAsk } from './parameters';

/**
 * One walk per distinct set of parameters, its items paired to every input item that asked for
 * it. A walk that fails fails its items; a 401 fails every later walk with the same reason.
 */
export async function getCounts(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const first = this.getNodeParameter('options', 0, {}) as IDataObject;
	const client = new MailprotectorClient(this, requestSettings(first));

	// One walk per distinct parameter set; every input item that asked for it pairs to it.
	const asks = new Map<string, { ask: Ask; itemIndexes: number[] }>();
	const out: INodeExecutionData[] = [];
	const failed = (itemIndex: number, message: string) =>
		out.push({
			json: { ...items[itemIndex].json, reason: message },
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
			const produced = await countWalk(this, client, ask, itemIndexes[0]);
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
