import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { numberOption } from '../shared/options';
import { parseApprovals, readApprovalTime } from './approvals';
import type { PlanSettings } from './plan';
import type { FieldNames } from './readItems';
import { DEFAULT_FIELDS } from './readItems';

const FIELD_OPTIONS: Array<{ name: string; field: keyof FieldNames }> = [
	{ name: 'accountIdField', field: 'gradientAccountId' },
	{ name: 'serviceIdField', field: 'gradientServiceId' },
	{ name: 'countField', field: 'count' },
	{ name: 'customerIdField', field: 'customerId' },
	{ name: 'customerNameField', field: 'customerName' },
	{ name: 'productField', field: 'product' },
	{ name: 'walkField', field: 'walk' },
];

export interface PushParameters {
	dryRun: boolean;
	/** Billing Safety, Options and Input Fields: three collections in the editor, one set here. */
	options: IDataObject;
	fields: FieldNames;
	settings: PlanSettings;
}

function fieldNames(options: IDataObject): FieldNames {
	const fields = { ...DEFAULT_FIELDS };
	for (const o of FIELD_OPTIONS) {
		const value = options[o.name];
		if (typeof value === 'string' && value.trim()) fields[o.field] = value.trim();
	}
	return fields;
}

/**
 * Approve All Held Before as text, or undefined. An unreadable date would silently release
 * nothing: it stops the node, or with Continue On Fail releases nothing by date and says so.
 */
function approveBefore(ctx: IExecuteFunctions, value: unknown): string | undefined {
	const time = readApprovalTime(value);
	if (time === undefined) return undefined;
	if (!Number.isNaN(time)) return String(value).trim();
	const shown = String(value).trim().slice(0, 40);
	const error = new NodeOperationError(
		ctx.getNode(),
		`Billing Safety > Approve All Held Before is not a date ("${shown}")`,
		{
			description:
				'Enter a date and time (ISO 8601, e.g. 2025-01-31T00:00:00Z), or clear the option.',
		},
	);
	if (!ctx.continueOnFail()) throw error;
	ctx.addExecutionHints({
		message: `${error.message}. ${error.description} Nothing held was released by date this run.`,
		type: 'warning',
		location: 'outputPane',
	});
	return undefined;
}

/** Push Billable's parameters, read once (they are not per item). */
export function readParameters(ctx: IExecuteFunctions): PushParameters {
	const options = {
		...(ctx.getNodeParameter('options', 0, {}) as IDataObject),
		...(ctx.getNodeParameter('billingSafety', 0, {}) as IDataObject),
		...(ctx.getNodeParameter('inputFields', 0, {}) as IDataObject),
	};
	const before = approveBefore(ctx, options.approveHeldBefore);
	const guardOn = ctx.getNodeParameter('changeGuard', 0, false) as boolean;
	const settings: PlanSettings = {
		zeroVanished: ctx.getNodeParameter('zeroVanished', 0, true) as boolean,
		skipUnchanged: options.skipUnchanged === true,
		guard: guardOn
			? {
					maxChangePercent: ctx.getNodeParameter('maxChangePercent', 0, 50) as number,
					holdDropsToZero: ctx.getNodeParameter('holdDropsToZero', 0, true) as boolean,
				}
			: undefined,
		massZero: {
			hold: options.holdMassZeroing !== false,
			maxSharePercent: numberOption(options, 'maxZeroSharePercent', 10),
			maxPairs: numberOption(options, 'maxZeroPairs', 25),
		},
		approvals: parseApprovals(
			typeof options.approveHeldKeys === 'string' ? options.approveHeldKeys : '',
			before,
		),
	};
	return {
		dryRun: ctx.getNodeParameter('dryRun', 0, false) as boolean,
		options,
		fields: fieldNames(options),
		settings,
	};
}
