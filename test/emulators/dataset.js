'use strict';
/**
 * Mailprotector test data: a generated data set (makeDataset), a hand-written small one
 * (smallDataset + SMALL_EXPECTED), an independent count oracle (expectedCounts) and the
 * minimum number of calls of a complete walk (minimumCalls).
 *
 * Shapes follow docs/reference/mailprotector-api.md §5.1 (ids are integers).
 * The data set is a plain object of arrays, each ordered by id:
 *   { resellerId, seed, reseller, customers, domains, userGroups, services, users }
 * Relationships are read from the public fields only (domain.account.id, userGroup.domain.id,
 * service.user_group.id, user.user_group.id), so what the emulator serves is exactly this.
 *
 * Nothing here imports from nodes/: the oracle is written independently of the node code.
 */

const { makeRng } = require('./prng');

const PROVIDER = { id: 65, name: 'United States' };

const USER_TYPES = {
	User: { id: 1, name: 'User' },
	Alias: { id: 2, name: 'Alias' },
	MailingList: { id: 3, name: 'Mailing List' },
	Unlicensed: { id: 11, name: 'Unlicensed User' },
	Discovered: { id: 12, name: 'Discovered User' },
};
const DOMAIN_STATUS = { Pending: { id: 1, name: 'Pending' }, Active: { id: 2, name: 'Active' } };

const SERVICE_TYPES = [
	'CloudFilter Email Security',
	'SafeSend Outbound',
	'Bracket Encryption',
	'BracketBundle',
	'ContinuityBundle',
	'XtraMail Continuity',
	'SecureStore Archiving',
	'CloudMail Hosted Email',
];
/** A service_type no product list knows: it must pass through unchanged. */
const UNKNOWN_SERVICE_TYPE = 'Shield Advanced';

/** Weighted service sets a user group can carry ([] = a group without services). */
const SERVICE_SETS = [
	[24, ['CloudFilter Email Security']],
	[20, ['CloudFilter Email Security', 'SafeSend Outbound']],
	[8, ['CloudFilter Email Security', 'SafeSend Outbound', 'Bracket Encryption']],
	[9, ['BracketBundle']],
	[5, ['ContinuityBundle']],
	[6, ['CloudFilter Email Security', 'XtraMail Continuity']],
	[5, ['CloudFilter Email Security', 'SecureStore Archiving']],
	[4, ['CloudMail Hosted Email', 'CloudFilter Email Security']],
	[
		3,
		[
			'CloudMail Hosted Email',
			'CloudFilter Email Security',
			'SafeSend Outbound',
			'SecureStore Archiving',
		],
	],
	[3, ['BracketBundle', 'XtraMail Continuity']],
	[2, ['SafeSend Outbound']],
	[8, []],
];

