import { NodeOperationError } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';

import type { CountRule, CustomerData, DomainData, GroupData } from '../counting';
import { emptyTally, groupCount, needsGroupLists, needsUsers, tallyUser } from '../counting';
import { asNodeError, failureOf } from '../errors';
import { mapConcurrent } from '../pacing';
import type { MailprotectorClient } from './client';
import type { ListResult } from './paginate';
import type { Customer, Domain, User, UserGroup } from './schemas';

export interface WalkRequest {
	rule: CountRule;
	includeZero: boolean;
	/** 'all', or the customer ids to walk. */
	customers: 'all' | string[];
	itemIndex?: number;
}

export interface SkippedCustomer {
	customerId: string;
	reason: string;
}

export interface WalkResult {
	customers: CustomerData[];
	/** Mailprotector requests this walk made, retries included. */
	calls: number;
	/** Every list was read to its end and no customer was skipped. */
	complete: boolean;
	skipped: SkippedCustomer[];
	/** Why a list stopped early, or data that changed during the walk. */
	notes: string[];
}

/** Up to this many chosen customers are read customer by customer; more use reseller-wide lists. */
export const PER_CUSTOMER_LIMIT = 50;

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** A 404 on a list under a customer means the customer (or part of it) vanished mid-walk. */
function isGone(error: unknown): boolean {
	const failure = failureOf(error);
	return failure?.kind === 'status' && failure.status === 404;
}

class Walk {
	readonly notes: string[] = [];

	readonly skipped = new Map<string, string>();

	complete = true;

	/** The first error that must end the walk (401, 5xx after retries, a malformed page). */
	private fatal?: NodeApiError | NodeOperationError;

	constructor(
		private readonly client: MailprotectorClient,
		private readonly itemIndex?: number,
	) {}

	take<T>(list: ListResult<T>): T[] {
		if (!list.complete) {
			this.complete = false;
			if (list.note) this.notes.push(list.note);
		}
		return list.items;
	}

	skip(customerId: string, reason: string): void {
		if (!this.skipped.has(customerId)) this.skipped.set(customerId, reason);
	}

	/**
	 * Runs `task` for each input with the transport's concurrency; a 404 skips the customer the
	 * input belongs to, anything else ends the walk once the tasks in flight have settled.
	 */
	async each<I>(
		inputs: I[],
		customerOf: (input: I) => string,
		gone: (input: I) => string,
		task: (input: I) => Promise<void>,
	): Promise<void> {
		await mapConcurrent(inputs, this.client.concurrency * 2, async (input) => {
			const customerId = customerOf(input);
			if (this.fatal || this.skipped.has(customerId)) return;
			try {
				await task(input);
			} catch (error) {
				if (isGone(error)) {
					this.skip(customerId, gone(input));
				} else {
					this.fatal ??= asNodeError(this.client.node, error, this.itemIndex);
				}
			}
		});
		if (this.fatal) throw this.fatal;
	}
}

/** Checks the credential's reseller first, so a wrong Reseller ID is named as such. */
async function checkReseller(client: MailprotectorClient, itemIndex?: number): Promise<string> {
	const resellerId = await client.resellerId();
	const node = client.node;
	if (!resellerId) {
		throw new NodeOperationError(node, 'The Mailprotector credential has no Reseller ID', {
			itemIndex,
			description: 'Open the Mailprotector credential and enter the Reseller ID (a number).',
		});
	}
	try {
		await client.getReseller(resellerId, itemIndex);
	} catch (error) {
		if (!isGone(error)) throw asNodeError(client.node, error, itemIndex);
		throw new NodeOperationError(
			node,
			`Mailprotector does not know reseller ${resellerId} (404): check the Reseller ID field of the Mailprotector credential`,
			{
				itemIndex,
				description:
					'The API key works, but the Reseller ID in the credential is not a reseller this key can see. Enter the numeric ID of your own reseller account (from the console URL of your reseller overview).',
			},
		);
	}
	return resellerId;
}

interface Sources {
	customers: Customer[];
	domains: Domain[];
	users: User[];
}

/** Reseller-wide lists: three lists for the whole reseller instead of calls per customer. */
async function readWide(
	client: MailprotectorClient,
	walk: Walk,
	resellerId: string,
	withUsers: boolean,
	itemIndex?: number,
): Promise<Sources> {
	const options = { itemIndex };
	const [customers, domains, users] = await Promise.all([
		client.listCustomers(resellerId, options),
		client.listResellerDomains(resellerId, options),
		withUsers ? client.listResellerUsers(resellerId, options) : undefined,
	]);
	return {
		customers: walk.take(customers),
		domains: walk.take(domains),
		users: users ? walk.take(users) : [],
	};
}

