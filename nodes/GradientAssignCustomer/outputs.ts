import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeExecutionHint,
	NodeOperationError,
} from 'n8n-workflow';

import { reasonOf } from '../shared/errors';
import { fieldText } from '../shared/text';
import { recordDiverted, recordExcluded } from '../shared/walkStamp';
import type { AccountPlan } from './accounts';
import type { Row } from './customers';
import type { Written } from './write';

/** Assign Customer's two outputs (Assigned, Needs Mapping), the items that left, and the hints. */
export class AssignOutputs {
	readonly assigned: INodeExecutionData[] = [];
	readonly needsMapping: INodeExecutionData[] = [];
	/** Items of excluded customers: they leave the flow. */
	readonly diverted: INodeExecutionData[] = [];
	readonly hints: NodeExecutionHint[] = [];

	constructor(
		private readonly items: INodeExecutionData[],
		private readonly continueOnFail: boolean,
	) {}

	toNeedsMapping(index: number, reason: string, extra: IDataObject = {}): void {
		this.needsMapping.push({
			json: { ...this.items[index].json, ...extra, reason },
			pairedItem: { item: index },
		});
	}

	/** A refused item: stops the run, or with Continue On Fail goes to Needs Mapping. */
	badInput(error: NodeOperationError, index: number): void {
		if (!this.continueOnFail) throw error;
		this.toNeedsMapping(index, reasonOf(error));
	}

	/** Every row of the plan to its output: the action taken, or why it needs mapping. */
	place(plan: AccountPlan, rows: Row[], dryRun: boolean, written: Written): void {
		const { creations, renamed } = written;
		for (const row of rows) {
			const customer = plan.customers.get(row.customerId)!;
			let mapped = customer.gradientAccountMapped;
			let action: string = customer.action;
			if (customer.action === 'create') {
				const creation = creations.get(row.customerId);
				if (dryRun) {
					action = 'would_create';
				} else if (!creation?.ok) {
					this.toNeedsMapping(
						row.index,
						`Creating Gradient account ${row.customerId} failed: ${creation?.reason ?? 'no answer'}`,
					);
					continue;
				} else {
					mapped = creation.mapped;
					action = !creation.existed
						? 'created'
						: !renamed.has(row.customerId)
							? 'existing'
							: renamed.get(row.customerId) === undefined
								? 'renamed'
								: 'rename_failed';
				}
			} else if (customer.action === 'rename') {
				if (dryRun) action = 'would_rename';
				else action = renamed.get(row.customerId) === undefined ? 'renamed' : 'rename_failed';
			} else if (customer.action === 'adopt') {
				action = 'adopted';
			}
			const fields: IDataObject = {
				gradientAccountId: customer.gradientAccountId ?? null,
				gradientAccountMapped: mapped,
				gradientAccountName: customer.accountName ?? null,
				gradientAccountAction: action,
			};
			if (customer.needsMapping) {
				this.toNeedsMapping(row.index, customer.needsMapping.reason, {
					...(customer.gradientAccountId ? fields : {}),
					...(customer.needsMapping.candidates
						? { candidates: customer.needsMapping.candidates }
						: {}),
				});
				continue;
			}
			this.assigned.push({
				json: { ...this.items[row.index].json, ...fields },
				pairedItem: { item: row.index },
			});
		}
	}

	/** The node's answer: the walk stamp records what left the flow, the hints are shown. */
	finish(ctx: IExecuteFunctions, idField: string, excluded: Set<string>): INodeExecutionData[][] {
		const away = [...this.needsMapping, ...this.diverted].map((item) => ({
			json: {
				customerId: fieldText(item.json[idField]),
				product: item.json.product,
				walk: item.json.walk,
			},
		}));
		if (this.hints.length) ctx.addExecutionHints(...this.hints);
		// Every excluded id rides on the stamp, also those that sent nothing: Push never zeroes them.
		return [recordExcluded(recordDiverted(this.assigned, away), excluded), this.needsMapping];
	}
}