/** The first customers' names are fixed so tests can rely on them (and on shared prefixes). */
const FIXED_NAMES = [
	'ACME corp.',
	'Smith & Sons LLC',
	'Contoso Ltd',
	'Müller GmbH',
	'Acme Dental Group',
	'Acme Corporation',
	'Northwind Traders',
	"O'Brien & Partners",
	'Contoso Pharmaceuticals Ltd',
	'Smith Family Dental',
];
const STEMS = [
	'Acme',
	'Smith & Sons',
	'Contoso',
	'Müller',
	'Northwind',
	'Fabrikam',
	'Globex',
	'Initech',
	'Umbrella',
	'Stark',
	'Wayne',
	'Tyrell',
	'Cyberdyne',
	'Soylent',
	'Hooli',
	'Vandelay',
	'Pied Piper',
	'Dunder Mifflin',
	'Wonka',
	'Oceanic',
	'Blue Ridge',
	'Summit',
	'Pinnacle',
	'Riverside',
	'Lakeside',
	'Evergreen',
	'Redwood',
	'Cedar',
	'Maple Leaf',
	'Harbor',
	'Granite',
	'Ironwood',
	'Silver Lake',
	'Golden Gate',
	'Keystone',
	'Liberty',
	'Frontier',
	'Horizon',
	'Apex',
	'Vertex',
	'Zenith',
	'Nordic',
	'Alpine',
	'Coastal',
	'Prairie',
	'Desert Sun',
	'Mountain View',
	'Brightside',
	"O'Brien",
	'García',
	'Nguyen',
	'Johnson',
	'Williams',
	'Brown',
	'Jones',
	'Miller',
	'Davis',
	'Schmidt',
	'Schneider',
	'Fischer',
	'Weber',
	'Dupont',
	'Lefèvre',
	'Rossi',
	'Kowalski',
	'Andersen',
	'Björk',
	'Østergaard',
	'Tanaka',
	'Patel',
	'Singh',
	'Murphy',
	'Kelly',
	'Chen',
	'Okafor',
	'Cohen',
	'Fernández',
	'Hill Country',
	'Bayview',
	'Sunrise',
	'Three Rivers',
	'Oak Park',
];
const SUFFIXES = [
	'Corp.',
	'LLC',
	'Inc.',
	'Ltd',
	'GmbH',
	'Dental',
	'Law Group',
	'Accounting',
	'Plumbing',
	'Family Practice',
	'Realty',
	'Construction',
	'Partners LLP',
	'& Associates',
	'Holdings',
	'& Co.',
	'Foundation',
	'Logistics',
	'Veterinary Clinic',
	'Insurance Agency',
	'Auto Repair',
	'Architects',
	'CPA',
	'Manufacturing',
	'Church',
	'School District',
	'Credit Union',
	'Bakery',
];
const CITIES = [
	'Denver',
	'Austin',
	'Boise',
	'Tulsa',
	'Dayton',
	'Fresno',
	'Reno',
	'Omaha',
	'Salem',
	'Tampa',
];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'us', 'co.uk', 'de'];
const FIRST = [
	'alice',
	'bob',
	'carol',
	'dave',
	'erin',
	'frank',
	'grace',
	'heidi',
	'ivan',
	'judy',
	'mallory',
	'niaj',
	'olivia',
	'peggy',
	'rupert',
	'sybil',
	'trent',
	'victor',
	'walter',
	'zoe',
	'jürgen',
	'siobhan',
	'mateo',
	'aiko',
	'priya',
	'omar',
	'lena',
	'tomás',
	'noah',
	'emma',
];
const LAST = [
	'smith',
	'jones',
	'brown',
	'nguyen',
	'garcia',
	'miller',
	'davis',
	'wilson',
	'moore',
	'taylor',
	'anderson',
	'thomas',
	'jackson',
	'white',
	'harris',
	'martin',
	'thompson',
	'young',
	'king',
	'lee',
];
const LISTS = [
	'info',
	'sales',
	'support',
	'billing',
	'office',
	'team',
	'hr',
	'accounts',
	'frontdesk',
	'noreply',
];
const GROUP_NAMES = [
	'Default',
	'Staff',
	'Executives',
	'Finance',
	'CloudMail with Bracket',
	'Shared Mailboxes',
	'Remote',
];

const BASE_TIME = Date.UTC(2019, 0, 1);
function stamp(rng, minDays = 0, maxDays = 1800) {
	return new Date(
		BASE_TIME + rng.int(minDays, maxDays) * 86400000 + rng.int(0, 86399) * 1000,
	).toISOString();
}

function slug(name) {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/&/g, 'and')
		.replace(/ø/g, 'o')
		.replace(/[^a-z0-9]+/g, '')
		.slice(0, 24);
}

const ref = (o) => ({ id: o.id, name: o.name });

/**
 * Builds a Mailprotector data set. Deterministic for (customers, seed, resellerId).
 *
 * Shape choices (all documented in the test brief):
 * - 1-3 domains a customer (60/28/12 %); ~20 % of domains are aliases of the customer's first
 *   domain (never the first one itself) and have no user groups or users; ~10 % are Pending.
 * - 1-2 user groups per non-alias domain (70/30 %); services from SERVICE_SETS, some none,
 *   about 2 % of groups also carry the unknown 'Shield Advanced'.
 * - 1-10 non-alias users per group (User 76 %, Mailing List 8 %, Unlicensed 8 %, Discovered 8 %),
 *   plus an Alias for ~20 % of the Users (parent = that User, same group). ~10 users a customer.
 * - INFERRED (docs/reference/mailprotector-api.md §6.4 Recipe A risk, §10 q3): `user_count` on
 *   a group = the number of its users whose type is not Alias.
 */