/** A few chosen customers: their own lists, so a large reseller is not read for them. */
async function readChosen(
	client: MailprotectorClient,
	walk: Walk,
	ids: string[],
	withUsers: boolean,
	itemIndex?: number,
): Promise<Sources> {
	const out: Sources = { customers: [], domains: [], users: [] };
	const options = { itemIndex };
	await walk.each(
		ids,
		(id) => id,
		(id) => `customer ${id} answered 404: it does not exist (any more) under this reseller`,
		async (id) => {
			const customer = await client.getCustomer(id, itemIndex);
			const [domains, users] = await Promise.all([
				client.listCustomerDomains(id, options),
				withUsers ? client.listCustomerUsers(id, options) : undefined,
			]);
			out.customers.push(customer);
			out.domains.push(...walk.take(domains));
			if (users) out.users.push(...walk.take(users));
		},
	);
	return out;
}

interface JoinSettings {
	rule: CountRule;
	includeZero: boolean;
	withUsers: boolean;
	itemIndex?: number;
	/** Only these customers; undefined = every customer in the sources. */
	wanted?: Set<string>;
	/** Lists read already in this walk (confirmed), by domain and by group: not read twice. */
	read: { groups: Map<string, UserGroup[]>; services: Map<string, string[]> };
}

/**
 * Reads what the count rule needs with as few calls as the rule allows and joins it into one
 * record per customer (domains, non-alias user groups with their services and user tallies):
 * - customers, domains and (for the users-based rules) users come from reseller-wide lists;
 * - user groups come from each non-alias domain only when every group matters (the user_count
 *   rule, or zero counts wanted); otherwise they are learned from the users' `user_group`;
 * - services are read only for groups that can contribute (or all of them for zero counts);
 * - a customer that counts nothing (every item of it would be zeroed downstream) is read again
 *   from its own lists first: a zero is confirmed by a targeted read.
 * A customer whose domain, group or service list answers 404 (deleted mid-walk) is skipped
 * and reported, never silently dropped.
 */
export async function walkReseller(
	client: MailprotectorClient,
	request: WalkRequest,
): Promise<WalkResult> {
	const { rule, includeZero, itemIndex } = request;
	const callsBefore = client.stats.calls;
	const walk = new Walk(client, itemIndex);
	const resellerId = await checkReseller(client, itemIndex);
	const withUsers = needsUsers(rule);
	const chosen = request.customers === 'all' ? undefined : [...new Set(request.customers)];
	const perCustomer = chosen !== undefined && chosen.length <= PER_CUSTOMER_LIMIT;
	const settings: JoinSettings = {
		rule,
		includeZero,
		withUsers,
		itemIndex,
		wanted: chosen ? new Set(chosen) : undefined,
		read: { groups: new Map(), services: new Map() },
	};

	let customers: Map<string, CustomerData>;
	try {
		const sources = perCustomer
			? await readChosen(client, walk, chosen, withUsers, itemIndex)
			: await readWide(client, walk, resellerId, withUsers, itemIndex);
		const listed = new Set(sources.customers.map((c) => text(c.id)));
		for (const id of chosen ?? []) {
			if (!listed.has(id) && !walk.skipped.has(id)) {
				walk.skip(id, 'not found among the reseller’s customers');
			}
		}
		customers = await join(client, walk, sources, settings);
		// Chosen customers were read from their own lists already.
		if (!perCustomer) await confirmZeros(client, walk, customers, settings);
	} catch (error) {
		throw asNodeError(client.node, error, itemIndex);
	}

	const skipped = [...walk.skipped].map(([customerId, reason]) => ({ customerId, reason }));
	return {
		customers: [...customers.values()].filter((c) => !walk.skipped.has(c.id)),
		calls: client.stats.calls - callsBefore,
		complete: walk.complete && skipped.length === 0,
		skipped,
		notes: walk.notes,
	};
}

