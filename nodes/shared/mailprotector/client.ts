import type { IDataObject } from 'n8n-workflow';

import type { RequestContext, TransportSettings } from '../transport';
import { MAILPROTECTOR_DEFAULTS, Transport } from '../transport';
import { parseAnswer } from '../validate';
import type { ListOptions, ListResult } from './paginate';
import { listAll } from './paginate';
import type { Customer, Domain, GroupService, Reseller, User, UserGroup } from './schemas';
import {
	customerSchema,
	domainSchema,
	resellerSchema,
	serviceSchema,
	userGroupSchema,
	userSchema,
} from './schemas';

const V1 = '/api/v1';

/** Typed, read-only Mailprotector calls. Nothing here writes: a sync must never PUT services. */
export class MailprotectorClient {
	readonly transport: Transport;

	constructor(ctx: RequestContext, settings: Partial<TransportSettings> = {}) {
		this.transport = new Transport(ctx, 'Mailprotector', 'mailprotectorApi', {
			...MAILPROTECTOR_DEFAULTS,
			...settings,
		});
	}

	async resellerId(): Promise<string> {
		return String((await this.transport.credentialField('resellerId')) ?? '').trim();
	}

	async getReseller(resellerId: string, itemIndex?: number): Promise<Reseller> {
		const call = {
			method: 'GET' as const,
			path: `${V1}/resellers/${encodeURIComponent(resellerId)}`,
			itemIndex,
		};
		const answer = await this.transport.send(call);
		return parseAnswer(
			this.transport.node,
			'Mailprotector',
			this.transport.endpoint(call),
			resellerSchema,
			answer.body,
			itemIndex,
		);
	}

	async getCustomer(customerId: string, itemIndex?: number): Promise<Customer> {
		const call = {
			method: 'GET' as const,
			path: `${V1}/customers/${encodeURIComponent(customerId)}`,
			itemIndex,
		};
		const answer = await this.transport.send(call);
		return parseAnswer(
			this.transport.node,
			'Mailprotector',
			this.transport.endpoint(call),
			customerSchema,
			answer.body,
			itemIndex,
		);
	}

	/** One page of customers, for the node's searchable list. */
	async customerPage(resellerId: string, page: number, search?: string): Promise<Customer[]> {
		const qs: IDataObject = { page, per_page: 50 };
		if (search) qs.name = search;
		const call = {
			method: 'GET' as const,
			path: `${V1}/resellers/${encodeURIComponent(resellerId)}/customers`,
			qs,
		};
		const answer = await this.transport.send(call);
		return parseAnswer(
			this.transport.node,
			'Mailprotector',
			this.transport.endpoint(call),
			customerSchema.array(),
			answer.body ?? [],
		);
	}

	async listCustomers(resellerId: string, options?: ListOptions): Promise<ListResult<Customer>> {
		return await listAll(
			this.transport,
			`${V1}/resellers/${encodeURIComponent(resellerId)}/customers`,
			customerSchema,
			options,
		);
	}

	async listResellerDomains(
		resellerId: string,
		options?: ListOptions,
	): Promise<ListResult<Domain>> {
		return await listAll(
			this.transport,
			`${V1}/resellers/${encodeURIComponent(resellerId)}/domains`,
			domainSchema,
			options,
		);
	}

	async listCustomerDomains(
		customerId: string,
		options?: ListOptions,
	): Promise<ListResult<Domain>> {
		return await listAll(
			this.transport,
			`${V1}/customers/${encodeURIComponent(customerId)}/domains`,
			domainSchema,
			options,
		);
	}

	async listResellerUsers(resellerId: string, options?: ListOptions): Promise<ListResult<User>> {
		return await listAll(
			this.transport,
			`${V1}/resellers/${encodeURIComponent(resellerId)}/users`,
			userSchema,
			options,
		);
	}

	async listCustomerUsers(customerId: string, options?: ListOptions): Promise<ListResult<User>> {
		return await listAll(
			this.transport,
			`${V1}/customers/${encodeURIComponent(customerId)}/users`,
			userSchema,
			options,
		);
	}

	async listUserGroups(domainId: string, options?: ListOptions): Promise<ListResult<UserGroup>> {
		return await listAll(
			this.transport,
			`${V1}/domains/${encodeURIComponent(domainId)}/user_groups`,
			userGroupSchema,
			options,
		);
	}

	async listGroupServices(
		groupId: string,
		options?: ListOptions,
	): Promise<ListResult<GroupService>> {
		return await listAll(
			this.transport,
			`${V1}/user_groups/${encodeURIComponent(groupId)}/services`,
			serviceSchema,
			{
				...options,
				allowObject: true,
			},
		);
	}
}