function makeDataset({ customers = 60, seed = 1, resellerId = 1 } = {}) {
	const rng = makeRng(Math.imul(seed, 2654435761) ^ Math.imul(resellerId, 40503)); // prefix-stable: the first N customers do not depend on `customers`
	const reseller = {
		id: resellerId,
		name: 'Emulated MSP Reseller',
		provider: { ...PROVIDER },
		reseller: null,
		created_at: '2018-06-01T12:00:00.000Z',
		updated_at: '2024-01-15T08:30:00.000Z',
	};
	const ds = {
		resellerId,
		seed,
		reseller,
		customers: [],
		domains: [],
		userGroups: [],
		services: [],
		users: [],
	};
	const usedNames = new Set();
	const usedDomains = new Set();
	let domainId = 20001;
	let groupId = 50001;
	let serviceId = 80001;
	let userId = 100001;

	const customerName = (i) => {
		if (i < FIXED_NAMES.length) return FIXED_NAMES[i];
		for (let attempt = 0; attempt < 20; attempt++) {
			let name = `${rng.pick(STEMS)} ${rng.pick(SUFFIXES)}`;
			if (attempt >= 5) name += ` of ${rng.pick(CITIES)}`;
			if (!usedNames.has(name)) return name;
		}
		return `${rng.pick(STEMS)} ${rng.pick(SUFFIXES)} #${i}`;
	};
	const domainName = (base, tld) => {
		let name = `${base}.${tld}`;
		for (let n = 2; usedDomains.has(name); n++) name = `${base}${n}.${tld}`;
		usedDomains.add(name);
		return name;
	};

	for (let i = 0; i < customers; i++) {
		const name = customerName(i);
		usedNames.add(name);
		const created = stamp(rng, 0, 1500);
		const customer = {
			id: 1001 + i,
			name,
			provider: { ...PROVIDER },
			reseller: ref(reseller),
			created_at: created,
			updated_at: stamp(rng, 1500, 1800),
		};
		ds.customers.push(customer);
		const base = slug(name) || `customer${customer.id}`;
		const nDomains = rng.weighted([
			[60, 1],
			[28, 2],
			[12, 3],
		]);
		const custDomains = [];
		for (let d = 0; d < nDomains; d++) {
			const isAlias = d > 0 && rng.chance(0.6);
			const tld = d === 0 ? rng.pick(TLDS) : rng.pick(['net', 'org', 'co', 'io', 'biz']);
			const domain = {
				id: domainId++,
				name: domainName(d === 0 ? base : `${base}${isAlias ? '' : '-mail'}`, tld),
				account: ref(customer),
				domain_status: rng.chance(0.1) ? { ...DOMAIN_STATUS.Pending } : { ...DOMAIN_STATUS.Active },
				parent: isAlias ? ref(custDomains[0]) : null,
				verification_token: rng.hex(32),
				address_discovery_enabled: rng.chance(0.3),
				created_at: stamp(rng, 0, 1500),
				updated_at: stamp(rng, 1500, 1800),
			};
			custDomains.push(domain);
			ds.domains.push(domain);
		}
		for (const domain of custDomains) {
			if (domain.parent) continue;
			const nGroups = rng.weighted([
				[70, 1],
				[30, 2],
			]);
			for (let g = 0; g < nGroups; g++) {
				const group = {
					id: groupId++,
					name: g === 0 ? 'Default' : rng.pick(GROUP_NAMES.slice(1)),
					domain: ref(domain),
					user_count: 0,
					created_at: stamp(rng, 0, 1500),
					updated_at: stamp(rng, 1500, 1800),
				};
				ds.userGroups.push(group);
				const set = rng.weighted(SERVICE_SETS).slice();
				if (rng.chance(0.02)) set.push(UNKNOWN_SERVICE_TYPE);
				for (const serviceType of set) {
					ds.services.push({
						id: serviceId++,
						service_type: serviceType,
						user_group: ref(group),
						domain: ref(domain),
						created_at: stamp(rng, 0, 1800),
					});
				}
				const localNames = new Set();
				const local = (wanted) => {
					let n = wanted;
					for (let k = 2; localNames.has(n); k++) n = `${wanted}${k}`;
					localNames.add(n);
					return n;
				};
				const mkUser = (type, localName, first, last, parent) => {
					const address = `${localName}@${domain.name}`;
					const user = {
						id: userId++,
						name: localName,
						parent: parent
							? { id: parent.id, name: parent.name, primary_address: parent.primary_address }
							: null,
						user_type: { ...type },
						user_group: ref(group),
						domain: ref(domain),
						primary_address: address,
						email_addresses: [address],
						first_name: first,
						last_name: last,
						created_at: stamp(rng, 0, 1500),
						updated_at: stamp(rng, 1500, 1800),
					};
					ds.users.push(user);
					return user;
				};
				const nUsers = rng.int(1, 10);
				let nonAlias = 0;
				for (let u = 0; u < nUsers; u++) {
					const type = rng.weighted([
						[76, USER_TYPES.User],
						[8, USER_TYPES.MailingList],
						[8, USER_TYPES.Unlicensed],
						[8, USER_TYPES.Discovered],
					]);
					nonAlias++;
					if (type === USER_TYPES.MailingList) {
						mkUser(type, local(rng.pick(LISTS)), null, null, null);
						continue;
					}
					const first = rng.pick(FIRST);
					const last = rng.pick(LAST);
					const user = mkUser(type, local(`${first}.${last}`), first, last, null);
					if (type === USER_TYPES.User && rng.chance(0.2)) {
						mkUser(USER_TYPES.Alias, local(`${first[0]}${last}`), first, last, user);
					}
				}
				group.user_count = nonAlias; // INFERRED: see the function comment
			}
		}
	}
	return ds;
}

