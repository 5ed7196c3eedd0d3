/**
 * Account reconciliation for Assign Customer: pure. Given the customers of this run, Gradient's
 * accounts, the overrides and what earlier runs remembered, it decides which accounts to create,
 * which to rename, and which account each customer uses. Nothing here talks to an API.
 */
import type { AdoptedEntry, AlignedEntry, AssignMemory } from './ledgerState';
import type { Alignment, AlignmentRequest, NamedClient } from './matching';
import { alignNames } from './matching';

export interface CustomerInput {
	customerId: string;
	customerName: string;
	/** The customer's first active domain ('' when unknown). */
	description: string;
}

export interface ExistingAccount {
	id: string;
	name: string;
	description?: string | null;
	isMapped?: boolean | null;
}

export interface NewAccount {
	id: string;
	name: string;
	description: string;
}

export interface AccountRename {
	accountId: string;
	customerId: string;
	name: string;
	description?: string;
	from: string;
}

/**
 * existing: the customer's own account (id = customer id) is already right; create / rename:
 * the own account is created or updated; adopt: an account of the same name made by someone
 * else; override: the account an Account Override names; none: no usable account.
 */
export type AccountAction = 'existing' | 'create' | 'rename' | 'adopt' | 'override' | 'none';

export interface CustomerPlan {
	customerId: string;
	/** Undefined only when no account can be used (an override names a missing account). */
	gradientAccountId?: string;
	gradientAccountMapped: boolean | null;
	action: AccountAction;
	/** The name the account has (or gets) in Gradient. */
	accountName?: string;
	/** The PSA client whose spelling the account name takes. */
	alignedTo?: string;
	/** Set when the customer's items cannot go on to Push (they go to Needs Mapping). */
	needsMapping?: { reason: string; candidates?: string[] };
}

export interface AccountPlan {
	customers: Map<string, CustomerPlan>;
	creates: NewAccount[];
	renames: AccountRename[];
	/** The memory to keep after this run (written only when not a dry run). */
	memory: AssignMemory;
}

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

function mappedOf(account: ExistingAccount | undefined): boolean | null {
	return typeof account?.isMapped === 'boolean' ? account.isMapped : null;
}

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

/** Mailprotector customer ids are whole numbers; this sync gives every own account that id. */
const CUSTOMER_ID_FORM = /^\d+$/;

/** Why an account already belongs to another customer, or undefined when nothing says so. */
function takenBecause(
	account: ExistingAccount,
	customerId: string,
	owners: PlanOwners,
	runIds: Set<string>,
	memory: AssignMemory,
	overrides: Map<string, string>,
): string | undefined {
	const id = account.id;
	if (id === customerId) return undefined;
	if (runIds.has(id)) return `it is the own account of customer ${id}, which is in this run`;
	if (owners.excluded.has(id)) {
		return `it is the own account of customer ${id}, which Exclude Customer IDs leaves out`;
	}
	const overridden = [...overrides]
		.filter(([from, to]) => to === id && from !== customerId)
		.map(([from]) => from);
	if (overridden.length) return `Account Overrides send customer ${overridden.join(', ')} to it`;
	const adoptedBy = Object.entries(memory.adopted).find(
		([other, entry]) => other !== customerId && entry.accountId === id,
	);
	if (adoptedBy) return `customer ${adoptedBy[0]} adopted it on an earlier run`;
	if (memory.aligned[id]) return `it is the own account of customer ${id} (remembered)`;
	const billed = [...(owners.billedTo.get(id) ?? [])].filter((other) => other !== customerId);
	if (billed.length) {
		return `Push Billable has billed customer ${billed.join(', ')} to it on earlier runs`;
	}
	if (owners.known.has(id)) return `it is the own account of customer ${id}, not in this run`;
	if (CUSTOMER_ID_FORM.test(id)) {
		return `its ID has the form of a Mailprotector customer ID, and this sync gives each customer's own account that ID, so it most likely belongs to customer ${id}, which is not in this run`;
	}
	return undefined;
}

interface PlanOwners {
	excluded: Set<string>;
	known: Set<string>;
	billedTo: Map<string, Set<string>>;
}

