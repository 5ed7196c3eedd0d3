import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { fieldText } from '../shared/text';

/** Assign Customer's node parameters, read once for the whole run. */
export interface AssignParameters {
	dryRun: boolean;
	align: boolean;
	adoptByName: boolean;
	options: IDataObject;
	idField: string;
	nameField: string;
	batchSize: number;
	/** Exclude Customer IDs. */
	excluded: Set<string>;
	/** Account Overrides: customer id -> Gradient account id. */
	overrides: Map<string, string>;
	/** Override rows whose account id is not usable text: the customer's items are refused. */
	badOverrides: Map<string, unknown>;
}

/** "1024, 2048" or an array (from an expression) -> a set of customer ids. */
export function parseIdList(value: unknown): Set<string> {
	const parts = Array.isArray(value) ? value : String(value ?? '').split(/[\s,;]+/);
	return new Set(parts.map(fieldText).filter(Boolean));
}

/**
 * Reads the parameters. An override row without a customer stops the run, or with Continue On
 * Fail becomes a warning in `hints`.
 */
export function readParameters(
	ctx: IExecuteFunctions,
	hints: NodeExecutionHint[],
): AssignParameters {
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	const dryRun = ctx.getNodeParameter('dryRun', 0, false) as boolean;
	const align = ctx.getNodeParameter('alignNames', 0, false) as boolean;
	const adoptByName = ctx.getNodeParameter('adoptByName', 0, false) as boolean;
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const excluded = parseIdList(ctx.getNodeParameter('excludeCustomerIds', 0, ''));
	const overrides = new Map<string, string>();
	const badOverrides = new Map<string, unknown>();
	const overrideRows = ctx.getNodeParameter('overrides.override', 0, []) as IDataObject[];
	overrideRows.forEach((row, position) => {
		const customerId = fieldText(row.customerId);
		const accountId = row.gradientAccountId;
		if (!customerId) {
			if (fieldText(accountId) === '') return; // an empty row the user added and left blank
			const error = new NodeOperationError(
				node,
				`Account Overrides row ${position + 1}: field "Customer ID" is empty`,
				{ description: 'Enter the Mailprotector customer ID the Gradient account is for.' },
			);
			if (!continueOnFail) throw error;
			hints.push({ message: error.message, type: 'warning', location: 'outputPane' });
			return;
		}
		if (typeof accountId === 'string' && accountId.trim() !== '') {
			overrides.set(customerId, accountId.trim());
		} else {
			badOverrides.set(customerId, accountId);
		}
	});
	return {
		dryRun,
		align,
		adoptByName,
		options,
		idField: fieldText(options.customerIdField) || 'customerId',
		nameField: fieldText(options.customerNameField) || 'customerName',
		batchSize: Math.max(1, Math.floor(Number(options.batchSize) || 100)),
		excluded,
		overrides,
		badOverrides,
	};
}
