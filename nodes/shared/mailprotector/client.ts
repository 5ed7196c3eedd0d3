import type { IDataObject } from 'n8n-workflow';

import type { z } from 'zod';

import { ApiClient } from '../apiClient';
import type { RequestContext, TransportSettings } from '../transport';
import { MAILPROTECTOR_DEFAULTS } from '../transport';
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
const id = encodeURIComponent;

/** Typed, read-only Mailprotector calls. Nothing here writes: a sync must never PUT services. */
export class MailprotectorClient extends ApiClient {
	constructor(ctx: RequestContext, settings: Partial<TransportSettings> = {}) {
		super(ctx, 'Mailprotector', 'mailprotectorApi', { ...MAILPROTECTOR_DEFAULTS, ...settings });
	}

	async resellerId(): Promise<string> {
		return String((await this.transport.credentialField('resellerId')) ?? '').trim();
	}

	async getReseller(resellerId: string, itemIndex?: number): Promise<Reseller> {
		const path = `${V1}/resellers/${id(resellerId)}`;
		return await this.fetch({ method: 'GET', path, itemIndex }, resellerSchema);
	}

	async getCustomer(customerId: string, itemIndex?: number): Promise<Customer> {
		const path = `${V1}/customers/${id(customerId)}`;
		return await this.fetch({ method: 'GET', path, itemIndex }, customerSchema);
	}

	/** One page of customers, for the node's searchable list. */
	async customerPage(resellerId: string, page: number, search?: string): Promise<Customer[]> {
		const qs: IDataObject = { page, per_page: 50 };
		if (search) qs.name = search;
		const path = `${V1}/resellers/${id(resellerId)}/customers`;
		return await this.fetch({ method: 'GET', path, qs }, customerSchema.array(), (b) => b ?? []);
	}

	/** Every page of a list (see paginate.ts for why an end is believed only once confirmed). */
	private async list<S extends z.ZodTypeAny>(
		path: string,
		schema: S,
		options?: ListOptions,
	): Promise<ListResult<z.infer<S>>> {
		return await listAll(this.transport, path, schema, options);
	}

	listCustomers(resellerId: string, options?: ListOptions): Promise<ListResult<Customer>> {
		return this.list(`${V1}/resellers/${id(resellerId)}/customers`, customerSchema, options);
	}

	listResellerDomains(resellerId: string, options?: ListOptions): Promise<ListResult<Domain>> {
		return this.list(`${V1}/resellers/${id(resellerId)}/domains`, domainSchema, options);
	}

	listCustomerDomains(customerId: string, options?: ListOptions): Promise<ListResult<Domain>> {
		return this.list(`${V1}/customers/${id(customerId)}/domains`, domainSchema, options);
	}

	listResellerUsers(resellerId: string, options?: ListOptions): Promise<ListResult<User>> {
		return this.list(`${V1}/resellers/${id(resellerId)}/users`, userSchema, options);
	}

	listCustomerUsers(customerId: string, options?: ListOptions): Promise<ListResult<User>> {
		return this.list(`${V1}/customers/${id(customerId)}/users`, userSchema, options);
	}

	listUserGroups(domainId: string, options?: ListOptions): Promise<ListResult<UserGroup>> {
		return this.list(`${V1}/domains/${id(domainId)}/user_groups`, userGroupSchema, options);
	}

	/** A group's services; a bare object (one service, unwrapped) is taken as the whole list. */
	listGroupServices(groupId: string, options?: ListOptions): Promise<ListResult<GroupService>> {
		const path = `${V1}/user_groups/${id(groupId)}/services`;
		return this.list(path, serviceSchema, { ...options, allowObject: true });
	}
}
