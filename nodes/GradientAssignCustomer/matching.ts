/**
 * Name normalisation and PSA alignment: pure functions. Gradient maps an account to a PSA client
 * only when the names are identical, so Assign Customer may rename an account to the client's
 * exact spelling, but only when exactly one client is a match and no one else claims it.
 */

// Dropped at the end of a name (repeatedly, so "GmbH & Co. KG" goes entirely).
const LEGAL_SUFFIXES = new Set([
	'ab',
	'ag',
	'aps',
	'bv',
	'co',
	'company',
	'corp',
	'corporation',
	'gmbh',
	'inc',
	'incorporated',
	'kg',
	'lda',
	'limited',
	'llc',
	'llp',
	'lp',
	'ltd',
	'nv',
	'oy',
	'pc',
	'plc',
	'pllc',
	'pty',
	'sa',
	'sarl',
	'sas',
	'spa',
	'srl',
	'ug',
]);

/**
 * Case, accents, punctuation and "&"/"and" folded: "ACME corp." and "Acme Corp" both give
 * "acme corp". Dots and apostrophes vanish without a space, so "L.L.C." is "llc", "O'Brien" "obrien".
 */
export function looseName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/&/g, ' and ')
		.replace(/[.'\u2019`]/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** looseName without legal suffixes or a leading "the": "Acme Corporation" and "Acme, Inc." give "acme". */
export function matchName(name: string): string {
	const words = looseName(name).split(' ').filter(Boolean);
	if (words.length > 1 && words[0] === 'the') words.shift();
	while (
		words.length > 1 &&
		(LEGAL_SUFFIXES.has(words[words.length - 1]) || words[words.length - 1] === 'and')
	) {
		words.pop();
	}
	return words.join(' ');
}

export interface NamedClient {
	id: string;
	name: string;
}

export interface AlignmentRequest {
	customerId: string;
	customerName: string;
}

export type Alignment =
	| { kind: 'aligned'; client: NamedClient }
	| { kind: 'ambiguous'; candidates: string[]; why: string }
	| { kind: 'none' };

interface Best {
	tier: 1 | 2;
	clients: NamedClient[];
}

function index(clients: NamedClient[], key: (name: string) => string): Map<string, NamedClient[]> {
	const byKey = new Map<string, NamedClient[]>();
	for (const client of clients) {
		const k = key(client.name);
		if (!k) continue;
		const list = byKey.get(k) ?? [];
		if (!list.some((c) => c.id === client.id)) list.push(client);
		byKey.set(k, list);
	}
	return byKey;
}

/**
 * For each customer, the PSA client whose name matches it. Tier 1 compares looseName, tier 2
 * matchName (legal suffixes ignored); a customer takes the best tier that has any match.
 * Ambiguous: several clients at that tier, several customers claiming one client at the same
 * tier (the closer tier wins outright), or the client's exact name already carried by an account
 * that is not the customer's own (`takenNames`: exact account name -> account id).
 */
export function alignNames(
	customers: AlignmentRequest[],
	clients: NamedClient[],
	takenNames: Map<string, string> = new Map(),
): Map<string, Alignment> {
	const tier1 = index(clients, looseName);
	const tier2 = index(clients, matchName);
	const best = new Map<string, Best>();
	for (const customer of customers) {
		const exact = tier1.get(looseName(customer.customerName));
		if (exact?.length) {
			best.set(customer.customerId, { tier: 1, clients: exact });
			continue;
		}
		const loose = tier2.get(matchName(customer.customerName));
		if (loose?.length) best.set(customer.customerId, { tier: 2, clients: loose });
	}

	// Who claims each client with a single match, and at which tier.
	const claims = new Map<string, Array<{ customer: AlignmentRequest; tier: 1 | 2 }>>();
	for (const customer of customers) {
		const b = best.get(customer.customerId);
		if (!b || b.clients.length !== 1) continue;
		const list = claims.get(b.clients[0].id) ?? [];
		list.push({ customer, tier: b.tier });
		claims.set(b.clients[0].id, list);
	}

	const result = new Map<string, Alignment>();
	for (const customer of customers) {
		const b = best.get(customer.customerId);
		if (!b) {
			result.set(customer.customerId, { kind: 'none' });
			continue;
		}
		if (b.clients.length > 1) {
			result.set(customer.customerId, {
				kind: 'ambiguous',
				candidates: b.clients.map((c) => c.name),
				why: `${b.clients.length} PSA clients match "${customer.customerName}"`,
			});
			continue;
		}
		const client = b.clients[0];
		const rivals = claims.get(client.id) ?? [];
		const top = Math.min(...rivals.map((r) => r.tier));
		if (b.tier > top) {
			// A closer-spelled customer takes this client; this one keeps its own name.
			result.set(customer.customerId, { kind: 'none' });
			continue;
		}
		const others = rivals.filter(
			(r) => r.tier === top && r.customer.customerId !== customer.customerId,
		);
		if (others.length > 0) {
			result.set(customer.customerId, {
				kind: 'ambiguous',
				candidates: [client.name],
				why: `PSA client "${client.name}" also matches customer ${others
					.map((o) => `"${o.customer.customerName}" (${o.customer.customerId})`)
					.join(', ')}`,
			});
			continue;
		}
		const holder = takenNames.get(client.name);
		if (holder !== undefined && holder !== customer.customerId) {
			result.set(customer.customerId, {
				kind: 'ambiguous',
				candidates: [client.name],
				why: `Gradient account ${holder} is already named "${client.name}"`,
			});
			continue;
		}
		result.set(customer.customerId, { kind: 'aligned', client });
	}
	return result;
}
