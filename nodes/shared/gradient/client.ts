import type { IDataObject } from 'n8n-workflow';
import type { z } from 'zod';

import { ApiClient } from '../apiClient';
import type { Answer, Call, RequestContext, TransportSettings } from '../transport';
import { GRADIENT_DEFAULTS } from '../transport';
import type { Account, AlertDebug, Organization, PsaClient, Sku } from './schemas';
import {
	accountSchema,
	alertCreatedSchema,
	alertDebugSchema,
	clientsPageSchema,
	organizationSchema,
	unwrap,
	vendorSchema,
} from './schemas';

const API = '/api/vendor-api';

export interface NewAccount {
	id: string;
	name: string;
	description?: string;
}

export interface NewService {
	name: string;
	description: string;
	category: string;
	subcategory: string;
}

export interface CountResult {
	/** 'pushed' on 201; 'not_mapped' on 404 (normal: the MSP has not mapped the pair yet). */
	outcome: 'pushed' | 'not_mapped';
	status: number;
	message?: string;
}

export interface NewAlert {
	title: string;
	description: string;
	alertId: string;
	priority: number;
	status: number;
	dueDateTime?: string;
	serviceId?: string;
}

/** Typed Gradient Synthesize vendor API calls over the shared transport. */
export class GradientClient extends ApiClient {
	constructor(ctx: RequestContext, settings: Partial<TransportSettings> = {}) {
		super(ctx, 'Gradient', 'gradientApi', { ...GRADIENT_DEFAULTS, ...settings });
	}

	private async get<S extends z.ZodTypeAny>(
		path: string,
		schema: S,
		qs?: IDataObject,
	): Promise<z.infer<S>> {
		return await this.fetch({ method: 'GET', path, qs }, schema, unwrap);
	}

	async getOrganization(): Promise<Organization> {
		return await this.get(`${API}/organization`, organizationSchema);
	}

	async setIntegrationStatus(status: 'inactive' | 'pending' | 'active'): Promise<void> {
		await this.send({ method: 'PATCH', path: `${API}/organization/status/${status}` });
	}

	async listAccounts(): Promise<Account[]> {
		return await this.get(`${API}/organization/accounts`, accountSchema.array());
	}

	/** Bulk create; a 409 (already exists) is returned as an answer for the caller to reconcile. */
	async createAccounts(accounts: NewAccount[]): Promise<Answer> {
		return await this.send({
			method: 'POST',
			path: `${API}/organization/accounts`,
			body: accounts,
			accept: [409],
		});
	}

	async updateAccount(
		accountId: string,
		patch: Partial<NewAccount>,
		itemIndex?: number,
	): Promise<void> {
		await this.send({
			method: 'PATCH',
			path: `${API}/organization/accounts/${encodeURIComponent(accountId)}`,
			body: patch,
			itemIndex,
		});
	}

	/** PSA clients (deprecated route, cursor-paged); used only for optional name alignment. */
	async listPsaClients(maxPages = 200): Promise<PsaClient[]> {
		const clients: PsaClient[] = [];
		let previousId: string | undefined;
		for (let page = 0; page < maxPages; page++) {
			const result = await this.get(
				`${API}/organization/clients`,
				clientsPageSchema,
				previousId ? { previousId } : undefined,
			);
			if (result.clients.length === 0) break;
			const lastId = result.clients[result.clients.length - 1].id;
			if (lastId === previousId) break;
			clients.push(...result.clients);
			previousId = lastId;
		}
		return clients;
	}

	async listServices(): Promise<Sku[]> {
		return (await this.get(API, vendorSchema)).skus;
	}

	/**
	 * One POST of a vendor service, not retried by the transport (a create is not idempotent):
	 * the vendor's full service list afterwards, or null when the answer could not be read.
	 * What to do when the outcome is unknown is the caller's (Map Service's createServiceOnce).
	 */
	async createService(service: NewService, itemIndex?: number): Promise<Sku[] | null> {
		const call: Call = {
			method: 'POST',
			path: `${API}/service`,
			body: service,
			itemIndex,
			idempotent: false,
		};
		const answer = await this.send(call);
		if (answer.unreadable) return null;
		return this.parse(call, vendorSchema, unwrap(answer.body)).skus;
	}

	async pushCount(
		serviceId: string,
		accountId: string,
		unitCount: number,
		noBuild: boolean,
		itemIndex?: number,
	): Promise<CountResult> {
		const answer = await this.send({
			method: 'POST',
			path: `${API}/service/${encodeURIComponent(serviceId)}/count`,
			qs: noBuild ? { no_build: true } : undefined,
			body: { accountId, unitCount },
			accept: [404],
			itemIndex,
		});
		const message = (answer.body as { message?: unknown } | null)?.message;
		return {
			outcome: answer.status === 404 ? 'not_mapped' : 'pushed',
			status: answer.status,
			message: typeof message === 'string' ? message : undefined,
		};
	}

	/**
	 * Queues one alert. Never resent on a reset, a timeout or a 5xx: the first POST may have
	 * reached Gradient, and a second one could open a second ticket (see alertOutcomeUnknown).
	 */
	async createAlert(accountId: string, alert: NewAlert, itemIndex?: number) {
		const call: Call = {
			method: 'POST',
			path: `${API}/alerting/${encodeURIComponent(accountId)}`,
			body: alert,
			itemIndex,
			idempotent: false,
		};
		const answer = await this.send(call);
		// Queued, but the answer was garbled: the alertId still identifies it.
		if (answer.unreadable) return { messageId: null, alertId: alert.alertId };
		return this.parse(call, alertCreatedSchema, answer.body);
	}

	async alertStatus(messageId: string, itemIndex?: number): Promise<AlertDebug> {
		const call: Call = {
			method: 'GET',
			path: `${API}/alerting/debug/${encodeURIComponent(messageId)}`,
			itemIndex,
		};
		return await this.fetch(call, alertDebugSchema, unwrap);
	}
}
