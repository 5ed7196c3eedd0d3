import { NodeOperationError } from 'n8n-workflow';

import type { CountRule, CustomerData } from '../shared/counting';
import { needsUsers } from '../shared/counting';
import { asNodeError } from '../shared/errors';
import type { MailprotectorClient } from '../shared/mailprotector/client';
import { fieldText } from '../shared/text';
import { confirmZeros } from './confirmZeros';
import type { JoinSettings } from './traversal';
import { isGone, join, readChosen, readWide, Walk } from './traversal';

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
		const listed = new Set(sources.customers.map((c) => fieldText(c.id)));
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
