import type { CustomerData, UserTally } from '../nodes/shared/counting';
import {
	COUNT_RULES,
	compareIds,
	countCustomer,
	customerDomains,
	emptyTally,
	groupCount,
	needsGroupLists,
	isCountRule,
	needsUsers,
	primaryDomain,
	tallyUser,
} from '../nodes/shared/counting';
import { productNamer } from '../nodes/shared/products';
import { group } from './harness/customerData';

function tally(users: Array<[string, boolean]>): UserTally {
	const t = emptyTally();
	for (const [type, hasParent] of users) tallyUser(t, type, hasParent);
	return t;
}

describe('isCountRule', () => {
	it('knows the three rules and nothing else', () => {
		expect(['billableUsers', 'groupUserCount', 'billableUsersPlusAliases'].every(isCountRule)).toBe(
			true,
		);
		for (const value of ['everything', 'BillableUsers', '', undefined, 1, 'toString']) {
			expect(isCountRule(value)).toBe(false);
		}
	});
});

describe('domains', () => {
	const customer: CustomerData = {
		id: '1',
		name: 'C',
		domains: [
			{ id: '30', name: 'late.example', alias: false, status: 'Active' },
			{ id: '9', name: 'pending.example', alias: false, status: 'Pending' },
			{ id: '100', name: 'alias.example', alias: true, status: 'Active' },
			{ id: '12', name: 'active.example', alias: false, status: 'active' },
		],
		groups: [],
	};
	it('lists the non-alias domains, lowest id first (numerically)', () => {
		expect(customerDomains(customer)).toEqual([
			'pending.example',
			'active.example',
			'late.example',
		]);
	});
	it('takes the lowest-id non-alias Active domain as the first active domain', () => {
		expect(primaryDomain(customer)).toBe('active.example');
	});
	it('has no first active domain when none is active', () => {
		expect(primaryDomain({ ...customer, domains: customer.domains.slice(1, 3) })).toBeNull();
	});
	it('orders ids numerically', () => {
		expect(['100', '9', 'b', '12', 'a'].sort(compareIds)).toEqual(['9', '12', '100', 'a', 'b']);
	});
});

describe('rules', () => {
	// 2 billable, 1 alias, 1 mailing list, 1 unlicensed, 1 discovered, 1 "User" with a parent.
	const users = tally([
		['User', false],
		['User', false],
		['Alias', true],
		['Mailing List', false],
		['Unlicensed User', false],
		['Discovered User', false],
		['User', true],
	]);
	const g = group('1', '10', ['CloudFilter Email Security'], users, 6);

	it('counts per group as each rule says', () => {
		expect(groupCount(g, 'billableUsers')).toBe(2);
		expect(groupCount(g, 'billableUsersPlusAliases')).toBe(3);
		expect(groupCount(g, 'groupUserCount')).toBe(6);
		expect(groupCount({ ...g, users: null }, 'billableUsers')).toBe(0);
		expect(groupCount({ ...g, userCount: null }, 'groupUserCount')).toBe(0);
	});

	it('says which lists a rule needs', () => {
		expect(needsUsers('groupUserCount')).toBe(false);
		expect(needsUsers('billableUsers')).toBe(true);
		expect(needsGroupLists('billableUsers', false)).toBe(false);
		expect(needsGroupLists('billableUsers', true)).toBe(true);
		expect(needsGroupLists('groupUserCount', false)).toBe(true);
	});
});