/** Joins the lists into one record per customer, reading user groups and services as needed. */
async function join(
	client: MailprotectorClient,
	walk: Walk,
	sources: Sources,
	settings: JoinSettings,
): Promise<Map<string, CustomerData>> {
	const { rule, includeZero, withUsers, itemIndex, wanted, read } = settings;
	const customers = new Map<string, CustomerData>();
	for (const c of sources.customers) {
		const id = text(c.id);
		if (wanted && !wanted.has(id)) continue;
		customers.set(id, { id, name: c.name, domains: [], groups: [] });
	}

	// Domains, joined to their customer through `account`.
	const domainOwner = new Map<string, { customer: CustomerData; domain: DomainData }>();
	for (const d of sources.domains) {
		const customer = customers.get(text(d.account?.id));
		if (!customer) continue;
		const domain: DomainData = {
			id: text(d.id),
			name: d.name,
			alias: d.parent !== null && d.parent !== undefined,
			status: d.domain_status?.name ?? null,
		};
		if (domainOwner.has(domain.id)) continue;
		customer.domains.push(domain);
		domainOwner.set(domain.id, { customer, domain });
	}

	// User groups: listed per non-alias domain, or learned from the users.
	const groups = new Map<string, { customer: CustomerData; group: GroupData }>();
	const addGroup = (customer: CustomerData, group: GroupData) => {
		customer.groups.push(group);
		groups.set(group.id, { customer, group });
	};
	const allGroups = needsGroupLists(rule, includeZero);
	if (allGroups) {
		const domains = [...domainOwner.values()].filter((o) => !o.domain.alias);
		await walk.each(
			domains,
			(o) => o.customer.id,
			(o) => `the user groups of domain ${o.domain.name} answered 404: deleted during the walk`,
			async ({ customer, domain }) => {
				let list = read.groups.get(domain.id);
				if (!list) {
					list = walk.take(await client.listUserGroups(domain.id, { itemIndex }));
					read.groups.set(domain.id, list);
				}
				for (const g of list) {
					addGroup(customer, {
						id: text(g.id),
						name: g.name ?? '',
						domainId: domain.id,
						domainName: domain.name,
						userCount: g.user_count ?? 0,
						serviceTypes: [],
						users: withUsers ? emptyTally() : null,
					});
				}
			},
		);
	}

	let strays = 0;
	// The user objects are the bulk of the walk's memory and only their tallies are needed:
	// taken out of `sources`, they can go before the services are read.
	for (const u of sources.users.splice(0)) {
		const owner = domainOwner.get(text(u.domain?.id));
		if (!owner || owner.domain.alias || walk.skipped.has(owner.customer.id)) continue;
		const groupId = text(u.user_group?.id);
		let entry = groups.get(groupId);
		if (!entry && !allGroups && groupId) {
			addGroup(owner.customer, {
				id: groupId,
				name: text(u.user_group?.name),
				domainId: owner.domain.id,
				domainName: owner.domain.name,
				userCount: null,
				serviceTypes: [],
				users: emptyTally(),
			});
			entry = groups.get(groupId);
		}
		if (!entry?.group.users) {
			strays++;
			continue;
		}
		const hasParent = u.parent !== null && u.parent !== undefined;
		tallyUser(entry.group.users, u.user_type.name ?? '', hasParent);
	}
	if (strays) {
		walk.notes.push(
			`${strays} users belong to user groups that were not listed (created during the walk?); they were not counted`,
		);
	}

	// Services, only where a group can add to a count (all groups when zero counts are wanted).
	const contributes = (group: GroupData) => includeZero || groupCount(group, rule) > 0;
	const needServices = [...groups.values()].filter(
		(o) => !walk.skipped.has(o.customer.id) && contributes(o.group),
	);
	await walk.each(
		needServices,
		(o) => o.customer.id,
		(o) => `the services of user group ${o.group.id} answered 404: deleted during the walk`,
		async ({ group }) => {
			let types = read.services.get(group.id);
			if (!types) {
				const list = walk.take(await client.listGroupServices(group.id, { itemIndex }));
				types = list.map((s) => s.service_type);
				read.services.set(group.id, types);
			}
			group.serviceTypes = types;
		},
	);
	return customers;
}

/** Whether any item of the customer would carry a count above 0. */
function countsSomething(customer: CustomerData, rule: CountRule): boolean {
	return customer.groups.some((g) => g.serviceTypes.length > 0 && groupCount(g, rule) > 0);
}

/**
 * A customer in the customer list that counts nothing would have every pair zeroed downstream,
 * so it is read again from its own lists first (404: gone, and skipped as such). User groups and
 * services read already are not read again: only the reseller-wide lists are bypassed. If that
 * read counts something, the reseller-wide lists missed it: its own read is used and the walk
 * is marked incomplete, so nothing is zeroed on the strength of it.
 */
async function confirmZeros(
	client: MailprotectorClient,
	walk: Walk,
	customers: Map<string, CustomerData>,
	settings: JoinSettings,
): Promise<void> {
	const { rule, withUsers, itemIndex } = settings;
	const nothing = [...customers.values()].filter(
		(c) => !walk.skipped.has(c.id) && !countsSomething(c, rule),
	);
	await walk.each(
		nothing,
		(c) => c.id,
		(c) =>
			`the lists of customer ${c.id} answered 404 when its zero counts were checked: deleted during the walk`,
		async (customer) => {
			// Its own lists answer 404 when the customer is gone: no separate GET of it is needed.
			const options = { itemIndex };
			const [domains, users] = await Promise.all([
				client.listCustomerDomains(customer.id, options),
				withUsers ? client.listCustomerUsers(customer.id, options) : undefined,
			]);
			const own: Sources = {
				customers: [{ id: customer.id, name: customer.name }],
				domains: walk.take(domains),
				users: users ? walk.take(users) : [],
			};
			const again = (
				await join(client, walk, own, { ...settings, wanted: new Set([customer.id]) })
			).get(customer.id);
			if (!again || !countsSomething(again, rule)) return;
			customers.set(customer.id, again);
			walk.complete = false;
			walk.notes.push(
				`Customer ${customer.id} (${customer.name}) counted nothing from the reseller-wide lists but does from its own lists (the account changed during the walk, or a list answered short): counted from its own lists; nothing will be zeroed for this walk`,
			);
		},
	);
}
