/**
 * Service resolution for Map Service: pure. Turns the products of this run, the vendor's
 * existing services and the MSP's product -> service table into "use this service", "create
 * this one" or "leave this product out". Names compare without regard to case, so a service an
 * MSP created as "cloudfilter" is used rather than duplicated.
 */
import { CATEGORIES, SUBCATEGORIES } from '../shared/gradient/schemas';

export interface ServiceRow {
	/** 1-based position in the Service Table, for messages. */
	row: number;
	product: string;
	action: 'map' | 'exclude';
	/** Target service name; '' = the product's own name. */
	serviceName?: string;
	/** '' = the node's default. */
	category?: string;
	subcategory?: string;
}

export interface ExistingService {
	id: string;
	name: string;
}

export interface ServiceDefaults {
	category: string;
	subcategory: string;
}

export interface NewServiceRequest {
	name: string;
	description: string;
	category: string;
	subcategory: string;
}

/** A field of a table row (or of the defaults) that cannot be used, for the items it touches. */
export interface RowProblem {
	field: string;
	problem: string;
	fix: string;
}

export type ProductPlan =
	| { product: string; outcome: 'existing'; serviceId: string; serviceName: string }
	| { product: string; outcome: 'create'; serviceName: string; key: string }
	| { product: string; outcome: 'excluded'; reason: string }
	| { product: string; outcome: 'not_creatable'; reason: string }
	| { product: string; outcome: 'invalid'; problem: RowProblem };

export interface ServiceCreation {
	key: string;
	service: NewServiceRequest;
	products: string[];
}

export interface ServicePlan {
	products: Map<string, ProductPlan>;
	creates: ServiceCreation[];
	/** Table rows that name no product of this run: `unknown` rows look like typos. */
	unusedRows: Array<{ row: ServiceRow; unknown: boolean }>;
}

export interface ServicePlanInput {
	/** Distinct products of this run, in input order. */
	products: string[];
	services: ExistingService[];
	table?: ServiceRow[];
	defaults?: ServiceDefaults;
	createMissing?: boolean;
	/** Product names that may legitimately be absent from a run (e.g. the known products). */
	knownProducts?: string[];
}

export const DEFAULT_SERVICE: ServiceDefaults = {
	category: 'security',
	subcategory: 'email security',
};

export const serviceKey = (name: string): string => name.trim().toLowerCase();

/** The existing service of that name: an exact match first, then one differing only in case. */
export function findService(
	services: ExistingService[],
	name: string,
): ExistingService | undefined {
	const wanted = name.trim();
	return (
		services.find((s) => s.name.trim() === wanted) ??
		services.find((s) => serviceKey(s.name) === serviceKey(wanted))
	);
}

function checkEnum(
	value: string,
	allowed: readonly string[],
	field: string,
	label: string,
): RowProblem | undefined {
	if (allowed.includes(value)) return undefined;
	const near = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
	return {
		field,
		problem: `is "${value}", which is not a Gradient ${label}`,
		fix: near
			? `Gradient compares the ${label} case-sensitively: use "${near}".`
			: `Use one of: ${allowed.join(', ')}.`,
	};
}

/** Category and subcategory of a row (or the defaults, when the row leaves them empty). */
export function checkRow(row: ServiceRow | undefined, defaults: ServiceDefaults): RowProblem[] {
	const where = row ? `Service Table row ${row.row}` : 'Options';
	const category = row?.category || defaults.category;
	const subcategory = row?.subcategory || defaults.subcategory;
	const categoryField = row?.category
		? `${where} > New Service > Category`
		: 'Options > Default Category';
	const subcategoryField = row?.subcategory
		? `${where} > New Service > Subcategory`
		: 'Options > Default Subcategory';
	return [
		checkEnum(category, CATEGORIES, categoryField, 'category'),
		checkEnum(subcategory, SUBCATEGORIES, subcategoryField, 'subcategory'),
	].filter((p): p is RowProblem => p !== undefined);
}

/** Table rows that name no product of this run; `unknown` when not a known product either (a typo). */
export function unusedRows(
	table: ServiceRow[],
	products: string[],
	knownProducts: string[] = [],
): Array<{ row: ServiceRow; unknown: boolean }> {
	const present = new Set(products.map(serviceKey));
	const known = new Set(knownProducts.map(serviceKey));
	return table
		.filter((row) => !present.has(serviceKey(row.product)))
		.map((row) => ({ row, unknown: !known.has(serviceKey(row.product)) }));
}

export function planServices(input: ServicePlanInput): ServicePlan {
	const defaults = input.defaults ?? DEFAULT_SERVICE;
	const table = input.table ?? [];
	const createMissing = input.createMissing ?? true;

	const rowsByProduct = new Map<string, ServiceRow[]>();
	for (const row of table) {
		const key = serviceKey(row.product);
		rowsByProduct.set(key, [...(rowsByProduct.get(key) ?? []), row]);
	}

	const products = new Map<string, ProductPlan>();
	const creates = new Map<string, ServiceCreation>();
	for (const product of input.products) {
		const rows = rowsByProduct.get(serviceKey(product)) ?? [];
		if (rows.length > 1) {
			products.set(product, {
				product,
				outcome: 'invalid',
				problem: {
					field: `Service Table rows ${rows.map((r) => r.row).join(', ')} > Product`,
					problem: `all name the product "${product}"`,
					fix: 'Keep one row per product; to merge products, give each its own row with the same service name.',
				},
			});
			continue;
		}
		const row = rows[0];
		if (row?.action === 'exclude') {
			products.set(product, {
				product,
				outcome: 'excluded',
				reason: `Excluded by Service Table row ${row.row}`,
			});
			continue;
		}
		// A row's own category is checked even when the service exists: a wrong table is worth knowing.
		const rowProblems = row
			? checkRow(row, defaults).filter((p) => p.field.startsWith('Service Table'))
			: [];
		if (rowProblems.length) {
			products.set(product, { product, outcome: 'invalid', problem: rowProblems[0] });
			continue;
		}
		const serviceName = (row?.serviceName ?? '').trim() || product;
		const existing = findService(input.services, serviceName);
		if (existing) {
			products.set(product, {
				product,
				outcome: 'existing',
				serviceId: existing.id,
				serviceName: existing.name,
			});
			continue;
		}
		if (!createMissing) {
			products.set(product, {
				product,
				outcome: 'not_creatable',
				reason: `No Gradient service is named "${serviceName}" and Create Missing Services is off. Create the service in Gradient, or turn Create Missing Services on.`,
			});
			continue;
		}
		// The defaults matter only for a service that is about to be created.
		const defaultProblems = checkRow(row, defaults);
		if (defaultProblems.length) {
			products.set(product, { product, outcome: 'invalid', problem: defaultProblems[0] });
			continue;
		}
		const key = serviceKey(serviceName);
		const creation = creates.get(key);
		if (creation) {
			creation.products.push(product);
		} else {
			creates.set(key, {
				key,
				products: [product],
				service: {
					name: serviceName,
					description: `Mailprotector ${serviceName}`,
					category: row?.category || defaults.category,
					subcategory: row?.subcategory || defaults.subcategory,
				},
			});
		}
		products.set(product, { product, outcome: 'create', serviceName, key });
	}
	return {
		products,
		creates: [...creates.values()],
		unusedRows: unusedRows(table, input.products, input.knownProducts),
	};
}
