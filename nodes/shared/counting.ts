/**
 * Count rules: pure functions over the data a walk joined together (Get Counts' traversal.ts
 * reads it), so every number Get Counts emits can be recomputed by hand. Product names: products.ts.
 */

export type CountRule = 'billableUsers' | 'groupUserCount' | 'billableUsersPlusAliases';

export const COUNT_RULES: Record<CountRule, string> = {
	billableUsers:
		'Users whose type is "User" and who have no parent, once per service of their user group',
	groupUserCount: 'The user_count Mailprotector reports on each user group carrying the service',
	billableUsersPlusAliases:
		'Users whose type is "User" and who have no parent, plus users whose type is "Alias", once per service of their user group',
};

/** The Count Rule options as the node shows them, for messages about a value that is none of them. */
export const COUNT_RULE_NAMES: Record<CountRule, string> = {
	billableUsers: 'Billable Users',
	groupUserCount: 'User Group User Count',
	billableUsersPlusAliases: 'Billable Users Plus Aliases',
};

export function isCountRule(value: unknown): value is CountRule {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(COUNT_RULES, value);
}

/** Users of one user group, by `user_type.name`; `usersWithParent` = type "User" with a parent. */
export interface UserTally {
	byType: Record<string, number>;
	usersWithParent: number;
}

export interface DomainData {
	id: string;
	name: string;
	/** A domain alias (it has a `parent`): it adds nothing. */
	alias: boolean;
	status: string | null;
}

export interface GroupData {
	id: string;
	name: string;
	domainId: string;
	domainName: string;
	/** Mailprotector's `user_count`; null when the group was only learned from its users. */
	userCount: number | null;
	serviceTypes: string[];
	/** null when the rule does not read users. */
	users: UserTally | null;
}

export interface CustomerData {
	id: string;
	name: string;
	domains: DomainData[];
	groups: GroupData[];
}

export interface CountSettings {
	rule: CountRule;
	includeZero: boolean;
	productOf: (serviceType: string) => string;
	/** Canonical product names to keep; undefined = all. */
	products?: string[];
	/** List every counted user group in the breakdown (off keeps items small at scale). */
	groupDetail?: boolean;
}

export interface GroupContribution {
	userGroupId: string;
	userGroup: string;
	domain: string;
	serviceTypes: string[];
	count: number;
	userCount?: number | null;
	usersByType?: Record<string, number>;
}

export interface Breakdown {
	rule: CountRule;
	/** The rule in words; with the per-group detail only (the rule's name says it). */
	counted?: string;
	primaryDomain: string | null;
	serviceTypes: string[];
	/** How many user groups added to the count. */
	groupsCounted: number;
	/** Each of them, only with the "Breakdown Per User Group" option. */
	userGroups?: GroupContribution[];
	domains: Array<{ domain: string; count: number }>;
	/** Users of the contributing groups by type (each group once); absent for groupUserCount. */
	usersByType?: Record<string, number>;
	/** Users of the contributing groups that the rule did not count. */
	leftOut: {
		aliases?: number;
		mailingLists?: number;
		unlicensedUsers?: number;
		discoveredUsers?: number;
		usersWithParent?: number;
		otherTypes?: Record<string, number>;
		aliasDomains?: string[];
	};
}

export interface CountRow {
	product: string;
	count: number;
	breakdown: Breakdown;
}

// --- domains ---------------------------------------------------------------------------------

/** Numeric ids in numeric order, anything else after them as text. */
export function compareIds(a: string, b: string): number {
	const na = /^\d+$/.test(a);
	const nb = /^\d+$/.test(b);
	if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
	if (na !== nb) return na ? -1 : 1;
	return a < b ? -1 : a > b ? 1 : 0;
}

const byId = <T extends { id: string }>(list: T[]) =>
	[...list].sort((a, b) => compareIds(a.id, b.id));

function domainNames(customer: CustomerData, alias: boolean): string[] {
	return byId(customer.domains.filter((d) => d.alias === alias)).map((d) => d.name);
}

/** The customer's non-alias domain names, lowest id first. */
export function customerDomains(customer: CustomerData): string[] {
	return domainNames(customer, false);
}

/** First active domain: the lowest-id domain that is not an alias and whose status is Active. */
export function primaryDomain(customer: CustomerData): string | null {
	const active = byId(customer.domains).find(
		(d) => !d.alias && (d.status ?? '').toLowerCase() === 'active',
	);
	return active ? active.name : null;
}

// --- users and rules -------------------------------------------------------------------------

export function emptyTally(): UserTally {
	return { byType: {}, usersWithParent: 0 };
}

export function tallyUser(tally: UserTally, typeName: string, hasParent: boolean): void {
	tally.byType[typeName] = (tally.byType[typeName] ?? 0) + 1;
	if (typeName === 'User' && hasParent) tally.usersWithParent++;
}

/** What one group contributes per service it carries. */
export function groupCount(group: GroupData, rule: CountRule): number {
	if (rule === 'groupUserCount') return group.userCount ?? 0;
	const tally = group.users ?? emptyTally();
	const users = (tally.byType.User ?? 0) - tally.usersWithParent;
	return rule === 'billableUsersPlusAliases' ? users + (tally.byType.Alias ?? 0) : users;
}

