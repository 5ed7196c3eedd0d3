/**
 * Product names: which product a Mailprotector service_type is, and the Products filter
 * (its names, the ones that match nothing and what a mistyped one most likely meant).
 */

import type { CustomerData } from './counting';

/** Known products and the spellings that name them; bundles come before Bracket. */
export const KNOWN_PRODUCTS: Array<{ product: string; names: string[] }> = [
	{ product: 'BracketBundle', names: ['BracketBundle', 'Bracket Bundle'] },
	{ product: 'ContinuityBundle', names: ['ContinuityBundle', 'Continuity Bundle'] },
	{ product: 'CloudFilter', names: ['CloudFilter'] },
	{ product: 'SafeSend', names: ['SafeSend'] },
	{ product: 'Bracket', names: ['Bracket'] },
	{ product: 'XtraMail', names: ['XtraMail'] },
	{ product: 'SecureStore', names: ['SecureStore'] },
	{ product: 'CloudMail', names: ['CloudMail'] },
];

export interface ProductNameRule {
	serviceType: string;
	product: string;
}

const squash = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Returns service_type -> product. A name matches a service_type equal to it or starting with
 * it followed by a space (case-insensitive), so "CloudFilter Email Security" is CloudFilter.
 * Names are tried longest first, so "Bracket Bundle ..." is BracketBundle, not Bracket; on equal
 * length the MSP's own names win over the built-in ones. Anything else passes through unchanged.
 */
export function productNamer(custom: ProductNameRule[] = []): (serviceType: string) => string {
	const own = custom.map((r) => ({ name: squash(r.serviceType), product: r.product.trim() }));
	const known = KNOWN_PRODUCTS.flatMap((k) =>
		k.names.map((n) => ({ name: squash(n), product: k.product })),
	);
	// Array.prototype.sort is stable, so own names stay ahead of built-in ones of the same length.
	const table = [...own, ...known]
		.filter((r) => r.name && r.product)
		.sort((a, b) => b.name.length - a.name.length);
	return (serviceType: string) => {
		const text = squash(serviceType);
		const hit = table.find((r) => text === r.name || text.startsWith(`${r.name} `));
		return hit ? hit.product : serviceType;
	};
}

/** "cloudfilter, SafeSend" -> ['CloudFilter', 'SafeSend'] (names as the namer spells them). */
export function parseProductFilter(
	text: string,
	productOf: (serviceType: string) => string,
): string[] | undefined {
	const seen = new Set<string>();
	const products: string[] = [];
	for (const part of text.split(',')) {
		const name = part.trim();
		if (!name) continue;
		const product = productOf(name);
		if (seen.has(product.toLowerCase())) continue;
		seen.add(product.toLowerCase());
		products.push(product);
	}
	return products.length ? products : undefined;
}

/** Every product the customers carry (on groups of non-alias domains), sorted, before any filter. */
export function productsCarried(
	customers: CustomerData[],
	productOf: (serviceType: string) => string,
): string[] {
	const seen = new Map<string, string>();
	for (const customer of customers) {
		const aliasIds = new Set(customer.domains.filter((d) => d.alias).map((d) => d.id));
		for (const group of customer.groups) {
			if (aliasIds.has(group.domainId)) continue;
			for (const serviceType of group.serviceTypes) {
				const product = productOf(serviceType);
				if (!seen.has(product.toLowerCase())) seen.set(product.toLowerCase(), product);
			}
		}
	}
	return [...seen.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The names of a Products filter that match no product carried (without regard to case). */
export function unmatchedProducts(filter: string[] | undefined, carried: string[]): string[] {
	const known = new Set(carried.map((p) => p.toLowerCase()));
	return (filter ?? []).filter((p) => !known.has(p.toLowerCase()));
}

/** Edit distance (insertions, deletions, substitutions) between two short names. */
function distance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) {
			row[j] = Math.min(
				previous[j] + 1,
				row[j - 1] + 1,
				previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
			);
		}
		previous = row;
	}
	return previous[b.length];
}

/** The carried product a mistyped filter name most likely meant (a few letters off), if any. */
export function closestProduct(name: string, carried: string[]): string | undefined {
	const wanted = name.toLowerCase();
	let best: { product: string; d: number } | undefined;
	for (const product of carried) {
		const d = distance(wanted, product.toLowerCase());
		if (!best || d < best.d) best = { product, d };
	}
	return best && best.d <= Math.max(2, Math.floor(wanted.length / 4)) ? best.product : undefined;
}
