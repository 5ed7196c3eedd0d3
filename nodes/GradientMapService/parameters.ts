import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { fieldText } from '../shared/text';
import type { ServiceDefaults, ServiceRow } from './services';
import { DEFAULT_SERVICE } from './services';

/** An enum value as entered: a value an expression turned into a non-string stays visible. */
const enumText = (value: unknown) => (value === undefined || value === null ? '' : String(value));

export interface MapParameters {
	dryRun: boolean;
	createMissing: boolean;
	options: IDataObject;
	productField: string;
	idField: string;
	defaults: ServiceDefaults;
	table: ServiceRow[];
}

/**
 * The Service Table as typed rows. Category and subcategory sit under New Service (rows saved
 * before that have them on the row).
 */
export function readTable(raw: IDataObject[]): ServiceRow[] {
	return raw
		.map((row, position) => {
			const created = (row.newService ?? {}) as IDataObject;
			return {
				row: position + 1,
				product: fieldText(row.product),
				action: row.handling === 'exclude' ? ('exclude' as const) : ('map' as const),
				serviceName: fieldText(row.serviceName),
				category: enumText(created.category ?? row.category),
				subcategory: enumText(created.subcategory ?? row.subcategory),
			};
		})
		.filter((row) => row.product !== '' || row.serviceName !== '');
}

/** Rows left wholly empty (no product, no service name): they do nothing, which is worth saying. */
export function emptyRows(raw: IDataObject[]): number[] {
	return raw.flatMap((row, position) =>
		fieldText(row.product) === '' && fieldText(row.serviceName) === '' ? [position + 1] : [],
	);
}

/**
 * Map Service's parameters, read once. A Service Table row without a product stops the node
 * (with Continue On Fail it becomes a warning); empty rows are a warning.
 */
export function readParameters(ctx: IExecuteFunctions, hints: NodeExecutionHint[]): MapParameters {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const rawTable = ctx.getNodeParameter('serviceTable.rules', 0, []) as IDataObject[];
	const table = readTable(rawTable);
	const blank = emptyRows(rawTable);
	if (blank.length) {
		const many = blank.length > 1;
		hints.push({
			message: `Service Table row${many ? 's' : ''} ${blank.join(', ')} ${many ? 'are' : 'is'} empty and ${many ? 'do' : 'does'} nothing: fill in the Product or remove ${many ? 'them' : 'it'}.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	for (const row of table) {
		if (row.product !== '') continue;
		const error = new NodeOperationError(
			ctx.getNode(),
			`Service Table row ${row.row}: field "Product" is empty`,
			{
				description: 'Enter the product the row is for, as Get Counts names it, e.g. CloudFilter.',
			},
		);
		if (!ctx.continueOnFail()) throw error;
		hints.push({ message: error.message, type: 'warning', location: 'outputPane' });
	}
	return {
		dryRun: ctx.getNodeParameter('dryRun', 0, false) as boolean,
		createMissing: ctx.getNodeParameter('createMissing', 0, true) as boolean,
		options,
		productField: fieldText(options.productField) || 'product',
		idField: fieldText(options.customerIdField) || 'customerId',
		defaults: {
			category:
				options.defaultCategory === undefined
					? DEFAULT_SERVICE.category
					: String(options.defaultCategory),
			subcategory:
				options.defaultSubcategory === undefined
					? DEFAULT_SERVICE.subcategory
					: String(options.defaultSubcategory),
		},
		table,
	};
}
