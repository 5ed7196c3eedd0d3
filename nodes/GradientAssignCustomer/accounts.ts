/**
 * The shapes of Assign Customer's account plan: what a customer brings, what Gradient has, and
 * what the plan decides for each customer. Shared by plan.ts and adopt.ts.
 */
import type { AssignMemory } from '../shared/memory/assignMemory';

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

/** What Gradient says of the account's PSA mapping; null when it does not say. */
export function mappedOf(account: ExistingAccount | undefined): boolean | null {
	return typeof account?.isMapped === 'boolean' ? account.isMapped : null;
}
