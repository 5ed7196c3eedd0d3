/**
 * Adoption by name for Assign Customer: pure. Which existing account (made by someone else) a
 * customer may take as its own, and why not when it already is another customer's.
 */
import type { AdoptedEntry, AssignMemory } from '../shared/memory/assignMemory';
import type { CustomerInput, CustomerPlan, ExistingAccount } from './accounts';
import { mappedOf } from './accounts';

/** Mailprotector customer ids are whole numbers; this sync gives every own account that id. */
const CUSTOMER_ID_FORM = /^\d+$/;

/** Who else may own an account, beside the customers of this run. */
export interface PlanOwners {
	excluded: Set<string>;
	known: Set<string>;
	billedTo: Map<string, Set<string>>;
}

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
/**
 * Adopts by exact (trimmed) name, never an account that is already another customer's (by id,
 * by memory, by override or by what Push billed to it): that would bill this customer's counts
 * to someone else's account. Customers that find no account of their name join `own`.
 */
export function adopt(
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