// ---------------------------------------------------------------------------------------------
// The count oracle

/** Known product names: bundles before Bracket, longest first (docs/design.md, Names and matching). */
const KNOWN_PRODUCTS = [
	'ContinuityBundle',
	'BracketBundle',
	'CloudFilter',
	'SecureStore',
	'CloudMail',
	'SafeSend',
	'XtraMail',
	'Bracket',
];

/** 'CloudFilter Email Security' -> 'CloudFilter'; an unknown service_type passes through unchanged. */
function defaultProductOf(serviceType) {
	const first = String(serviceType).trim().split(/\s+/)[0].toLowerCase();
	for (const known of KNOWN_PRODUCTS) if (known.toLowerCase() === first) return known;
	return serviceType;
}

const RULES = ['billableUsers', 'groupUserCount', 'billableUsersPlusAliases'];

/**
 * Expected per-(customer, product) counts, straight from the data:
 * - billableUsers: users with user_type.name 'User' and parent null, once per service of their group;
 * - groupUserCount: the sum of user_count of the groups carrying the service;
 * - billableUsersPlusAliases: billableUsers plus the users whose type is 'Alias'.
 * Alias domains add nothing. A pair exists when a non-alias group of the customer carries the
 * service; pairs with count 0 are left out unless includeZero.
 * Returns [{ customerId: string, product, count }] sorted by customer id (numerically), then product.
 */
function expectedCounts(
	dataset,
	{ rule = 'billableUsers', includeZero = false, productOf = defaultProductOf } = {},
) {
	if (!RULES.includes(rule)) throw new Error(`unknown rule ${rule}`);
	const domainById = new Map(dataset.domains.map((d) => [d.id, d]));
	const customerIds = new Set(dataset.customers.map((c) => c.id));
	const perGroup = new Map(); // group id -> count of the rule's users
	for (const u of dataset.users) {
		const billable = u.user_type.name === 'User' && u.parent === null;
		const alias = u.user_type.name === 'Alias';
		const counts = rule === 'billableUsersPlusAliases' ? billable || alias : billable;
		if (counts) perGroup.set(u.user_group.id, (perGroup.get(u.user_group.id) || 0) + 1);
	}
	const groupById = new Map(dataset.userGroups.map((g) => [g.id, g]));
	const totals = new Map(); // `${customerId}\u0000${product}` -> count
	for (const s of dataset.services) {
		const group = groupById.get(s.user_group.id);
		if (!group) continue;
		const domain = domainById.get(group.domain.id);
		if (!domain || domain.parent !== null) continue;
		const customerId = domain.account.id;
		if (!customerIds.has(customerId)) continue;
		const n = rule === 'groupUserCount' ? group.user_count : perGroup.get(group.id) || 0;
		const key = `${customerId}\u0000${productOf(s.service_type)}`;
		totals.set(key, (totals.get(key) || 0) + n);
	}
	const out = [];
	for (const [key, count] of totals) {
		if (count === 0 && !includeZero) continue;
		const [customerId, product] = key.split('\u0000');
		out.push({ customerId, product, count });
	}
	out.sort((a, b) =>
		Number(a.customerId) !== Number(b.customerId)
			? Number(a.customerId) - Number(b.customerId)
			: a.product < b.product
				? -1
				: a.product > b.product
					? 1
					: 0,
	);
	return out;
}

