'use strict';
/**
 * Contract tests of the API emulators (test/emulators): they must behave as the references in
 * docs/reference describe, so that node tests and benchmarks meet real behaviour.
 * Plain fetch against the running emulators.
 */

const net = require('node:net');
const {
	startMailprotector,
	startGradient,
	makeDataset,
	smallDataset,
	expectedCounts,
	minimumCalls,
	listCost,
	defaultProductOf,
	SMALL_EXPECTED,
	gradientToken,
	createFaults,
} = require('./emulators');

const MP_AUTH = { authorization: 'Bearer mp-test-key' };

async function call(base, method, path, { headers = {}, body, redirect = 'manual' } = {}) {
	const init = { method, headers: { ...headers }, redirect };
	if (body !== undefined) {
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
		init.headers['content-type'] = 'application/json';
	}
	const res = await fetch(base + path, init);
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

const mpGet = (mp, path, headers = MP_AUTH) => call(mp.url, 'GET', `/api/v1${path}`, { headers });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A client that does not know the page size: pages until an empty or a short page. */
async function listAll(mp, path, counter) {
	const all = [];
	let first = null;
	for (let page = 1; ; page++) {
		const sep = path.includes('?') ? '&' : '?';
		const r = await mpGet(mp, `${path}${sep}page=${page}&per_page=50`);
		counter.calls++;
		if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
		const items = r.json;
		if (items.length === 0) break;
		all.push(...items);
		if (first === null) first = items.length;
		if (items.length < first) break;
	}
	return all;
}

// ---------------------------------------------------------------------------------------------

describe('data set and oracle', () => {
	const ds = makeDataset({ customers: 60 });

	test('the 60-customer data set has aliases, pending domains, varied service sets and every user type', () => {
		expect(ds.customers).toHaveLength(60);
		expect(ds.customers[0]).toMatchObject({ id: 1001, name: 'ACME corp.', reseller: { id: 1 } });
		const aliases = ds.domains.filter((d) => d.parent);
		expect(aliases.length).toBeGreaterThan(0);
		const aliasShare = aliases.length / ds.domains.length;
		expect(aliasShare).toBeGreaterThan(0.1);
		expect(aliasShare).toBeLessThan(0.35);
		for (const a of aliases) {
			const parent = ds.domains.find((d) => d.id === a.parent.id);
			expect(parent.account.id).toBe(a.account.id);
			expect(ds.userGroups.some((g) => g.domain.id === a.id)).toBe(false);
			expect(ds.users.some((u) => u.domain.id === a.id)).toBe(false);
		}
		expect(
			ds.domains.some((d) => d.domain_status.name === 'Pending' && d.domain_status.id === 1),
		).toBe(true);
		expect(
			ds.domains.some((d) => d.domain_status.name === 'Active' && d.domain_status.id === 2),
		).toBe(true);

		const setOf = (g) =>
			ds.services
				.filter((s) => s.user_group.id === g.id)
				.map((s) => s.service_type)
				.sort()
				.join('+');
		const sets = new Set(ds.userGroups.map(setOf));
		expect(sets.size).toBeGreaterThan(5);
		expect(sets.has('')).toBe(true); // some groups without services

		const types = new Set(ds.users.map((u) => `${u.user_type.id}:${u.user_type.name}`));
		expect([...types].sort()).toEqual([
			'11:Unlicensed User',
			'12:Discovered User',
			'1:User',
			'2:Alias',
			'3:Mailing List',
		]);
		for (const u of ds.users.filter((x) => x.user_type.name === 'Alias')) {
			const parent = ds.users.find((p) => p.id === u.parent.id);
			expect(parent.user_group.id).toBe(u.user_group.id);
			expect(u.parent.primary_address).toBe(parent.primary_address);
		}
		for (const g of ds.userGroups) {
			const nonAlias = ds.users.filter(
				(u) => u.user_group.id === g.id && u.user_type.name !== 'Alias',
			).length;
			expect(g.user_count).toBe(nonAlias);
		}
		const usersPerCustomer = ds.users.length / ds.customers.length;
		expect(usersPerCustomer).toBeGreaterThan(7);
		expect(usersPerCustomer).toBeLessThan(13);
		// ids are integers and every list is ordered by id
		for (const list of [ds.customers, ds.domains, ds.userGroups, ds.services, ds.users]) {
			expect(
				list.every((x, i) => Number.isInteger(x.id) && (i === 0 || list[i - 1].id < x.id)),
			).toBe(true);
		}
	});

	test('deterministic for a seed, different for another; prefix-stable in the customer count', () => {
		expect(makeDataset({ customers: 60 })).toEqual(ds);
		expect(makeDataset({ customers: 60, seed: 2 }).users).not.toEqual(ds.users);
		const big = makeDataset({ customers: 100 });
		expect(big.customers.slice(0, 60)).toEqual(ds.customers);
	});

	test('an unknown service type occurs in a larger set and passes through the oracle unchanged', () => {
		const big = makeDataset({ customers: 400 });
		expect(big.services.some((s) => s.service_type === 'Shield Advanced')).toBe(true);
		expect(
			expectedCounts(big, { includeZero: true }).some((r) => r.product === 'Shield Advanced'),
		).toBe(true);
	});

	test('expectedCounts on smallDataset equals the hand-written SMALL_EXPECTED for every rule', () => {
		const small = smallDataset();
		expect(expectedCounts(small)).toEqual(SMALL_EXPECTED.billableUsers);
		expect(expectedCounts(small, { rule: 'billableUsers' })).toEqual(SMALL_EXPECTED.billableUsers);
		expect(expectedCounts(small, { rule: 'billableUsers', includeZero: true })).toEqual(
			SMALL_EXPECTED.billableUsersIncludeZero,
		);
		expect(expectedCounts(small, { rule: 'groupUserCount' })).toEqual(
			SMALL_EXPECTED.groupUserCount,
		);
		expect(expectedCounts(small, { rule: 'billableUsersPlusAliases' })).toEqual(
			SMALL_EXPECTED.billableUsersPlusAliases,
		);
		// a custom productOf (merge everything into one product) sums per customer
		expect(expectedCounts(small, { productOf: () => 'All' })).toEqual([
			{ customerId: '1001', product: 'All', count: 5 },
			{ customerId: '1002', product: 'All', count: 9 },
			{ customerId: '1003', product: 'All', count: 6 },
		]);
		expect(() => expectedCounts(small, { rule: 'nope' })).toThrow();
	});

	test('default product names', () => {
		expect(defaultProductOf('CloudFilter Email Security')).toBe('CloudFilter');
		expect(defaultProductOf('SafeSend Outbound')).toBe('SafeSend');
		expect(defaultProductOf('Bracket Encryption')).toBe('Bracket');
		expect(defaultProductOf('BracketBundle')).toBe('BracketBundle');
		expect(defaultProductOf('ContinuityBundle')).toBe('ContinuityBundle');
		expect(defaultProductOf('xtramail continuity')).toBe('XtraMail');
		expect(defaultProductOf('Shield Advanced')).toBe('Shield Advanced');
	});

	test('list cost for a client that does not know the page size', () => {
		expect([0, 1, 24, 25, 26, 49, 50, 51].map((n) => listCost(n, 25))).toEqual([
			1, 2, 2, 2, 2, 2, 3, 3,
		]);
	});

	test('2,000 customers: fast to build, ~20,000 users, a minimum walk of 10,000-13,000 calls', () => {
		const t0 = Date.now();
		const big = makeDataset({ customers: 2000 });
		const ms = Date.now() - t0;
		expect(ms).toBeLessThan(1000);
		expect(big.users.length).toBeGreaterThan(17000);
		expect(big.users.length).toBeLessThan(23000);
		const calls2000 = minimumCalls(big);
		const calls60 = minimumCalls(ds);
		console.log(
			`minimumCalls(60) = ${JSON.stringify(calls60)}\nminimumCalls(2000) = ${JSON.stringify(calls2000)} (built in ${ms} ms)`,
		);
		expect(calls2000.total).toBeGreaterThanOrEqual(10000);
		expect(calls2000.total).toBeLessThanOrEqual(13000);
		expect(calls2000.total).toBe(Object.values(calls2000.breakdown).reduce((a, b) => a + b, 0));
	});
});

// ---------------------------------------------------------------------------------------------

describe('Mailprotector emulator', () => {
	let mp;
	beforeAll(async () => {
		mp = await startMailprotector({ customers: 60 });
	});
	afterAll(() => mp.close());
	afterEach(() => {
		mp.setOptions({
			pageSize: 25,
			honourPerPage: false,
			paginationHeader: false,
			ignorePage: false,
			servicesShape: 'array',
		});
		mp.setFaults(null);
	});

	test('401 without or with a wrong Bearer key; the key never reaches the log', async () => {
		for (const headers of [
			{},
			{ authorization: 'Bearer nope' },
			{ authorization: 'mp-test-key' },
		]) {
			const r = await mpGet(mp, '/resellers/1', headers);
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ message: 'Unauthorized' });
		}
		const ok = await mpGet(mp, '/resellers/1');
		expect(ok.status).toBe(200);
		expect(JSON.stringify(mp.log)).not.toContain('mp-test-key');
		expect(mp.log[mp.log.length - 1]).toMatchObject({
			method: 'GET',
			path: '/api/v1/resellers/1',
			status: 200,
		});
		expect(typeof mp.log[mp.log.length - 1].at).toBe('number');
	});

	test('object shapes as the reference §5.1; 404 for unknown ids and other resellers', async () => {
		const reseller = (await mpGet(mp, '/resellers/1')).json;
		expect(reseller).toMatchObject({
			id: 1,
			provider: { id: 65, name: 'United States' },
			reseller: null,
		});
		expect((await mpGet(mp, '/resellers/2')).status).toBe(404);
		expect((await mpGet(mp, '/resellers/2/customers')).json).toEqual({ error: 'Not found' });
		expect((await mpGet(mp, '/customers/999999')).status).toBe(404);
		expect((await mpGet(mp, '/nothing/1')).status).toBe(404);
		expect((await mpGet(mp, '/customers/abc')).status).toBe(404);

		const customer = (await mpGet(mp, '/customers/1001')).json;
		expect(Object.keys(customer).sort()).toEqual([
			'created_at',
			'id',
			'name',
			'provider',
			'reseller',
			'updated_at',
		]);
		const domains = (await mpGet(mp, '/customers/1001/domains')).json;
		expect(Array.isArray(domains)).toBe(true);
		expect(Object.keys(domains[0]).sort()).toEqual(
			[
				'account',
				'address_discovery_enabled',
				'created_at',
				'domain_status',
				'id',
				'name',
				'parent',
				'updated_at',
				'verification_token',
			].sort(),
		);
		const groups = (await mpGet(mp, `/domains/${domains[0].id}/user_groups`)).json;
		expect(Object.keys(groups[0]).sort()).toEqual([
			'created_at',
			'domain',
			'id',
			'name',
			'updated_at',
			'user_count',
		]);
		expect((await mpGet(mp, `/user_groups/${groups[0].id}`)).json).toEqual(groups[0]);
		const services = (await mpGet(mp, `/user_groups/${groups[0].id}/services`)).json;
		expect(Array.isArray(services)).toBe(true);
		if (services.length)
			expect(Object.keys(services[0]).sort()).toEqual([
				'created_at',
				'domain',
				'id',
				'service_type',
				'user_group',
			]);
		const users = (await mpGet(mp, `/user_groups/${groups[0].id}/users`)).json;
		expect(Object.keys(users[0]).sort()).toEqual(
			[
				'created_at',
				'domain',
				'email_addresses',
				'first_name',
				'id',
				'last_name',
				'name',
				'parent',
				'primary_address',
				'updated_at',
				'user_group',
				'user_type',
			].sort(),
		);
		// users at every level agree
		const byCustomer = (await mpGet(mp, '/customers/1001/users?per_page=100')).json;
		const byDomain = (await mpGet(mp, `/domains/${domains[0].id}/users`)).json;
		expect(byDomain.every((u) => byCustomer.some((c) => c.id === u.id))).toBe(true);
	});

	test('pagination: per_page is ignored by default (25 a page) and ordered by id', async () => {
		const p1 = await mpGet(mp, '/resellers/1/customers?page=1&per_page=50');
		const p2 = await mpGet(mp, '/resellers/1/customers?page=2&per_page=50');
		const p3 = await mpGet(mp, '/resellers/1/customers?page=3&per_page=50');
		const p4 = await mpGet(mp, '/resellers/1/customers?page=4&per_page=50');
		expect([p1, p2, p3, p4].map((r) => r.json.length)).toEqual([25, 25, 10, 0]);
		const ids = [...p1.json, ...p2.json, ...p3.json].map((c) => c.id);
		expect(ids).toEqual(mp.state.dataset.customers.map((c) => c.id));
		expect(p1.headers.get('x-pagination')).toBeNull();
		// no page parameter = page 1
		expect((await mpGet(mp, '/resellers/1/customers')).json).toEqual(p1.json);
	});

	test('pagination: per_page honoured when the option says so', async () => {
		mp.setOptions({ honourPerPage: true });
		expect((await mpGet(mp, '/resellers/1/customers?per_page=50')).json).toHaveLength(50);
		expect((await mpGet(mp, '/resellers/1/customers?per_page=50&page=2')).json).toHaveLength(10);
		expect((await mpGet(mp, '/resellers/1/customers?per_page=7')).json).toHaveLength(7);
		expect((await mpGet(mp, '/resellers/1/customers')).json).toHaveLength(25);
		expect((await mpGet(mp, '/resellers/1/customers?per_page=0')).status).toBe(422);
	});

	test('pagination: the X-Pagination header option', async () => {
		mp.setOptions({ paginationHeader: true });
		const r = await mpGet(mp, '/resellers/1/customers?page=2');
		expect(JSON.parse(r.headers.get('x-pagination'))).toEqual({
			page: 2,
			per_page: 25,
			total: 60,
			total_pages: 3,
		});
		const empty = await mpGet(mp, '/resellers/1/customers?name=zzzz-no-such');
		expect(JSON.parse(empty.headers.get('x-pagination'))).toEqual({
			page: 1,
			per_page: 25,
			total: 0,
			total_pages: 1,
		});
	});

	test('pagination: ignorePage answers page 1 for every page number', async () => {
		mp.setOptions({ ignorePage: true });
		const p1 = await mpGet(mp, '/resellers/1/users?page=1');
		const p7 = await mpGet(mp, '/resellers/1/users?page=7');
		expect(p7.json).toEqual(p1.json);
		expect(p1.json).toHaveLength(25);
	});

	test('422 for a bad page value', async () => {
		for (const page of ['0', '-1', 'abc', '1.5', '']) {
			const r = await mpGet(mp, `/resellers/1/customers?page=${page}`);
			expect(r.status).toBe(422);
			expect(r.json).toEqual({ message: 'page must be a positive integer' });
		}
	});

	test('a trailing slash answers 301 to the path without it (before auth)', async () => {
		const r = await call(mp.url, 'GET', '/api/v1/resellers/1/customers/?page=2', {
			redirect: 'manual',
		});
		expect(r.status).toBe(301);
		expect(r.headers.get('location')).toBe('/api/v1/resellers/1/customers?page=2');
	});

	test('name filter on customers is a case-insensitive substring; other fields filter by equality', async () => {
		const acme = (await mpGet(mp, '/resellers/1/customers?name=acme')).json.map((c) => c.name);
		expect(acme).toEqual(
			expect.arrayContaining(['ACME corp.', 'Acme Dental Group', 'Acme Corporation']),
		);
		expect(acme.every((n) => n.toLowerCase().includes('acme'))).toBe(true);
		const aliases = (await mpGet(mp, '/resellers/1/users?user_type_id=2&per_page=100')).json;
		expect(aliases.length).toBeGreaterThan(0);
		expect(aliases.every((u) => u.user_type.name === 'Alias')).toBe(true);
	});

	test('servicesShape "object" answers only the first record as a bare object', async () => {
		const group = mp.state.dataset.userGroups.find(
			(g) => mp.state.dataset.services.filter((s) => s.user_group.id === g.id).length >= 2,
		);
		mp.setOptions({ servicesShape: 'object' });
		const r = await mpGet(mp, `/user_groups/${group.id}/services`);
		expect(Array.isArray(r.json)).toBe(false);
		expect(r.json).toMatchObject({
			user_group: { id: group.id },
			service_type: expect.any(String),
		});
	});

	test('a walk by a client that does not know the page size costs exactly minimumCalls and reproduces the oracle', async () => {
		const counter = { calls: 0 };
		const customers = await listAll(mp, '/resellers/1/customers', counter);
		const domains = await listAll(mp, '/resellers/1/domains', counter);
		const users = await listAll(mp, '/resellers/1/users', counter);
		const servicesByGroup = new Map();
		const groups = [];
		for (const d of domains.filter((x) => x.parent === null))
			groups.push(...(await listAll(mp, `/domains/${d.id}/user_groups`, counter)));
		for (const g of groups)
			servicesByGroup.set(g.id, await listAll(mp, `/user_groups/${g.id}/services`, counter));
		expect(counter.calls).toBe(minimumCalls(mp.state.dataset).total);
		expect(customers).toHaveLength(60);

		const customerOfDomain = new Map(domains.map((d) => [d.id, d.account.id]));
		const totals = new Map();
		for (const g of groups) {
			const billable = users.filter(
				(u) => u.user_group.id === g.id && u.user_type.name === 'User' && u.parent === null,
			).length;
			for (const s of servicesByGroup.get(g.id)) {
				const key = `${customerOfDomain.get(g.domain.id)}|${defaultProductOf(s.service_type)}`;
				totals.set(key, (totals.get(key) || 0) + billable);
			}
		}
		const walked = [...totals]
			.filter(([, n]) => n > 0)
			.map(([k, count]) => ({ customerId: k.split('|')[0], product: k.split('|')[1], count }))
			.sort(
				(a, b) => Number(a.customerId) - Number(b.customerId) || (a.product < b.product ? -1 : 1),
			);
		expect(walked).toEqual(expectedCounts(mp.state.dataset));
	});

	test('state mutations: delete, rename, add user, remove service', async () => {
		const m = await startMailprotector({ customers: 10 });
		try {
			const group = m.state.dataset.userGroups[0];
			const before = (await mpGet(m, `/user_groups/${group.id}`)).json.user_count;
			const user = m.state.addUser({ groupId: group.id, type: 'User', name: 'newbie' });
			expect((await mpGet(m, `/user_groups/${group.id}`)).json.user_count).toBe(before + 1);
			expect((await mpGet(m, `/users/${user.id}`)).json.primary_address).toMatch(/^newbie@/);
			m.state.addUser({ groupId: group.id, type: 'Alias', parentId: user.id });
			expect((await mpGet(m, `/user_groups/${group.id}`)).json.user_count).toBe(before + 1);

			const svcs = (await mpGet(m, `/user_groups/${group.id}/services`)).json;
			if (svcs.length) {
				expect(m.state.removeService(group.id, svcs[0].service_type)).toBe(1);
				expect((await mpGet(m, `/user_groups/${group.id}/services`)).json).toHaveLength(
					svcs.length - 1,
				);
			}

			expect(m.state.renameCustomer(1002, 'Renamed Ltd')).toBe(true);
			expect((await mpGet(m, '/customers/1002')).json.name).toBe('Renamed Ltd');
			expect((await mpGet(m, '/customers/1002/domains')).json[0].account.name).toBe('Renamed Ltd');

			const domainIds = m.state.dataset.domains
				.filter((d) => d.account.id === 1003)
				.map((d) => d.id);
			expect(m.state.deleteCustomer(1003)).toBe(true);
			expect((await mpGet(m, '/customers/1003')).status).toBe(404);
			expect((await mpGet(m, `/domains/${domainIds[0]}`)).status).toBe(404);
			expect((await mpGet(m, '/resellers/1/customers')).json.map((c) => c.id)).not.toContain(1003);
			expect(expectedCounts(m.state.dataset).some((r) => r.customerId === '1003')).toBe(false);

			const { customer } = m.state.addCustomer({
				name: 'Brand New LLC',
				services: ['SafeSend Outbound'],
				users: 3,
			});
			expect(expectedCounts(m.state.dataset)).toContainEqual({
				customerId: String(customer.id),
				product: 'SafeSend',
				count: 3,
			});

			// the admin routes work without auth, and reset() goes back to the start
			const adminState = await call(m.url, 'GET', '/__state?summary=1');
			expect(adminState.json.sizes.customers).toBe(10);
			await call(m.url, 'POST', '/__state/reset', { body: [] });
			expect(m.state.dataset.customers).toHaveLength(10);
			expect((await mpGet(m, '/customers/1003')).status).toBe(200);
		} finally {
			await m.close();
		}
	});

	test('faults apply to Mailprotector too, never to admin routes', async () => {
		mp.setFaults({ errorRate: 1 });
		const r = await mpGet(mp, '/resellers/1');
		expect([500, 502, 503]).toContain(r.status);
		expect((await call(mp.url, 'GET', '/__state?summary=1')).status).toBe(200);
	});
});