/** Whether the rule needs every user group of every domain (not only those learned from users). */
export function needsGroupLists(rule: CountRule, includeZero: boolean): boolean {
	return includeZero || rule === 'groupUserCount';
}

export function needsUsers(rule: CountRule): boolean {
	return rule !== 'groupUserCount';
}

function addTypes(into: Record<string, number>, from: Record<string, number>): void {
	for (const [type, n] of Object.entries(from)) into[type] = (into[type] ?? 0) + n;
}

/** What the rule did not count; only the kinds that occur, so an empty object means nothing. */
function leftOutOf(
	rule: CountRule,
	byType: Record<string, number>,
	usersWithParent: number,
	aliasDomains: string[],
): Breakdown['leftOut'] {
	const known = new Set(['User', 'Alias', 'Mailing List', 'Unlicensed User', 'Discovered User']);
	const otherTypes: Record<string, number> = {};
	for (const [type, n] of Object.entries(byType)) if (!known.has(type)) otherTypes[type] = n;
	const counts: Record<string, number | undefined> = {
		aliases: rule === 'billableUsersPlusAliases' ? undefined : byType.Alias,
		mailingLists: byType['Mailing List'],
		unlicensedUsers: byType['Unlicensed User'],
		discoveredUsers: byType['Discovered User'],
		usersWithParent,
	};
	const out: Breakdown['leftOut'] & Record<string, unknown> = {};
	for (const [kind, n] of Object.entries(counts)) if (n) out[kind] = n;
	if (Object.keys(otherTypes).length) out.otherTypes = otherTypes;
	if (aliasDomains.length) out.aliasDomains = aliasDomains;
	return out;
}

/**
 * One row per product of the customer: the sum over its non-alias user groups of the rule's
 * count, once per service of the group that names the product. Rows with count 0 only when
 * includeZero; rows outside the product filter never. Sorted by product.
 */
export function countCustomer(customer: CustomerData, settings: CountSettings): CountRow[] {
	const { rule, productOf } = settings;
	const wanted = settings.products
		? new Set(settings.products.map((p) => p.toLowerCase()))
		: undefined;
	const aliasIds = new Set(customer.domains.filter((d) => d.alias).map((d) => d.id));
	const aliasDomains = domainNames(customer, true);
	const perProduct = new Map<string, { count: number; groups: GroupContribution[] }>();
	const tallies = new Map<string, Map<string, UserTally>>();
	const serviceTypes = new Map<string, Set<string>>();
	for (const group of byId(customer.groups)) {
		if (aliasIds.has(group.domainId)) continue;
		const perGroup = groupCount(group, rule);
		const here = new Map<string, string[]>();
		for (const serviceType of group.serviceTypes) {
			const product = productOf(serviceType);
			if (wanted && !wanted.has(product.toLowerCase())) continue;
			here.set(product, [...(here.get(product) ?? []), serviceType]);
		}
		for (const [product, types] of here) {
			const entry = perProduct.get(product) ?? { count: 0, groups: [] };
			const count = perGroup * types.length;
			entry.count += count;
			entry.groups.push({
				userGroupId: group.id,
				userGroup: group.name,
				domain: group.domainName,
				serviceTypes: types,
				count,
				...(rule === 'groupUserCount'
					? { userCount: group.userCount }
					: { usersByType: { ...(group.users?.byType ?? {}) } }),
			});
			perProduct.set(product, entry);
			const names = serviceTypes.get(product) ?? new Set<string>();
			for (const t of types) names.add(t);
			serviceTypes.set(product, names);
			if (group.users) {
				const groupTallies = tallies.get(product) ?? new Map<string, UserTally>();
				groupTallies.set(group.id, group.users);
				tallies.set(product, groupTallies);
			}
		}
	}
	const primary = primaryDomain(customer);
	const rows: CountRow[] = [];
	for (const [product, entry] of perProduct) {
		if (entry.count === 0 && !settings.includeZero) continue;
		const domains = new Map<string, number>();
		for (const g of entry.groups) domains.set(g.domain, (domains.get(g.domain) ?? 0) + g.count);
		// Users by type over the contributing groups (none are read for groupUserCount).
		const byType: Record<string, number> = {};
		let usersWithParent = 0;
		for (const tally of tallies.get(product)?.values() ?? []) {
			addTypes(byType, tally.byType);
			usersWithParent += tally.usersWithParent;
		}
		const breakdown: Breakdown = {
			rule,
			...(settings.groupDetail ? { counted: COUNT_RULES[rule] } : {}),
			primaryDomain: primary,
			serviceTypes: [...(serviceTypes.get(product) ?? [])],
			groupsCounted: entry.groups.length,
			domains: [...domains].map(([domain, count]) => ({ domain, count })),
			...(rule === 'groupUserCount' ? {} : { usersByType: byType }),
			leftOut: leftOutOf(rule, byType, usersWithParent, aliasDomains),
			...(settings.groupDetail ? { userGroups: entry.groups } : {}),
		};
		rows.push({ product, count: entry.count, breakdown });
	}
	return rows.sort((a, b) => (a.product < b.product ? -1 : a.product > b.product ? 1 : 0));
}