// ---------------------------------------------------------------------------------------------
// The minimum number of calls of a complete walk

/** Calls to read a list of n items when the page size is unknown (docs/design.md). */
function listCost(n, pageSize) {
	if (n === 0) return 1;
	const pages = Math.ceil(n / pageSize);
	if (n <= pageSize || n % pageSize === 0) return pages + 1;
	return pages;
}

/**
 * The minimum number of Mailprotector calls a client that does not know the page size needs:
 * reseller customers + reseller domains + reseller users + one user_groups list per non-alias
 * domain + one services list per user group.
 */
function minimumCalls(dataset, { pageSize = 25 } = {}) {
	const groupsPerDomain = new Map();
	for (const g of dataset.userGroups)
		groupsPerDomain.set(g.domain.id, (groupsPerDomain.get(g.domain.id) || 0) + 1);
	const servicesPerGroup = new Map();
	for (const s of dataset.services)
		servicesPerGroup.set(s.user_group.id, (servicesPerGroup.get(s.user_group.id) || 0) + 1);
	const nonAlias = dataset.domains.filter((d) => d.parent === null);
	const breakdown = {
		customers: listCost(dataset.customers.length, pageSize),
		domains: listCost(dataset.domains.length, pageSize),
		users: listCost(dataset.users.length, pageSize),
		userGroups: nonAlias.reduce(
			(sum, d) => sum + listCost(groupsPerDomain.get(d.id) || 0, pageSize),
			0,
		),
		services: dataset.userGroups.reduce(
			(sum, g) => sum + listCost(servicesPerGroup.get(g.id) || 0, pageSize),
			0,
		),
	};
	const total = Object.values(breakdown).reduce((a, b) => a + b, 0);
	return {
		total,
		breakdown,
		sizes: {
			customers: dataset.customers.length,
			domains: dataset.domains.length,
			nonAliasDomains: nonAlias.length,
			userGroups: dataset.userGroups.length,
			services: dataset.services.length,
			users: dataset.users.length,
		},
		pageSize,
	};
}

// ---------------------------------------------------------------------------------------------
// A small hand-written data set

/**
 * Three customers, written out by hand:
 *
 * 1001 'ACME corp.'
 *   domain 2001 acme.example (Active); domain 2002 acme-alias.example (alias of 2001)
 *   group 3001 'Default' @2001: CloudFilter Email Security, SafeSend Outbound; user_count 4
 *     4001 alice User, 4002 bob User, 4003 al Alias(alice), 4004 sales Mailing List, 4005 temp Unlicensed User
 *   group 3002 'Executives' @2001: BracketBundle; user_count 2
 *     4006 carol User, 4007 cee Alias(carol), 4008 disc Discovered User
 * 1002 'Smith & Sons LLC'
 *   domain 2003 smithsons.example (Active); domain 2004 smith-new.example (Pending, not an alias)
 *   group 3003 'Default' @2003: CloudMail Hosted Email, XtraMail Continuity, Shield Advanced; user_count 3
 *     4009 dan User, 4010 erin User, 4011 frank User, 4012 d2 Alias(dan)
 *   group 3004 'Default' @2004: CloudFilter Email Security; user_count 2
 *     4013 list Mailing List, 4014 unl Unlicensed User            (no billable user: a 0 pair)
 *   group 3005 'Staff' @2003: no services; user_count 1
 *     4015 gina User                                               (counts nowhere)
 * 1003 'Müller GmbH'
 *   domain 2005 mueller.example (Pending first), domain 2006 mueller.de (Active)
 *   group 3006 'Default' @2005: SecureStore Archiving, ContinuityBundle, Bracket Encryption; user_count 2
 *     4016 hans User, 4017 hb Alias(hans), 4018 ilse User
 *
 * Hand-computed counts (SMALL_EXPECTED), customer then product order:
 *   billableUsers:          1001 BracketBundle 1, CloudFilter 2, SafeSend 2;
 *                           1002 CloudMail 3, Shield Advanced 3, XtraMail 3;
 *                           1003 Bracket 2, ContinuityBundle 2, SecureStore 2
 *   (includeZero adds 1002 CloudFilter 0)
 *   groupUserCount:         1001 BracketBundle 2, CloudFilter 4, SafeSend 4;
 *                           1002 CloudFilter 2, CloudMail 3, Shield Advanced 3, XtraMail 3;
 *                           1003 Bracket 2, ContinuityBundle 2, SecureStore 2
 *   billableUsersPlusAliases: 1001 BracketBundle 2, CloudFilter 3, SafeSend 3;
 *                           1002 CloudMail 4, Shield Advanced 4, XtraMail 4;
 *                           1003 Bracket 3, ContinuityBundle 3, SecureStore 3
 */
