/**
 * Account reconciliation for Assign Customer: pure. Given the customers of this run, Gradient's
 * accounts, the overrides and what earlier runs remembered, it decides which accounts to create,
 * which to rename, and which account each customer uses. Nothing here talks to an API.
 */
import type { AlignedEntry, AssignMemory } from '../shared/memory/assignMemory';
import type {
	AccountPlan,
	AccountRename,
	CustomerInput,
	CustomerPlan,
	ExistingAccount,
	NewAccount,
} from './accounts';
import { mappedOf } from './accounts';
import type { PlanOwners } from './adopt';
import { adopt } from './adopt';
import type { Alignment, AlignmentRequest, NamedClient } from './matching';
import { alignNames } from './matching';

export interface PlanInput {
	customers: CustomerInput[];
	accounts: ExistingAccount[];
	/** customerId -> Gradient account id (already checked to be non-empty strings). */
	overrides?: Map<string, string>;
	/** Adopt an existing account whose name equals the customer's instead of creating one. */
	adoptByName?: boolean;
	/** The PSA clients, when alignment is on and they could be read; undefined otherwise. */
	psaClients?: NamedClient[];
	memory?: AssignMemory;
	/** Customer ids Exclude Customer IDs leaves out: their own accounts are never adopted. */
	excluded?: Set<string>;
	/** Other customers known this run though not in it (the walk's scope, diverted pairs). */
	knownCustomers?: Set<string>;
	/** Gradient account id -> the customers Push Billable billed to it (its ledger). */
	billedTo?: Map<string, Set<string>>;
	/** Timestamp stored with new memory entries. */
	now?: string;
}

const RESOLVE_AMBIGUITY =
	'Map the account in Gradient by hand, or add an Account Override row for this customer (its own customer ID keeps the account as it is).';

export function planAccounts(input: PlanInput): AccountPlan {
	const overrides = input.overrides ?? new Map<string, string>();
	const memory: AssignMemory = {
		aligned: { ...(input.memory?.aligned ?? {}) },
		adopted: { ...(input.memory?.adopted ?? {}) },
	};
	const now = input.now ?? new Date().toISOString();
	const byId = new Map(input.accounts.map((a) => [a.id, a]));
	const runIds = new Set(input.customers.map((c) => c.customerId));
	const plans = new Map<string, CustomerPlan>();

	// 1. Overrides and adoptions: accounts this package does not own, never renamed.
	const own: CustomerInput[] = [];
	const wantsAdoption: CustomerInput[] = [];
	for (const customer of input.customers) {
		const target = overrides.get(customer.customerId);
		if (target !== undefined && target !== customer.customerId) {
			const account = byId.get(target);
			plans.set(
				customer.customerId,
				account
					? {
							customerId: customer.customerId,
							gradientAccountId: account.id,
							gradientAccountMapped: mappedOf(account),
							action: 'override',
							accountName: account.name,
						}
					: {
							customerId: customer.customerId,
							gradientAccountMapped: null,
							action: 'none',
							needsMapping: {
								reason: `The Account Override for customer ${customer.customerId} names Gradient account "${target}", which does not exist in Gradient. Correct the account ID in Account Overrides, or remove the row to let the node create the account.`,
							},
						},
			);
			continue;
		}
		if (byId.has(customer.customerId) || target !== undefined || !input.adoptByName) {
			own.push(customer);
		} else {
			wantsAdoption.push(customer);
		}
	}
	const owners: PlanOwners = {
		excluded: input.excluded ?? new Set(),
		known: input.knownCustomers ?? new Set(),
		billedTo: input.billedTo ?? new Map(),
	};
	adopt(wantsAdoption, input.accounts, byId, runIds, memory, plans, own, now, owners, overrides);

	// 2. Alignment, for own accounts not known to be mapped and not pinned by an override.
	let alignment = new Map<string, Alignment>();
	if (input.psaClients) {
		const requests: AlignmentRequest[] = own.filter(
			(c) => !overrides.has(c.customerId) && mappedOf(byId.get(c.customerId)) !== true,
		);
		const taken = new Map<string, string>();
		for (const account of input.accounts) {
			if (!taken.has(account.name)) taken.set(account.name, account.id);
		}
		alignment = alignNames(requests, input.psaClients, taken);
	}

	// 3. Own accounts: create the missing, rename the changed.
	const creates: NewAccount[] = [];
	const renames: AccountRename[] = [];
	for (const customer of own) {
		const { customerId, customerName, description } = customer;
		const account = byId.get(customerId);
		const remembered: AlignedEntry | undefined = memory.aligned[customerId];
		const memoryHolds = remembered?.customerName === customerName;
		if (remembered && !memoryHolds) delete memory.aligned[customerId];

		let name = memoryHolds ? remembered.accountName : customerName;
		let alignedTo = memoryHolds ? remembered.accountName : undefined;
		let needsMapping: CustomerPlan['needsMapping'];
		const aligned = alignment.get(customerId);
		if (aligned?.kind === 'aligned') {
			name = aligned.client.name;
			alignedTo = aligned.client.name;
			memory.aligned[customerId] = {
				customerName,
				accountName: aligned.client.name,
				clientId: aligned.client.id,
				at: memoryHolds && remembered.accountName === aligned.client.name ? remembered.at : now,
			};
		} else if (aligned?.kind === 'ambiguous' && !memoryHolds) {
			needsMapping = {
				reason: `Ambiguous PSA name alignment: ${aligned.why}; the account name was left as it is. ${RESOLVE_AMBIGUITY}`,
				candidates: aligned.candidates,
			};
		}

		const plan: CustomerPlan = {
			customerId,
			gradientAccountId: customerId,
			gradientAccountMapped: mappedOf(account),
			action: 'existing',
			accountName: name,
			alignedTo,
			needsMapping,
		};
		if (!account) {
			plan.action = 'create';
			creates.push({ id: customerId, name, description });
		} else {
			const descriptionChanged = description !== '' && description !== (account.description ?? '');
			if (account.name !== name || descriptionChanged) {
				plan.action = 'rename';
				renames.push({
					accountId: customerId,
					customerId,
					name,
					description: description !== '' ? description : undefined,
					from: account.name,
				});
			}
		}
		plans.set(customerId, plan);
	}

	// Keep the input order.
	const customers = new Map<string, CustomerPlan>();
	for (const customer of input.customers) {
		customers.set(customer.customerId, plans.get(customer.customerId)!);
	}
	return { customers, creates, renames, memory };
}
