/**
 * The reseller traversal of Get Counts: the state of one walk, the lists it reads (reseller-wide
 * or per chosen customer) and the join of those lists into one record per customer.
 */
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { CountRule, CustomerData, DomainData, GroupData } from '../shared/counting';
import { emptyTally, groupCount, needsGroupLists, tallyUser } from '../shared/counting';
import { asNodeError, failureOf } from '../shared/errors';
import type { MailprotectorClient } from '../shared/mailprotector/client';
import type { ListResult } from '../shared/mailprotector/paginate';
import type { Customer, Domain, User, UserGroup } from '../shared/mailprotector/schemas';
import { mapConcurrent } from '../shared/pacing';
import { fieldText } from '../shared/text';

/** A 404 on a list under a customer means the customer (or part of it) vanished mid-walk. */
export function isGone(error: unknown): boolean {
	const failure = failureOf(error);
	return failure?.kind === 'status' && failure.status === 404;
}

/** One walk's state: what it noted and skipped, whether it is complete, its first fatal error. */
export class Walk {
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

export interface Sources {
	customers: Customer[];
	domains: Domain[];
	users: User[];
}

/** Reseller-wide lists: three lists for the whole reseller instead of calls per customer. */
export async function readWide(
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
export async function readChosen(
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

export interface JoinSettings {
	rule: CountRule;
	includeZero: boolean;
	withUsers: boolean;
	itemIndex?: number;
	/** Only these customers; undefined = every customer in the sources. */
	wanted?: Set<string>;
	/** Lists read already in this walk (confirmed), by domain and by group: not read twice. */
	read: { groups: Map<string, UserGroup[]>; services: Map<string, string[]> };
}

/** Joins the lists into one record per customer, reading user groups and services as needed. */
export async function join(
	client: MailprotectorClient,
	walk: Walk,
	sources: Sources,
	settings: JoinSettings,
): Promise<Map<string, CustomerData>> {
	const { rule, includeZero, withUsers, itemIndex, wanted, read } = settings;
	const customers = new Map<string, CustomerData>();
	for (const c of sources.customers) {
		const id = fieldText(c.id);
		if (wanted && !wanted.has(id)) continue;
		customers.set(id, { id, name: c.name, domains: [], groups: [] });
	}

	// Domains, joined to their customer through `account`.
	const domainOwner = new Map<string, { customer: CustomerData; domain: DomainData }>();
	for (const d of sources.domains) {
		const customer = customers.get(fieldText(d.account?.id));
		if (!customer) continue;
		const domain: DomainData = {
			id: fieldText(d.id),
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
						id: fieldText(g.id),
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
		const owner = domainOwner.get(fieldText(u.domain?.id));
		if (!owner || owner.domain.alias || walk.skipped.has(owner.customer.id)) continue;
		const groupId = fieldText(u.user_group?.id);
		let entry = groups.get(groupId);
		if (!entry && !allGroups && groupId) {
			addGroup(owner.customer, {
				id: groupId,
				name: u.user_group?.name ?? '',
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
