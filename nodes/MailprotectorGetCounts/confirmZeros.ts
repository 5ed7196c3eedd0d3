import type { CountRule, CustomerData } from '../shared/counting';
import { groupCount } from '../shared/counting';
import type { MailprotectorClient } from '../shared/mailprotector/client';
import type { JoinSettings, Sources, Walk } from './traversal';
import { join } from './traversal';

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
export async function confirmZeros(
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
