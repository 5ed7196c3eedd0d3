import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';

import { asNodeError, inputError, reasonOf } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import type { Sku } from '../shared/gradient/schemas';
import { requestSettings } from '../shared/options';
import { KNOWN_PRODUCTS } from '../shared/products';
import { fieldText } from '../shared/text';
import { recordDiverted } from '../shared/walkStamp';
import type { CreationResult, Resolved } from './create';
import { createServices } from './create';
import type { ServiceRow } from './services';
import { DEFAULT_SERVICE, planServices, unusedRows } from './services';

const enumText = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/**
 * The Service Table as typed rows; a value an expression turned into a non-string stays visible.
 * Category and subcategory sit under New Service (rows saved before that have them on the row).
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

export async function mapServices(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
	const createMissing = this.getNodeParameter('createMissing', 0, true) as boolean;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const productField = fieldText(options.productField) || 'product';
	const idField = fieldText(options.customerIdField) || 'customerId';
	const defaults = {
		category:
			options.defaultCategory === undefined
				? DEFAULT_SERVICE.category
				: String(options.defaultCategory),
		subcategory:
			options.defaultSubcategory === undefined
				? DEFAULT_SERVICE.subcategory
				: String(options.defaultSubcategory),
	};
	const rawTable = this.getNodeParameter('serviceTable.rules', 0, []) as IDataObject[];
	const table = readTable(rawTable);
	const hints: NodeExecutionHint[] = [];
	const blank = emptyRows(rawTable);
	if (blank.length) {
		hints.push({
			message: `Service Table row${blank.length > 1 ? 's' : ''} ${blank.join(', ')} ${blank.length > 1 ? 'are' : 'is'} empty and ${blank.length > 1 ? 'do' : 'does'} nothing: fill in the Product or remove ${blank.length > 1 ? 'them' : 'it'}.`,
			type: 'warning',
			location: 'outputPane',
		});
	}

	const mapped: INodeExecutionData[] = [];
	const unmapped: INodeExecutionData[] = [];
	const toUnmapped = (index: number, reason: string) => {
		unmapped.push({ json: { ...items[index].json, reason }, pairedItem: { item: index } });
	};
	const badInput = (error: NodeOperationError, index: number) => {
		if (!continueOnFail) throw error;
		toUnmapped(index, reasonOf(error));
	};
	const finish = (): INodeExecutionData[][] => {
		const away = unmapped.map((item) => ({
			json: {
				customerId: fieldText(item.json[idField]),
				product: item.json[productField],
				walk: item.json.walk,
			},
		}));
		if (hints.length) this.addExecutionHints(...hints);
		return [recordDiverted(mapped, away), unmapped];
	};

	for (const row of table) {
		if (row.product === '') {
			const error = new NodeOperationError(
				node,
				`Service Table row ${row.row}: field "Product" is empty`,
				{
					description:
						'Enter the product the row is for, as Get Counts names it, e.g. CloudFilter.',
				},
			);
			if (!continueOnFail) throw error;
			hints.push({ message: error.message, type: 'warning', location: 'outputPane' });
		}
	}

	// --- items -> products ---------------------------------------------------------------------
	const rows: Array<{ index: number; product: string }> = [];
	for (let index = 0; index < items.length; index++) {
		const product = fieldText(items[index].json[productField]);
		if (!product) {
			badInput(
				inputError(
					node,
					index,
					productField,
					'is missing or empty',
					`Every item needs its Mailprotector product in "${productField}" (Mailprotector Get Counts sets it). Set Options > Product Field if it is under another name.`,
				),
				index,
			);
			continue;
		}
		rows.push({ index, product });
	}
	const products = [...new Set(rows.map((r) => r.product))];

	// A row naming a product that is neither in the input nor a known product is most likely a typo.
	const known = KNOWN_PRODUCTS.flatMap((p) => [p.product, ...p.names]);
	for (const { row } of unusedRows(table, products, known).filter(
		(u) => u.unknown && u.row.product !== '',
	)) {
		const error = new NodeOperationError(
			node,
			`Service Table row ${row.row}: field "Product" names "${row.product}", which no input item has`,
			{
				description: `Products in the input: ${products.join(', ') || 'none'}. Correct the spelling, or remove the row.`,
			},
		);
		if (!continueOnFail) throw error;
		hints.push({ message: error.message, type: 'warning', location: 'outputPane' });
	}
	if (rows.length === 0) return finish();

	// --- Gradient ------------------------------------------------------------------------------
	const client = new GradientClient(this, requestSettings(options));
	let services: Sku[];
	try {
		services = await client.listServices();
	} catch (error) {
		if (!continueOnFail) throw asNodeError(node, error);
		for (const row of rows) toUnmapped(row.index, reasonOf(error));
		return finish();
	}
	const plan = planServices({
		products,
		services,
		table,
		defaults,
		createMissing,
		knownProducts: known,
	});

	const created = await createServices(client, plan.creates, { dryRun, continueOnFail });

	for (const { index, product } of rows) {
		const resolution = plan.products.get(product)!;
		if (resolution.outcome === 'invalid') {
			const { field, problem, fix } = resolution.problem;
			badInput(inputError(node, index, field, `(product "${product}") ${problem}`, fix), index);
			continue;
		}
		if (resolution.outcome === 'excluded' || resolution.outcome === 'not_creatable') {
			toUnmapped(index, resolution.reason);
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
			toUnmapped(index, resolved.failed);
			continue;
		}
		mapped.push({
			json: {
				...items[index].json,
				gradientServiceId: resolved.serviceId,
				gradientServiceName: resolved.serviceName,
				gradientServiceAction: resolved.action,
			},
			pairedItem: { item: index },
		});
	}

	const createdNames = plan.creates.map((c) => c.service.name);
	hints.push({
		message: dryRun
			? `Dry run, nothing written: would create ${createdNames.length ? createdNames.join(', ') : 'no service'}. Gradient calls: ${client.stats.calls} (reads only).`
			: `Gradient calls: ${client.stats.calls} (services read once). Created: ${
					[...created.values()]
						.filter((r): r is Resolved => !('failed' in r))
						.map((r) => r.serviceName)
						.join(', ') || 'none'
				}.`,
		location: 'outputPane',
	});
	return finish();
}
