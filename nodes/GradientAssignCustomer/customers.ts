import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { inputError } from '../shared/errors';
import { fieldText } from '../shared/text';
import type { CustomerInput } from './accounts';
import type { AssignOutputs } from './outputs';
import type { AssignParameters } from './parameters';

/** An input item that goes on to the plan, with the customer it is for. */
export interface Row {
	index: number;
	customerId: string;
	customerName: string;
	description: string;
}

const OVERRIDE_FIELD = 'Account Overrides > Gradient Account ID';

/** The customer's first active domain: Get Counts puts it on the item or in its breakdown. */
export function descriptionOf(json: IDataObject): string {
	const breakdown = json.breakdown as IDataObject | undefined;
	const direct = fieldText(json.primaryDomain) || fieldText(breakdown?.primaryDomain);
	if (direct) return direct;
	const domains = json.domains;
	return Array.isArray(domains) && domains.length ? fieldText(domains[0]) : '';
}

function describeValue(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'empty';
	if (typeof value === 'string') return `"${value}", which is only spaces`;
	return `${JSON.stringify(value)} (a ${Array.isArray(value) ? 'list' : typeof value}), not a string`;
}

/**
 * Items -> customers: an excluded customer's items leave the flow, an item without a customer
 * ID or name (or with a bad override) is refused; the rest become rows of their customer.
 */
export function readCustomers(
	items: INodeExecutionData[],
	node: INode,
	params: AssignParameters,
	out: AssignOutputs,
): { rows: Row[]; customers: Map<string, CustomerInput> } {
	const { idField, nameField, excluded, badOverrides } = params;
	const rows: Row[] = [];
	const customers = new Map<string, CustomerInput>();
	for (let index = 0; index < items.length; index++) {
		const json = items[index].json;
		const customerId = fieldText(json[idField]);
		if (!customerId) {
			out.badInput(
				inputError(
					node,
					index,
					idField,
					'is missing or empty',
					`Every item needs the Mailprotector customer ID in "${idField}" (Mailprotector Get Counts sets it). Set Options > Customer ID Field if it is under another name.`,
				),
				index,
			);
			continue;
		}
		if (excluded.has(customerId)) {
			out.diverted.push(items[index]);
			continue;
		}
		if (badOverrides.has(customerId)) {
			out.badInput(
				inputError(
					node,
					index,
					OVERRIDE_FIELD,
					`for customer ${customerId} is ${describeValue(badOverrides.get(customerId))}`,
					'Gradient account IDs are text: enter the ID exactly as Gradient shows it, e.g. "329" (an expression must return a string).',
				),
				index,
			);
			continue;
		}
		const customerName = fieldText(json[nameField]);
		if (!customerName && !customers.has(customerId)) {
			out.badInput(
				inputError(
					node,
					index,
					nameField,
					'is missing or empty',
					`Gradient accounts need a name: pass the customer's name in "${nameField}", or set Options > Customer Name Field.`,
				),
				index,
			);
			continue;
		}
		if (!customers.has(customerId)) {
			customers.set(customerId, { customerId, customerName, description: descriptionOf(json) });
		}
		const customer = customers.get(customerId)!;
		rows.push({ index, ...customer });
	}
	return { rows, customers };
}