/**
 * Adopts by exact (trimmed) name, never an account that is already another customer's (by id,
 * by memory, by override or by what Push billed to it): that would bill this customer's counts
 * to someone else's account. Customers that find no account of their name join `own`.
 */
function adopt(
	customers: CustomerInput[],
	accounts: ExistingAccount[],
	byId: Map<string, ExistingAccount>,
	runIds: Set<string>,
	memory: AssignMemory,
	plans: Map<string, CustomerPlan>,
	own: CustomerInput[],
	now: string,
	owners: PlanOwners,
	overrides: Map<string, string>,
): void {
	const choice = new Map<string, ExistingAccount[]>();
	const taken = new Map<string, Array<{ account: ExistingAccount; why: string }>>();
	const wanted = new Map<string, string[]>();
	for (const customer of customers) {
		const { customerId } = customer;
		const why = (a: ExistingAccount) =>
			takenBecause(a, customerId, owners, runIds, memory, overrides);
		const remembered: AdoptedEntry | undefined = memory.adopted[customerId];
		const rememberedAccount = remembered ? byId.get(remembered.accountId) : undefined;
		const candidates = rememberedAccount
			? [rememberedAccount]
			: accounts.filter((a) => a.name.trim() === customer.customerName.trim());
		if (remembered && !rememberedAccount) delete memory.adopted[customerId];
		const free: ExistingAccount[] = [];
		const theirs: Array<{ account: ExistingAccount; why: string }> = [];
		for (const account of candidates) {
			const reason = why(account);
			if (reason) theirs.push({ account, why: reason });
			else free.push(account);
		}
		choice.set(customerId, free);
		taken.set(customerId, theirs);
		if (free.length === 1 && theirs.length === 0) {
			const list = wanted.get(free[0].id) ?? [];
			list.push(customerId);
			wanted.set(free[0].id, list);
		}
	}
	for (const customer of customers) {
		const { customerId, customerName } = customer;
		const found = choice.get(customerId)!;
		const theirs = taken.get(customerId)!;
		if (theirs.length) {
			// An earlier adoption that is now known to be another customer's is dropped too.
			delete memory.adopted[customerId];
			const listed = theirs.map((t) => `account ${t.account.id}: ${t.why}`).join('; ');
			plans.set(customerId, {
				customerId,
				gradientAccountMapped: null,
				action: 'none',
				needsMapping: {
					reason: `Adopt Accounts by Name found a Gradient account named "${customerName}" that is already another customer's (${listed}), so it was not adopted: that would bill customer ${customerId}'s counts to another customer's account. If customer ${customerId} is a different company, add an Account Override row with Customer ID ${customerId} and Gradient Account ID ${customerId}: its own account is then created. If the account really is this customer's, add the row with that account's ID.`,
					candidates: [...theirs.map((t) => t.account), ...found].map(
						(a) => `${a.name} (account ${a.id})`,
					),
				},
			});
			continue;
		}
		if (found.length === 0) {
			own.push(customer);
			continue;
		}
		const rivals = found.length === 1 ? wanted.get(found[0].id)! : [];
		if (found.length > 1 || rivals.length > 1) {
			plans.set(customerId, {
				customerId,
				gradientAccountMapped: null,
				action: 'none',
				needsMapping: {
					reason:
						found.length > 1
							? `${found.length} Gradient accounts are named "${customerName}", so none was adopted. Add an Account Override row for this customer with the account ID to use.`
							: `Customers ${rivals.join(', ')} are all named "${customerName}", so none adopted Gradient account ${found[0].id}. Add Account Override rows to say which account each uses.`,
					candidates: found.map((a) => `${a.name} (account ${a.id})`),
				},
			});
			continue;
		}
		const account = found[0];
		const previous = memory.adopted[customerId];
		memory.adopted[customerId] = {
			accountId: account.id,
			customerName,
			at: previous?.accountId === account.id ? previous.at : now,
		};
		plans.set(customerId, {
			customerId,
			gradientAccountId: account.id,
			gradientAccountMapped: mappedOf(account),
			action: 'adopt',
			accountName: account.name,
		});
	}
}
