import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, reasonOf } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import type { Sku } from '../shared/gradient/schemas';
import { requestSettings } from '../shared/options';
import { KNOWN_PRODUCTS } from '../shared/products';
import type { Resolved } from './create';
import { createServices } from './create';
import { MapOutputs } from './outputs';
import { readParameters } from './parameters';
import { planServices, unusedRows } from './services';

/**
 * Gives every item a Gradient service: reads the parameters and items, reads the vendor's
 * services once, plans (pure), creates what is missing unless it is a dry run, and sends each
 * item to its output.
 */
export async function mapServices(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const out = new MapOutputs(this, items);
	const params = readParameters(this, out.hints);
	const { dryRun, productField, table } = params;
	const finish = () => out.finish(productField, params.idField);

	const rows = out.readProducts(productField);
	const products = [...new Set(rows.map((r) => r.product))];
	// A row naming a product that is neither in the input nor a known product is most likely a typo.
	const known = KNOWN_PRODUCTS.flatMap((p) => [p.product, ...p.names]);
	for (const { row, unknown } of unusedRows(table, products, known)) {
		if (!unknown || row.product === '') continue;
		const error = new NodeOperationError(
			node,
			`Service Table row ${row.row}: field "Product" names "${row.product}", which no input item has`,
			{
				description: `Products in the input: ${products.join(', ') || 'none'}. Correct the spelling, or remove the row.`,
			},
		);
		if (!this.continueOnFail()) throw error;
		out.hints.push({ message: error.message, type: 'warning', location: 'outputPane' });
	}
	if (rows.length === 0) return finish();

	const client = new GradientClient(this, requestSettings(params.options));
	let services: Sku[];
	try {
		services = await client.listServices();
	} catch (error) {
		if (!this.continueOnFail()) throw asNodeError(node, error);
		for (const row of rows) out.toUnmapped(row.index, reasonOf(error));
		return finish();
	}
	const plan = planServices({
		products,
		services,
		table,
		defaults: params.defaults,
		createMissing: params.createMissing,
		knownProducts: known,
	});
	const created = await createServices(client, plan.creates, {
		dryRun,
		continueOnFail: this.continueOnFail(),
	});
	out.place(plan, rows, created);

	const createdNames = plan.creates.map((c) => c.service.name);
	const createdNow = [...created.values()].filter((r): r is Resolved => !('failed' in r));
	out.hints.push({
		message: dryRun
			? `Dry run, nothing written: would create ${createdNames.length ? createdNames.join(', ') : 'no service'}. Gradient calls: ${client.stats.calls} (reads only).`
			: `Gradient calls: ${client.stats.calls} (services read once). Created: ${createdNow.map((r) => r.serviceName).join(', ') || 'none'}.`,
		location: 'outputPane',
	});
	return finish();
}