// ---------------------------------------------------------------------------------------------

describe('Gradient emulator', () => {
	const dataset = makeDataset({ customers: 60 });
	let g;
	let H;
	const gc = (method, path, body, headers = H) =>
		call(g.url, method, `/api/vendor-api${path}`, { headers, body });
	const newService = async (name) => {
		const r = await gc('POST', '/service', {
			name,
			description: name,
			category: 'security',
			subcategory: 'email security',
		});
		expect(r.status).toBe(201);
		return r.json.skus.find((s) => s.name === name).id;
	};

	beforeEach(async () => {
		g = await startGradient({ dataset });
		H = { 'GRADIENT-TOKEN': g.token };
	});
	afterEach(() => g.close());

	test('auth: GRADIENT-TOKEN = base64(vendor:partner), header name case-insensitive, else 401', async () => {
		expect(g.token).toBe(Buffer.from('vk-test:pk-test').toString('base64'));
		expect(gradientToken('vk', 'pk')).toBe('dms6cGs=');
		for (const headers of [
			{},
			{ 'GRADIENT-TOKEN': gradientToken('vk-test', 'wrong') },
			{ authorization: `Bearer ${g.token}` },
		]) {
			const r = await gc('GET', '/organization', undefined, headers);
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ statusCode: 401, message: 'Unauthorized' });
		}
		expect(
			(await gc('GET', '/organization', undefined, { 'gradient-token': g.token })).status,
		).toBe(200);
		expect(
			(await gc('GET', '/organization', undefined, { 'Gradient-Token': g.token })).status,
		).toBe(200);
		expect(JSON.stringify(g.log)).not.toContain(g.token);
	});

	test('organization and its status (case-sensitive enum)', async () => {
		const org = (await gc('GET', '/organization')).json;
		expect(Object.keys(org).sort()).toEqual([
			'integrationId',
			'lastSyncedAt',
			'name',
			'organizationId',
			'status',
			'vendorId',
			'vendorName',
		]);
		expect(org.status).toBe('inactive');
		for (const bad of ['Pending', 'disabled', 'error', 'ACTIVE']) {
			const r = await gc('PATCH', `/organization/status/${bad}`);
			expect(r.status).toBe(400);
			expect(r.json).toEqual({
				statusCode: 400,
				message: 'status must be one of the following values: active, inactive, pending',
			});
		}
		const ok = await gc('PATCH', '/organization/status/pending');
		expect(ok.json).toEqual({
			data: { ...org, status: 'pending' },
			status: 200,
			message: 'Success - Updated Integration Status',
		});
		expect(g.state.statusHistory.map((s) => s.status)).toEqual(['inactive', 'pending']);
	});

	test('vendor and services: enum validation is case-sensitive and names the field; ids are 24-hex', async () => {
		const vendor = await gc('GET', '');
		expect(vendor.json).toMatchObject({
			status: 200,
			message: 'Success - Retrieved Vendor',
			data: { name: 'Mailprotector', skus: [] },
		});
		expect(vendor.json.data.id).toBe(vendor.json.data._id);
		const good = {
			name: 'CloudFilter',
			description: 'CloudFilter',
			category: 'security',
			subcategory: 'email security',
		};
		const cases = [
			[
				{ ...good, category: 'Security' },
				/^category must be one of the following values: security, backup/,
			],
			[
				{ ...good, subcategory: 'Email Security' },
				/^subcategory must be one of the following values: /,
			],
			[{ ...good, name: undefined }, /^name must be a string$/],
			[{ ...good, description: 5 }, /^description must be a string$/],
			[{ ...good, supportContact: 'not-an-email' }, /^supportContact must be an email$/],
		];
		for (const [body, message] of cases) {
			const r = await gc('POST', '/service', body);
			expect(r.status).toBe(400);
			expect(r.json.statusCode).toBe(400);
			expect(r.json.message).toMatch(message);
		}
		const created = await gc('POST', '/service', {
			...good,
			supportArticle: 'https://support.example/cf',
		});
		expect(created.status).toBe(201);
		expect(created.json.status).toBeUndefined(); // unwrapped vendor object
		expect(created.json.skus).toHaveLength(1);
		const sku = created.json.skus[0];
		expect(sku).toMatchObject({
			name: 'CloudFilter',
			category: 'security',
			subcategory: 'email security',
		});
		expect(sku.id).toMatch(/^[0-9a-f]{24}$/);
		expect(sku._id).toBe(sku.id);
		expect(
			(
				await gc('POST', '/service', {
					...good,
					name: 'Bracket',
					subcategory: 'priviledged access and identity management (PAM/PIM)',
				})
			).status,
		).toBe(201);
		expect(g.state.duplicates().services).toEqual([]);
		// the API accepts a second service of the same name: that is a duplicate
		expect((await gc('POST', '/service', good)).status).toBe(201);
		expect(g.state.duplicates().services).toEqual(['CloudFilter']);
	});

	test('accounts: array body, id must be a string, isMapped by exact PSA name', async () => {
		expect((await gc('POST', '/organization/accounts', { id: '1', name: 'x' })).status).toBe(400);
		const badId = await gc('POST', '/organization/accounts', [{ id: 1001, name: 'ACME corp.' }]);
		expect(badId.status).toBe(400);
		expect(badId.json).toEqual({ statusCode: 400, message: 'id must be a string' });
		const created = await gc('POST', '/organization/accounts', [
			{ id: '1001', name: 'ACME corp.', description: 'acmecorp.us' },
			{ id: '1002', name: 'Smith & Sons LLC', description: 'smithandsonsllc.com' },
		]);
		expect(created.status).toBe(201);
		expect(created.json).toEqual([
			{ id: '1001', name: 'ACME corp.', description: 'acmecorp.us' },
			{ id: '1002', name: 'Smith & Sons LLC', description: 'smithandsonsllc.com' },
		]);
		const list = (await gc('GET', '/organization/accounts')).json;
		// the PSA has 'Acme Corp' (a near spelling) and 'Smith & Sons LLC' (exact)
		expect(g.state.psaClients.map((c) => c.name)).toEqual(
			expect.arrayContaining(['Acme Corp', 'Smith & Sons LLC']),
		);
		expect(list.map((a) => [a.id, a.isMapped])).toEqual([
			['1001', false],
			['1002', true],
		]);
		expect(list[0].mappingId).toBeNull();
		expect(list[1].mappingId).toMatch(/^[0-9a-f]{24}$/);
		expect(
			(await gc('GET', '/organization/accounts?accountIds=1002')).json.map((a) => a.id),
		).toEqual(['1002']);
		expect(
			(await gc('GET', '/organization/accounts?returnUnmapped=false')).json.map((a) => a.id),
		).toEqual(['1002']);

		// renaming to the PSA's exact spelling maps it; mapping is recomputed on every change
		const renamed = await gc('PATCH', '/organization/accounts/1001', { name: 'Acme Corp' });
		expect(renamed.status).toBe(200);
		expect(renamed.json).toMatchObject({ id: '1001', name: 'Acme Corp', isMapped: true });
		g.state.setPsaClients(['ACME corp.']);
		expect(
			(await gc('GET', '/organization/accounts?accountIds=1001,1002')).json.map((a) => a.isMapped),
		).toEqual([false, false]);

		const missing = await gc('PATCH', '/organization/accounts/nope', { name: 'x' });
		expect(missing.status).toBe(404);
		expect(missing.json).toEqual({ statusCode: 404, message: 'No account found with id: nope' });
		expect((await gc('PATCH', '/organization/accounts/1001', { isActive: 'yes' })).status).toBe(
			400,
		);

		g.setOptions({ accountIsMappedField: false });
		expect((await gc('GET', '/organization/accounts')).json[0]).toEqual({
			id: '1001',
			name: 'Acme Corp',
			description: 'acmecorp.us',
		});
	});

	test('duplicate account ids: 409 for the whole request (default reading)', async () => {
		await gc('POST', '/organization/accounts', [{ id: '1001', name: 'ACME corp.' }]);
		const existing = await gc('POST', '/organization/accounts', [
			{ id: '1003', name: 'Contoso Ltd' },
			{ id: '1001', name: 'ACME corp.' },
		]);
		expect(existing.status).toBe(409);
		expect(existing.json).toEqual({
			statusCode: 409,
			message: 'A resource with this Id already exists.',
		});
		const withinBody = await gc('POST', '/organization/accounts', [
			{ id: '1004', name: 'Müller GmbH' },
			{ id: '1004', name: 'Müller GmbH' },
		]);
		expect(withinBody.status).toBe(409);
		expect(g.state.accounts.map((a) => a.id)).toEqual(['1001']);
		expect(g.state.duplicates().accounts).toEqual([]);
	});

	test("duplicate account ids: silently ignored under the 'ignore' reading; single object and batch limit options", async () => {
		g.setOptions({ duplicateAccount: 'ignore' });
		await gc('POST', '/organization/accounts', [{ id: '1001', name: 'ACME corp.' }]);
		const r = await gc('POST', '/organization/accounts', [
			{ id: '1003', name: 'Contoso Ltd' },
			{ id: '1001', name: 'ACME corp.' },
			{ id: '1003', name: 'Contoso Ltd' },
		]);
		expect(r.status).toBe(201);
		expect(r.json.map((a) => a.id)).toEqual(['1003']);
		expect(g.state.accounts.map((a) => a.id)).toEqual(['1001', '1003']);
		expect(g.state.duplicates().accounts).toEqual([]);

		g.setOptions({ acceptSingleAccount: true });
		expect(
			(await gc('POST', '/organization/accounts', { id: '1005', name: 'Acme Dental Group' }))
				.status,
		).toBe(201);

		g.setOptions({ maxBatch: 2 });
		const big = await gc('POST', '/organization/accounts', [
			{ id: 'a', name: 'a' },
			{ id: 'b', name: 'b' },
			{ id: 'c', name: 'c' },
		]);
		expect(big.status).toBe(413);
		g.setOptions({ maxBatchStatus: 400 });
		expect(
			(
				await gc('POST', '/organization/accounts', [
					{ id: 'a', name: 'a' },
					{ id: 'b', name: 'b' },
					{ id: 'c', name: 'c' },
				])
			).status,
		).toBe(400);
	});

	test('counts: validation, 404 for unmapped pairs, absolute set, no_build and builds', async () => {
		const cf = await newService('CloudFilter');
		const ss = await newService('SafeSend');
		await gc('POST', '/organization/accounts', [
			{ id: '1001', name: 'ACME corp.' }, // not mapped (PSA has 'Acme Corp')
			{ id: '1002', name: 'Smith & Sons LLC' }, // mapped
		]);
		const push = (serviceId, body, q = '') => gc('POST', `/service/${serviceId}/count${q}`, body);

		for (const [unitCount, message] of [
			[null, 'unitCount must be a number'],
			['5', 'unitCount must be a number'],
			[undefined, 'unitCount must be a number'],
			[-1, 'unitCount must not be less than 0'],
		]) {
			const r = await push(cf, { accountId: '1002', unitCount });
			expect(r.status).toBe(400);
			expect(r.json).toEqual({ statusCode: 400, message });
		}
		expect((await push(cf, { accountId: 1002, unitCount: 1 })).json.message).toBe(
			'accountId must be a string',
		);

		const unknownService = await push('0123456789abcdef01234567', {
			accountId: '1002',
			unitCount: 1,
		});
		expect(unknownService.status).toBe(404);
		expect(unknownService.json).toEqual({
			statusCode: 404,
			message: 'No service found with id: 0123456789abcdef01234567',
		});
		expect((await push('not-an-object-id', { accountId: '1002', unitCount: 1 })).status).toBe(400);

		const unmappedAccount = await push(cf, { accountId: '1001', unitCount: 3 });
		expect(unmappedAccount.status).toBe(404);
		expect(unmappedAccount.json).toEqual({
			statusCode: 404,
			message: 'No account map found with id: 1001',
		});
		expect((await push(cf, { accountId: 'no-such', unitCount: 3 })).json.message).toBe(
			'No account map found with id: no-such',
		);

		g.state.setMappedServices(['CloudFilter']);
		const unmappedService = await push(ss, { accountId: '1002', unitCount: 3 });
		expect(unmappedService.status).toBe(404);
		expect(unmappedService.json.message).toBe('No account map found with id: 1002');
		g.state.setMappedServices(null);

		const ok = await push(cf, { accountId: '1002', unitCount: 5 }, '?no_build=true');
		expect(ok.status).toBe(201);
		expect(ok.json).toEqual({ status: 201, message: 'Created service unit count' });
		expect(g.state.builds).toBe(0);
		expect((await push(ss, { accountId: '1002', unitCount: 2.5 }, '?no_build=true')).status).toBe(
			201,
		);
		expect((await push(cf, { accountId: '1002', unitCount: 3 }, '?no_build=false')).status).toBe(
			201,
		);
		expect(g.state.builds).toBe(1);
		expect(g.state.counts[`1002|${cf}`]).toMatchObject({ unitCount: 3, pushes: 2 });
		expect(g.state.counts[`1002|${ss}`]).toMatchObject({ unitCount: 2.5, pushes: 1 });
		expect(
			g.state
				.unitCounts()
				.map((c) => [c.serviceName, c.unitCount])
				.sort(),
		).toEqual([
			['CloudFilter', 3],
			['SafeSend', 2.5],
		]);
		expect(g.state.pushes.map((p) => p.noBuild)).toEqual([true, true, false]);
		// the first accepted usage marks the integration active
		expect(g.state.organization.status).toBe('active');

		// unmapped becomes mapped when the PSA gets the exact name
		g.state.setPsaClients(['ACME corp.']);
		expect((await push(cf, { accountId: '1001', unitCount: 3 })).status).toBe(201);
	});

	test('deprecated PSA clients: cursor paging (50) with previousId and search', async () => {
		const names = Array.from({ length: 120 }, (_, i) => `Client ${String(i).padStart(3, '0')}`);
		g.state.setPsaClients(names);
		const p1 = (await gc('GET', '/organization/clients')).json;
		expect(p1.clients).toHaveLength(50);
		expect(p1.meta).toMatchObject({ total: 120, hasMore: true });
		const p2 = (await gc('GET', `/organization/clients?previousId=${p1.clients[49].id}`)).json;
		const p3 = (await gc('GET', `/organization/clients?previousId=${p2.clients[49].id}`)).json;
		expect([p2.clients.length, p3.clients.length, p3.meta.hasMore]).toEqual([50, 20, false]);
		expect([...p1.clients, ...p2.clients, ...p3.clients].map((c) => c.name)).toEqual(names);
		const found = (await gc('GET', '/organization/clients?search=client 11')).json.clients.map(
			(c) => c.name,
		);
		expect(found).toEqual([
			'Client 110',
			'Client 111',
			'Client 112',
			'Client 113',
			'Client 114',
			'Client 115',
			'Client 116',
			'Client 117',
			'Client 118',
			'Client 119',
		]);
	});

	test('429 above 100 requests in a sliding second, no Retry-After; stats.maxInAnySecond', async () => {
		const results = await Promise.all(
			Array.from({ length: 150 }, () => gc('GET', '/organization')),
		);
		const statuses = results.map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(100);
		const limited = results.filter((r) => r.status === 429);
		expect(limited).toHaveLength(50);
		expect(limited[0].json).toEqual({
			statusCode: 429,
			message: 'Request limit reached (100 requests a second)',
		});
		expect(limited[0].headers.get('retry-after')).toBeNull();
		expect(g.stats.tooManyRequests).toBe(50);
		expect(g.stats.byStatus['429']).toBe(50);
		expect(g.stats.maxInAnySecond).toBe(150);
		await sleep(1100);
		expect((await gc('GET', '/organization')).status).toBe(200);
	});

	test('a paced client stays under the limit and maxInAnySecond shows it', async () => {
		for (let i = 0; i < 30; i++) {
			expect((await gc('GET', '/organization')).status).toBe(200);
			await sleep(12);
		}
		expect(g.stats.maxInAnySecond).toBeLessThanOrEqual(100);
		expect(g.stats.maxInAnySecond).toBeGreaterThan(20);
		expect(g.stats.requests).toBe(30);
	});

	test('faults: errorRate 1 answers 5xx to every request, admin routes are spared', async () => {
		g.setFaults({ errorRate: 1 });
		const statuses = [];
		for (let i = 0; i < 12; i++) statuses.push((await gc('GET', '/organization')).status);
		expect(statuses.every((s) => [500, 502, 503].includes(s))).toBe(true);
		expect(new Set(statuses).size).toBeGreaterThan(1);
		expect(g.stats.injectedErrors).toBe(12);
		expect((await call(g.url, 'GET', '/__state')).status).toBe(200);
		// an injected error is not processed
		const sid = g.state.addSku({ name: 'CloudFilter' }).id;
		g.state.addAccount({ id: '1002', name: 'Smith & Sons LLC' });
		await gc('POST', `/service/${sid}/count`, { accountId: '1002', unitCount: 1 });
		expect(g.state.counts).toEqual({});
	});

	test('faults: resetRate 1 destroys every socket without an answer', async () => {
		g.setFaults({ resetRate: 1 });
		for (let i = 0; i < 3; i++)
			await expect(fetch(`${g.url}/api/vendor-api/organization`, { headers: H })).rejects.toThrow();
		expect(g.stats.resets).toBeGreaterThanOrEqual(3);
		expect(g.log.every((e) => e.status === 0 && e.fault === 'reset')).toBe(true);
	});

	test('faults: malformedRate 1 gives 200 bodies that do not parse (the request is processed)', async () => {
		g.setFaults({ malformedRate: 1 });
		g.state.addAccount({ id: '1002', name: 'Smith & Sons LLC' });
		const sid = g.state.addSku({ name: 'CloudFilter' }).id;
		for (const [method, path, body] of [
			['GET', '/organization'],
			['GET', '/organization/accounts'],
			['POST', `/service/${sid}/count`, { accountId: '1002', unitCount: 4 }],
		]) {
			const r = await gc(method, path, body);
			expect(r.status).toBe(200);
			expect(() => JSON.parse(r.text)).toThrow();
		}
		expect(g.stats.malformed).toBe(3);
		expect(g.state.counts[`1002|${sid}`].unitCount).toBe(4);
	});

	test('faults: a 429 storm (with Retry-After), latency, and determinism for a seed', async () => {
		g.setFaults({ storm: { every: 5, length: 2, retryAfter: 3 } });
		const seq = [];
		for (let i = 0; i < 10; i++) {
			const r = await gc('GET', '/organization');
			seq.push(r.status === 429 ? `429/${r.headers.get('retry-after')}` : String(r.status));
		}
		expect(seq).toEqual([
			'200',
			'200',
			'200',
			'429/3',
			'429/3',
			'200',
			'200',
			'200',
			'429/3',
			'429/3',
		]);

		g.setFaults({ storm: { every: 3, length: 1, retryAfter: null } });
		const third = [];
		for (let i = 0; i < 3; i++) third.push(await gc('GET', '/organization'));
		expect(third[2].status).toBe(429);
		expect(third[2].headers.get('retry-after')).toBeNull();

		g.setFaults({ latencyMs: 120 });
		const t0 = Date.now();
		await gc('GET', '/organization');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(110);

		const run = () => {
			const f = createFaults({ errorRate: 0.3, resetRate: 0.1, malformedRate: 0.1, seed: 7 });
			return Array.from({ length: 200 }, () => f.decide().fault?.kind ?? 'ok');
		};
		const a = run();
		expect(run()).toEqual(a);
		expect(new Set(a)).toEqual(new Set(['ok', 'error', 'reset', 'malformed']));
	});

	test('alerts: validation, 404 for unmapped accounts, de-duplication by alertId, the debug route', async () => {
		await gc('POST', '/organization/accounts', [
			{ id: '1001', name: 'ACME corp.' }, // unmapped
			{ id: '1002', name: 'Smith & Sons LLC' }, // mapped
			{ id: '1003', name: 'Contoso Ltd' }, // mapped; alerts fail (no PSA board)
		]);
		const alert = {
			title: 'Billing sync: 3 unmapped',
			description: 'details',
			alertId: 'sync-2026-11-01-1002',
			priority: 2,
			status: 1,
		};
		for (const [patch, message] of [
			[{ priority: 5 }, 'priority must not be greater than 4'],
			[{ priority: 0 }, 'priority must not be less than 1'],
			[{ status: 7 }, 'status must not be greater than 6'],
			[{ priority: '2' }, 'priority must be a number'],
			[{ title: undefined }, 'title must be a string'],
			[{ alertId: 12 }, 'alertId must be a string'],
			[{ dueDateTime: 'tomorrow' }, 'dueDateTime must be a valid ISO 8601 date string'],
		]) {
			const r = await gc('POST', '/alerting/1002', { ...alert, ...patch });
			expect(r.status).toBe(400);
			expect(r.json).toEqual({ statusCode: 400, message });
		}
		const unmapped = await gc('POST', '/alerting/1001', alert);
		expect(unmapped.status).toBe(404);
		expect((await gc('POST', '/alerting/9999', alert)).status).toBe(404);

		const first = await gc('POST', '/alerting/1002', alert);
		expect(first.status).toBe(201);
		expect(first.json.messageId).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		expect(first.json).toMatchObject({
			alertId: alert.alertId,
			correlationID: expect.stringMatching(/^[0-9a-f]{24}$/),
		});
		const again = await gc('POST', '/alerting/1002', alert);
		expect(again.status).toBe(201);
		expect(g.state.tickets).toHaveLength(1);
		await gc('POST', '/alerting/1002', {
			...alert,
			alertId: 'another',
			dueDateTime: '2026-12-01T00:00:00Z',
		});
		expect(g.state.tickets).toHaveLength(2);

		const d1 = (await gc('GET', `/alerting/debug/${first.json.messageId}`)).json;
		const d2 = (await gc('GET', `/alerting/debug/${again.json.messageId}`)).json;
		expect(d1).toEqual({
			messageId: first.json.messageId,
			status: 'success',
			ticketId: expect.any(String),
			createdAt: expect.any(String),
			message: expect.any(String),
			statusCode: null,
			errors: [],
		});
		expect(d2.ticketId).toBe(d1.ticketId);
		expect((await gc('GET', '/alerting/debug/no-such-message')).status).toBe(404);

		g.setOptions({ alertPendingPolls: 2, failAlertsFor: ['1003'] });
		const later = await gc('POST', '/alerting/1002', { ...alert, alertId: 'third' });
		const polls = [];
		for (let i = 0; i < 3; i++)
			polls.push((await gc('GET', `/alerting/debug/${later.json.messageId}`)).json.status);
		expect(polls).toEqual(['pending', 'pending', 'success']);
		g.setOptions({ alertPendingPolls: 0 });
		const failing = await gc('POST', '/alerting/1003', alert);
		expect(failing.status).toBe(201);
		const failed = (await gc('GET', `/alerting/debug/${failing.json.messageId}`)).json;
		expect(failed).toMatchObject({ status: 'failed', ticketId: null });
		expect(failed.errors.length).toBeGreaterThan(0);
		expect(g.state.tickets.some((t) => t.accountId === '1003')).toBe(false);
	});

	test('unknown routes answer the NestJS-style 404; state read-out via /__state', async () => {
		const r = await gc('GET', '/nope');
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ statusCode: 404, message: 'Cannot GET /api/vendor-api/nope' });
		const s = (await call(g.url, 'GET', '/__state')).json;
		expect(Object.keys(s)).toEqual(
			expect.arrayContaining([
				'organization',
				'vendor',
				'accounts',
				'counts',
				'tickets',
				'builds',
				'statusHistory',
			]),
		);
	});
});