function smallDataset({ resellerId = 1 } = {}) {
	const T = '2024-01-01T00:00:00.000Z';
	const reseller = {
		id: resellerId,
		name: 'Small Reseller',
		provider: { ...PROVIDER },
		reseller: null,
		created_at: T,
		updated_at: T,
	};
	const customers = [
		[1001, 'ACME corp.'],
		[1002, 'Smith & Sons LLC'],
		[1003, 'Müller GmbH'],
	].map(([id, name]) => ({
		id,
		name,
		provider: { ...PROVIDER },
		reseller: ref(reseller),
		created_at: T,
		updated_at: T,
	}));
	const C = Object.fromEntries(customers.map((c) => [c.id, c]));
	const domains = [];
	const D = {};
	const dom = (id, name, customerId, status, parentId) => {
		D[id] = {
			id,
			name,
			account: ref(C[customerId]),
			domain_status: { ...DOMAIN_STATUS[status] },
			parent: parentId ? ref(D[parentId]) : null,
			verification_token: `token${id}`,
			address_discovery_enabled: false,
			created_at: T,
			updated_at: T,
		};
		domains.push(D[id]);
	};
	dom(2001, 'acme.example', 1001, 'Active');
	dom(2002, 'acme-alias.example', 1001, 'Active', 2001);
	dom(2003, 'smithsons.example', 1002, 'Active');
	dom(2004, 'smith-new.example', 1002, 'Pending');
	dom(2005, 'mueller.example', 1003, 'Pending');
	dom(2006, 'mueller.de', 1003, 'Active');
	const userGroups = [];
	const G = {};
	const grp = (id, name, domainId, userCount) => {
		G[id] = {
			id,
			name,
			domain: ref(D[domainId]),
			user_count: userCount,
			created_at: T,
			updated_at: T,
		};
		userGroups.push(G[id]);
	};
	grp(3001, 'Default', 2001, 4);
	grp(3002, 'Executives', 2001, 2);
	grp(3003, 'Default', 2003, 3);
	grp(3004, 'Default', 2004, 2);
	grp(3005, 'Staff', 2003, 1);
	grp(3006, 'Default', 2005, 2);
	const services = [];
	let sid = 5001;
	const svc = (groupId, serviceType) =>
		services.push({
			id: sid++,
			service_type: serviceType,
			user_group: ref(G[groupId]),
			domain: { ...G[groupId].domain },
			created_at: T,
		});
	svc(3001, 'CloudFilter Email Security');
	svc(3001, 'SafeSend Outbound');
	svc(3002, 'BracketBundle');
	svc(3003, 'CloudMail Hosted Email');
	svc(3003, 'XtraMail Continuity');
	svc(3003, 'Shield Advanced');
	svc(3004, 'CloudFilter Email Security');
	svc(3006, 'SecureStore Archiving');
	svc(3006, 'ContinuityBundle');
	svc(3006, 'Bracket Encryption');
	const users = [];
	const U = {};
	const usr = (id, name, groupId, type, parentId) => {
		const domain = D[G[groupId].domain.id];
		const address = `${name}@${domain.name}`;
		const parent = parentId ? U[parentId] : null;
		U[id] = {
			id,
			name,
			parent: parent
				? { id: parent.id, name: parent.name, primary_address: parent.primary_address }
				: null,
			user_type: { ...USER_TYPES[type] },
			user_group: ref(G[groupId]),
			domain: ref(domain),
			primary_address: address,
			email_addresses: [address],
			first_name: null,
			last_name: null,
			created_at: T,
			updated_at: T,
		};
		users.push(U[id]);
	};
	usr(4001, 'alice', 3001, 'User');
	usr(4002, 'bob', 3001, 'User');
	usr(4003, 'al', 3001, 'Alias', 4001);
	usr(4004, 'sales', 3001, 'MailingList');
	usr(4005, 'temp', 3001, 'Unlicensed');
	usr(4006, 'carol', 3002, 'User');
	usr(4007, 'cee', 3002, 'Alias', 4006);
	usr(4008, 'disc', 3002, 'Discovered');
	usr(4009, 'dan', 3003, 'User');
	usr(4010, 'erin', 3003, 'User');
	usr(4011, 'frank', 3003, 'User');
	usr(4012, 'd2', 3003, 'Alias', 4009);
	usr(4013, 'list', 3004, 'MailingList');
	usr(4014, 'unl', 3004, 'Unlicensed');
	usr(4015, 'gina', 3005, 'User');
	usr(4016, 'hans', 3006, 'User');
	usr(4017, 'hb', 3006, 'Alias', 4016);
	usr(4018, 'ilse', 3006, 'User');
	return { resellerId, seed: 0, reseller, customers, domains, userGroups, services, users };
}

