import type {
	IExecuteFunctions,
	INodeExecutionData,
	NodeExecutionHint,
	NodeOperationError,
} from 'n8n-workflow';

import { inputError, reasonOf } from '../shared/errors';
import { fieldText } from '../shared/text';
import { recordDiverted } from '../shared/walkStamp';
import type { CreationResult } from './create';
import type { ServicePlan } from './services';

/** One input item and the product it carries. */
export interface ProductRow {
	index: number;
	product: string;
}

/** Map Service's two outputs (Mapped, Unmapped) and the hints. */
export class MapOutputs {
	readonly mapped: INodeExecutionData[] = [];
	readonly unmapped: INodeExecutionData[] = [];
	readonly hints: NodeExecutionHint[] = [];

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly items: INodeExecutionData[],
	) {}

	toUnmapped(index: number, reason: string): void {
		this.unmapped.push({
			json: { ...this.items[index].json, reason },
			pairedItem: { item: index },
		});
	}

	/** A refused item: stops the run, or with Continue On Fail goes to Unmapped. */
	badInput(error: NodeOperationError, index: number): void {
		if (!this.ctx.continueOnFail()) throw error;
		this.toUnmapped(index, reasonOf(error));
	}

	/** The items with a product; an item without one is refused (it names the field to fix). */
	readProducts(productField: string): ProductRow[] {
		const rows: ProductRow[] = [];
		for (let index = 0; index < this.items.length; index++) {
			const product = fieldText(this.items[index].json[productField]);
			if (product) {
				rows.push({ index, product });
				continue;
			}
			const fix = `Every item needs its Mailprotector product in "${productField}" (Mailprotector Get Counts sets it). Set Options > Product Field if it is under another name.`;
			this.badInput(
				inputError(this.ctx.getNode(), index, productField, 'is missing or empty', fix),
				index,
			);
		}
		return rows;
	}

	/** Every item to its output: the service it maps to, or why it does not. */
	place(plan: ServicePlan, rows: ProductRow[], created: Map<string, CreationResult>): void {
		for (const { index, product } of rows) {
			const resolution = plan.products.get(product)!;
			if (resolution.outcome === 'invalid') {
				const { field, problem, fix } = resolution.problem;
				const node = this.ctx.getNode();
				this.badInput(
					inputError(node, index, field, `(product "${product}") ${problem}`, fix),
					index,
				);
				continue;
			}
			if (resolution.outcome === 'excluded' || resolution.outcome === 'not_creatable') {
				this.toUnmapped(index, resolution.reason);
				continue;
			}
			const resolved: CreationResult =
				resolution.outcome === 'existing'
					? {
							serviceId: resolution.serviceId,
							serviceName: resolution.serviceName,
							action: 'existing',
						}
					: created.get(resolution.key)!;
			if ('failed' in resolved) {
				this.toUnmapped(index, resolved.failed);
				continue;
			}
			this.mapped.push({
				json: {
					...this.items[index].json,
					gradientServiceId: resolved.serviceId,
					gradientServiceName: resolved.serviceName,
					gradientServiceAction: resolved.action,
				},
				pairedItem: { item: index },
			});
		}
	}

	/** The node's answer: the walk stamp records what left the flow, the hints are shown. */
	finish(productField: string, idField: string): INodeExecutionData[][] {
		const away = this.unmapped.map((item) => ({
			json: {
				customerId: fieldText(item.json[idField]),
				product: item.json[productField],
				walk: item.json.walk,
			},
		}));
		if (this.hints.length) this.ctx.addExecutionHints(...this.hints);
		return [recordDiverted(this.mapped, away), this.unmapped];
	}
}