// ---------------------------------------------------------------------------------------------

describe('close()', () => {
	const connect = (port) =>
		new Promise((resolve) => {
			const s = net.connect(port, '127.0.0.1');
			s.once('connect', () => {
				s.destroy();
				resolve('connected');
			});
			s.once('error', (e) => resolve(e.code));
		});

	test.each([
		['Mailprotector', () => startMailprotector({ customers: 5 }), '/api/v1/resellers/1', MP_AUTH],
		[
			'Gradient',
			() => startGradient({ customers: 5 }),
			'/api/vendor-api/organization',
			{ 'GRADIENT-TOKEN': gradientToken() },
		],
	])(
		'%s: close() with an open keep-alive connection leaves no listening socket',
		async (_name, start, path, headers) => {
			const emu = await start();
			const r = await fetch(emu.url + path, { headers });
			expect(r.status).toBe(200);
			await r.text(); // the keep-alive socket stays open in fetch's pool
			expect(await connect(emu.port)).toBe('connected');
			const t0 = Date.now();
			await emu.close();
			expect(Date.now() - t0).toBeLessThan(1000);
			expect(await connect(emu.port)).toBe('ECONNREFUSED');
		},
	);

	test('close() while answers are delayed by latency', async () => {
		const emu = await startGradient({ customers: 5, faults: { latencyMs: 5000 } });
		const pending = fetch(`${emu.url}/api/vendor-api/organization`, {
			headers: { 'GRADIENT-TOKEN': emu.token },
		}).catch((e) => e);
		await sleep(50);
		await emu.close();
		expect((await pending).name).toBe('TypeError'); // fetch failed: the socket was destroyed
		expect(await connect(emu.port)).toBe('ECONNREFUSED');
	});
});