const row = (customerId, product, count) => ({ customerId, product, count });
const SMALL_EXPECTED = {
	billableUsers: [
		row('1001', 'BracketBundle', 1),
		row('1001', 'CloudFilter', 2),
		row('1001', 'SafeSend', 2),
		row('1002', 'CloudMail', 3),
		row('1002', 'Shield Advanced', 3),
		row('1002', 'XtraMail', 3),
		row('1003', 'Bracket', 2),
		row('1003', 'ContinuityBundle', 2),
		row('1003', 'SecureStore', 2),
	],
	billableUsersIncludeZero: [
		row('1001', 'BracketBundle', 1),
		row('1001', 'CloudFilter', 2),
		row('1001', 'SafeSend', 2),
		row('1002', 'CloudFilter', 0),
		row('1002', 'CloudMail', 3),
		row('1002', 'Shield Advanced', 3),
		row('1002', 'XtraMail', 3),
		row('1003', 'Bracket', 2),
		row('1003', 'ContinuityBundle', 2),
		row('1003', 'SecureStore', 2),
	],
	groupUserCount: [
		row('1001', 'BracketBundle', 2),
		row('1001', 'CloudFilter', 4),
		row('1001', 'SafeSend', 4),
		row('1002', 'CloudFilter', 2),
		row('1002', 'CloudMail', 3),
		row('1002', 'Shield Advanced', 3),
		row('1002', 'XtraMail', 3),
		row('1003', 'Bracket', 2),
		row('1003', 'ContinuityBundle', 2),
		row('1003', 'SecureStore', 2),
	],
	billableUsersPlusAliases: [
		row('1001', 'BracketBundle', 2),
		row('1001', 'CloudFilter', 3),
		row('1001', 'SafeSend', 3),
		row('1002', 'CloudMail', 4),
		row('1002', 'Shield Advanced', 4),
		row('1002', 'XtraMail', 4),
		row('1003', 'Bracket', 3),
		row('1003', 'ContinuityBundle', 3),
		row('1003', 'SecureStore', 3),
	],
};

module.exports = {
	makeDataset,
	smallDataset,
	expectedCounts,
	minimumCalls,
	listCost,
	defaultProductOf,
	SMALL_EXPECTED,
	KNOWN_PRODUCTS,
	SERVICE_TYPES,
	UNKNOWN_SERVICE_TYPE,
	USER_TYPES,
	DOMAIN_STATUS,
};