describe('countCustomer', () => {
	const productOf = productNamer();
	// Hand-made customer: domain 10 (Active), 11 (alias of 10), 12 (Pending).
	// group 1 @10: CloudFilter + SafeSend; alice, bob (User), al (Alias), sales (Mailing List)
	// group 2 @12: CloudFilter + BracketBundle; carol (User), temp (Unlicensed), disc (Discovered)
	// group 3 @10: no services; dave (User)
	// group 4 @11 (alias domain): CloudFilter; erin (User)   -> adds nothing
	// group 5 @12: XtraMail; list (Mailing List)               -> a 0 pair
	const customer: CustomerData = {
		id: '1001',
		name: 'ACME corp.',
		domains: [
			{ id: '10', name: 'acme.example', alias: false, status: 'Active' },
			{ id: '11', name: 'acme-alias.example', alias: true, status: 'Active' },
			{ id: '12', name: 'acme.net', alias: false, status: 'Pending' },
		],
		groups: [
			group(
				'1',
				'10',
				['CloudFilter Email Security', 'SafeSend Outbound'],
				tally([
					['User', false],
					['User', false],
					['Alias', true],
					['Mailing List', false],
				]),
				3,
			),
			group(
				'2',
				'12',
				['CloudFilter Email Security', 'BracketBundle'],
				tally([
					['User', false],
					['Unlicensed User', false],
					['Discovered User', false],
				]),
				3,
			),
			group('3', '10', [], tally([['User', false]]), 1),
			group('4', '11', ['CloudFilter Email Security'], tally([['User', false]]), 1),
			group('5', '12', ['XtraMail Continuity'], tally([['Mailing List', false]]), 1),
		],
	};
	const counts = (rows: ReturnType<typeof countCustomer>) =>
		Object.fromEntries(rows.map((r) => [r.product, r.count]));

	it('counts billable users once per service of their group; alias domains add nothing', () => {
		const rows = countCustomer(customer, { rule: 'billableUsers', includeZero: false, productOf });
		expect(counts(rows)).toEqual({ BracketBundle: 1, CloudFilter: 3, SafeSend: 2 });
		expect(rows.map((r) => r.product)).toEqual(['BracketBundle', 'CloudFilter', 'SafeSend']);
	});

	it('keeps 0 pairs only when asked', () => {
		const rows = countCustomer(customer, { rule: 'billableUsers', includeZero: true, productOf });
		expect(counts(rows)).toEqual({ BracketBundle: 1, CloudFilter: 3, SafeSend: 2, XtraMail: 0 });
	});

	it('counts aliases too under billableUsersPlusAliases', () => {
		const rows = countCustomer(customer, {
			rule: 'billableUsersPlusAliases',
			includeZero: false,
			productOf,
		});
		expect(counts(rows)).toEqual({ BracketBundle: 1, CloudFilter: 4, SafeSend: 3 });
		expect(rows[1].breakdown.leftOut).toEqual({
			mailingLists: 1,
			unlicensedUsers: 1,
			discoveredUsers: 1,
			aliasDomains: ['acme-alias.example'],
		});
	});

	it('sums user_count under groupUserCount', () => {
		const rows = countCustomer(customer, {
			rule: 'groupUserCount',
			includeZero: false,
			productOf,
			groupDetail: true,
		});
		expect(counts(rows)).toEqual({ BracketBundle: 3, CloudFilter: 6, SafeSend: 3, XtraMail: 1 });
		expect(rows[1].breakdown.userGroups!.map((g) => [g.userGroupId, g.userCount, g.count])).toEqual(
			[
				['1', 3, 3],
				['2', 3, 3],
			],
		);
		expect(rows[1].breakdown.usersByType).toBeUndefined();
	});

	it('filters products', () => {
		const rows = countCustomer(customer, {
			rule: 'billableUsers',
			includeZero: true,
			productOf,
			products: ['safesend', 'XtraMail'],
		});
		expect(counts(rows)).toEqual({ SafeSend: 2, XtraMail: 0 });
	});

	it('writes a breakdown a billing person can check by hand', () => {
		const rows = countCustomer(customer, {
			rule: 'billableUsers',
			includeZero: false,
			productOf,
			groupDetail: true,
		});
		const cloudFilter = rows.find((r) => r.product === 'CloudFilter')!;
		expect(cloudFilter.breakdown).toEqual({
			rule: 'billableUsers',
			counted:
				'Users whose type is "User" and who have no parent, once per service of their user group',
			primaryDomain: 'acme.example',
			serviceTypes: ['CloudFilter Email Security'],
			groupsCounted: 2,
			userGroups: [
				{
					userGroupId: '1',
					userGroup: 'Group 1',
					domain: 'd10.example',
					serviceTypes: ['CloudFilter Email Security'],
					count: 2,
					usersByType: { User: 2, Alias: 1, 'Mailing List': 1 },
				},
				{
					userGroupId: '2',
					userGroup: 'Group 2',
					domain: 'd12.example',
					serviceTypes: ['CloudFilter Email Security'],
					count: 1,
					usersByType: { User: 1, 'Unlicensed User': 1, 'Discovered User': 1 },
				},
			],
			domains: [
				{ domain: 'd10.example', count: 2 },
				{ domain: 'd12.example', count: 1 },
			],
			usersByType: {
				User: 3,
				Alias: 1,
				'Mailing List': 1,
				'Unlicensed User': 1,
				'Discovered User': 1,
			},
			leftOut: {
				aliases: 1,
				mailingLists: 1,
				unlicensedUsers: 1,
				discoveredUsers: 1,
				aliasDomains: ['acme-alias.example'],
			},
		});
	});

	it('leaves the per-group list out unless asked, keeping every total', () => {
		const settings = { rule: 'billableUsers' as const, includeZero: false, productOf };
		const detailed = countCustomer(customer, { ...settings, groupDetail: true });
		const summary = countCustomer(customer, settings);
		expect(summary.map((r) => [r.product, r.count])).toEqual(
			detailed.map((r) => [r.product, r.count]),
		);
		for (const [i, row] of summary.entries()) {
			expect(row.breakdown.userGroups).toBeUndefined();
			const { userGroups, counted, ...rest } = detailed[i].breakdown;
			expect(counted).toBe(COUNT_RULES.billableUsers);
			expect(row.breakdown).toEqual(rest);
			expect(row.breakdown.groupsCounted).toBe(userGroups!.length);
		}
	});

	it('adds a group once per service when two of its services name the same product', () => {
		const own = productNamer([{ serviceType: 'SafeSend', product: 'CloudFilter' }]);
		const rows = countCustomer(customer, {
			rule: 'billableUsers',
			includeZero: false,
			productOf: own,
			groupDetail: true,
		});
		expect(counts(rows)).toEqual({ BracketBundle: 1, CloudFilter: 5 });
		const cf = rows.find((r) => r.product === 'CloudFilter')!;
		expect(cf.breakdown.serviceTypes).toEqual(['CloudFilter Email Security', 'SafeSend Outbound']);
		expect(cf.breakdown.userGroups![0].count).toBe(4);
	});

	it('reports unknown user types and "User" records with a parent as left out', () => {
		const odd: CustomerData = {
			...customer,
			groups: [
				group(
					'9',
					'10',
					['CloudFilter'],
					tally([
						['User', false],
						['User', true],
						['Room', false],
					]),
				),
			],
		};
		const [row] = countCustomer(odd, { rule: 'billableUsers', includeZero: false, productOf });
		expect(row.count).toBe(1);
		expect(row.breakdown.leftOut).toMatchObject({ usersWithParent: 1, otherTypes: { Room: 1 } });
	});
});
