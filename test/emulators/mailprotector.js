'use strict';
/**
 * A stateful emulator of the Mailprotector REST API (read side), after
 * docs/reference/mailprotector-api.md §2-7. Plain Node `http`, no dependencies.
 *
 *   const mp = await startMailprotector({ customers: 200 });
 *   fetch(`${mp.url}/api/v1/resellers/1/customers?page=2`, { headers: { authorization: 'Bearer mp-test-key' } })
 *
 * `url` is the credential's base URL (paths start with /api/v1). Admin routes (no auth, no
 * faults, not logged): GET /__state (?summary=1), GET /__stats, GET /__log (?since=n),
 * POST /__faults, POST /__options, POST /__clear, POST /__state/<mutator> with a JSON array of
 * arguments (deleteCustomer, renameCustomer, addCustomer, addUser, removeUser, addService,
 * removeService, setDomainStatus, reset).
 */

const { startEmulatorServer } = require('./server');
const { makeDataset, USER_TYPES, DOMAIN_STATUS } = require('./dataset');
const { takePageFault } = require('./faults');

const DEFAULT_OPTIONS = {
	apiKey: 'mp-test-key',
	pageSize: 25,
	// INFERRED (docs/reference/mailprotector-api.md §5.4): whether `per_page` is honoured is
	// unverified; by default the server ignores it and always uses pageSize.
	honourPerPage: false,
	maxPerPage: 100,
	// INFERRED (§5.4): the X-Pagination header is reported by one source only, format unknown.
	paginationHeader: false,
	ignorePage: false,
	// INFERRED (§6.2): /user_groups/{id}/services may be an array or a single object.
	servicesShape: 'array',
	// INFERRED (§7): no rate limit is published; null = none.
	ratePerSecond: null,
	retryAfter: null,
};

const byId = (a, b) => a.id - b.id;

class MailprotectorState {
	constructor(dataset) {
		this.initial = dataset;
		this.reset();
	}

	/** Back to the data set the emulator was started with. */
	reset() {
		this.dataset = structuredClone(this.initial);
		this._idx = null;
		return true;
	}

	get resellerId() {
		return this.dataset.reseller.id;
	}

	get reseller() {
		return this.dataset.reseller;
	}

	/** Indexes, rebuilt lazily after a mutation. Lists keep id order. */
	index() {
		if (this._idx) return this._idx;
		const ds = this.dataset;
		const push = (map, key, v) => {
			const list = map.get(key);
			if (list) list.push(v);
			else map.set(key, [v]);
		};
		const idx = {
			customers: new Map(),
			domains: new Map(),
			groups: new Map(),
			users: new Map(),
			domainsByCustomer: new Map(),
			aliasesByDomain: new Map(),
			groupsByDomain: new Map(),
			servicesByGroup: new Map(),
			usersByGroup: new Map(),
			usersByDomain: new Map(),
			usersByCustomer: new Map(),
		};
		for (const c of ds.customers) idx.customers.set(c.id, c);
		for (const d of ds.domains) {
			idx.domains.set(d.id, d);
			push(idx.domainsByCustomer, d.account.id, d);
			if (d.parent) push(idx.aliasesByDomain, d.parent.id, d);
		}
		for (const g of ds.userGroups) {
			idx.groups.set(g.id, g);
			push(idx.groupsByDomain, g.domain.id, g);
		}
		for (const s of ds.services) push(idx.servicesByGroup, s.user_group.id, s);
		for (const u of ds.users) {
			idx.users.set(u.id, u);
			push(idx.usersByGroup, u.user_group.id, u);
			push(idx.usersByDomain, u.domain.id, u);
			const d = idx.domains.get(u.domain.id);
			if (d) push(idx.usersByCustomer, d.account.id, u);
		}
		this._idx = idx;
		return idx;
	}

	_touch() {
		this._idx = null;
	}

	_recount(groupId) {
		const g = this.dataset.userGroups.find((x) => x.id === groupId);
		if (!g) return;
		// INFERRED (§6.4, §10 q3): user_count = users of the group whose type is not Alias.
		g.user_count = this.dataset.users.filter(
			(u) => u.user_group.id === groupId && u.user_type.name !== 'Alias',
		).length;
	}

	_nextId(list) {
		return list.reduce((m, x) => Math.max(m, x.id), 0) + 1;
	}

	/** Removes a customer and everything under it (domains, groups, services, users). */
	deleteCustomer(id) {
		id = Number(id);
		const ds = this.dataset;
		if (!ds.customers.some((c) => c.id === id)) return false;
		const domainIds = new Set(ds.domains.filter((d) => d.account.id === id).map((d) => d.id));
		const groupIds = new Set(
			ds.userGroups.filter((g) => domainIds.has(g.domain.id)).map((g) => g.id),
		);
		ds.customers = ds.customers.filter((c) => c.id !== id);
		ds.domains = ds.domains.filter((d) => !domainIds.has(d.id));
		ds.userGroups = ds.userGroups.filter((g) => !groupIds.has(g.id));
		ds.services = ds.services.filter((s) => !groupIds.has(s.user_group.id));
		ds.users = ds.users.filter((u) => !domainIds.has(u.domain.id));
		this._touch();
		return true;
	}

	renameCustomer(id, name) {
		id = Number(id);
		const c = this.dataset.customers.find((x) => x.id === id);
		if (!c) return false;
		c.name = name;
		c.updated_at = new Date().toISOString();
		for (const d of this.dataset.domains) if (d.account.id === id) d.account.name = name;
		this._touch();
		return true;
	}

	/**
	 * Adds a customer with one Active domain and one group carrying `services`, with `users`
	 * billable users. Returns { customer, domain, group }.
	 */
	addCustomer({ name, domainName, services = ['CloudFilter Email Security'], users = 1 } = {}) {
		const ds = this.dataset;
		const T = new Date().toISOString();
		const customer = {
			id: this._nextId(ds.customers),
			name: name || 'New Customer',
			provider: { ...ds.reseller.provider },
			reseller: { id: ds.reseller.id, name: ds.reseller.name },
			created_at: T,
			updated_at: T,
		};
		ds.customers.push(customer);
		const domain = {
			id: this._nextId(ds.domains),
			name: domainName || `customer${customer.id}.example`,
			account: { id: customer.id, name: customer.name },
			domain_status: { ...DOMAIN_STATUS.Active },
			parent: null,
			verification_token: `token${customer.id}`,
			address_discovery_enabled: false,
			created_at: T,
			updated_at: T,
		};
		ds.domains.push(domain);
		const group = {
			id: this._nextId(ds.userGroups),
			name: 'Default',
			domain: { id: domain.id, name: domain.name },
			user_count: 0,
			created_at: T,
			updated_at: T,
		};
		ds.userGroups.push(group);
		this._touch();
		for (const s of services) this.addService(group.id, s);
		for (let i = 0; i < users; i++) this.addUser({ groupId: group.id, name: `user${i + 1}` });
		return { customer, domain, group };
	}

	/**
	 * Adds a user to a group. type: a key of USER_TYPES ('User', 'Alias', 'MailingList',
	 * 'Unlicensed', 'Discovered') or a user_type name ('Mailing List'). Returns the user.
	 */
	addUser({
		groupId,
		type = 'User',
		name,
		parentId = null,
		firstName = null,
		lastName = null,
	} = {}) {
		const ds = this.dataset;
		const group = ds.userGroups.find((g) => g.id === Number(groupId));
		if (!group) throw new Error(`no user group ${groupId}`);
		const domain = ds.domains.find((d) => d.id === group.domain.id);
		const userType = USER_TYPES[type] || Object.values(USER_TYPES).find((t) => t.name === type);
		if (!userType) throw new Error(`unknown user type ${type}`);
		const parent = parentId != null ? ds.users.find((u) => u.id === Number(parentId)) : null;
		const id = this._nextId(ds.users);
		const local = name || `user${id}`;
		const address = `${local}@${domain.name}`;
		const T = new Date().toISOString();
		const user = {
			id,
			name: local,
			parent: parent
				? { id: parent.id, name: parent.name, primary_address: parent.primary_address }
				: null,
			user_type: { ...userType },
			user_group: { id: group.id, name: group.name },
			domain: { id: domain.id, name: domain.name },
			primary_address: address,
			email_addresses: [address],
			first_name: firstName,
			last_name: lastName,
			created_at: T,
			updated_at: T,
		};
		ds.users.push(user);
		this._recount(group.id);
		this._touch();
		return user;
	}

	removeUser(id) {
		const ds = this.dataset;
		const user = ds.users.find((u) => u.id === Number(id));
		if (!user) return false;
		ds.users = ds.users.filter((u) => u !== user);
		this._recount(user.user_group.id);
		this._touch();
		return true;
	}

	addService(groupId, serviceType) {
		const ds = this.dataset;
		const group = ds.userGroups.find((g) => g.id === Number(groupId));
		if (!group) throw new Error(`no user group ${groupId}`);
		const service = {
			id: this._nextId(ds.services),
			service_type: serviceType,
			user_group: { id: group.id, name: group.name },
			domain: { ...group.domain },
			created_at: new Date().toISOString(),
		};
		ds.services.push(service);
		this._touch();
		return service;
	}

	/** Removes the group's services of that service_type; returns how many were removed. */
	removeService(groupId, serviceType) {
		const ds = this.dataset;
		const before = ds.services.length;
		ds.services = ds.services.filter(
			(s) => !(s.user_group.id === Number(groupId) && s.service_type === serviceType),
		);
		this._touch();
		return before - ds.services.length;
	}

	setDomainStatus(domainId, status) {
		const d = this.dataset.domains.find((x) => x.id === Number(domainId));
		if (!d || !DOMAIN_STATUS[status]) return false;
		d.domain_status = { ...DOMAIN_STATUS[status] };
		this._touch();
		return true;
	}

	sizes() {
		const ds = this.dataset;
		return {
			customers: ds.customers.length,
			domains: ds.domains.length,
			aliasDomains: ds.domains.filter((d) => d.parent).length,
			userGroups: ds.userGroups.length,
			services: ds.services.length,
			users: ds.users.length,
		};
	}

	toJSON() {
		return { reseller: this.dataset.reseller, sizes: this.sizes(), ...this.dataset };
	}
}

const MUTATORS = [
	'deleteCustomer',
	'renameCustomer',
	'addCustomer',
	'addUser',
	'removeUser',
	'addService',
	'removeService',
	'setDomainStatus',
	'reset',
];
const PAGING_PARAMS = new Set(['page', 'per_page']);

/** Generic "query param maps to a field" filter (§5.3); `name` on customers is a substring match. */
function applyFilters(items, query, kind) {
	let out = items;
	for (const [key, value] of query) {
		if (PAGING_PARAMS.has(key)) continue;
		const sample = out[0];
		if (kind === 'customers' && key === 'name') {
			const needle = value.toLowerCase();
			out = out.filter((c) => c.name.toLowerCase().includes(needle));
		} else if (
			sample &&
			key in sample &&
			(sample[key] === null || typeof sample[key] !== 'object')
		) {
			out = out.filter((x) => String(x[key]) === value);
		} else if (key.endsWith('_id') && sample && sample[key.slice(0, -3)] !== undefined) {
			const field = key.slice(0, -3);
			out = out.filter((x) => x[field] && String(x[field].id) === value);
		}
		// unknown fields are ignored
	}
	return out;
}

const isPositiveInt = (s) => /^\d+$/.test(s) && Number(s) >= 1;

async function startMailprotector(opts = {}) {
	const options = { ...DEFAULT_OPTIONS };
	for (const k of Object.keys(DEFAULT_OPTIONS)) if (opts[k] !== undefined) options[k] = opts[k];
	const dataset =
		opts.dataset ||
		makeDataset({
			customers: opts.customers ?? 60,
			seed: opts.seed ?? 1,
			resellerId: opts.resellerId ?? 1,
		});
	const state = new MailprotectorState(dataset);
	let rateTimes = [];
	const pageFaultLog = [];

	const json = (status, body, headers) => ({ status, json: body, headers });
	const notFound = () => json(404, { error: 'Not found' });

	const list = (ctx, items, kind) => {
		const q = ctx.query;
		const pageRaw = q.get('page');
		if (pageRaw !== null && !isPositiveInt(pageRaw))
			return json(422, { message: 'page must be a positive integer' });
		let perPage = options.pageSize;
		const perRaw = q.get('per_page');
		if (options.honourPerPage && perRaw !== null) {
			if (!isPositiveInt(perRaw))
				return json(422, { message: 'per_page must be a positive integer' });
			perPage = Math.min(Number(perRaw), options.maxPerPage || Infinity);
		}
		const page = options.ignorePage ? 1 : Number(pageRaw || 1);
		const filtered = applyFilters(items, q, kind);
		const slice = filtered.slice((page - 1) * perPage, page * perPage);
		const headers = {};
		if (options.paginationHeader) {
			headers['x-pagination'] = JSON.stringify({
				page,
				per_page: perPage,
				total: filtered.length,
				total_pages: Math.max(1, Math.ceil(filtered.length / perPage)),
			});
		}
		// Injected page faults (faults.js `pages`): not API behaviour, a flaky front end or a
		// busy account. The X-Pagination header, when on, still tells the truth.
		const fault = takePageFault(base.faults.pages, ctx.path, Number(pageRaw || 1));
		if (fault) pageFaultLog.push({ path: ctx.path, page: Number(pageRaw || 1), kind: fault.kind });
		if (fault?.kind === 'empty') return json(200, [], headers);
		if (fault?.kind === 'emptyBody') {
			return { status: 200, text: '', contentType: 'application/json; charset=utf-8', headers };
		}
		// The page is served as it was; the user is gone before the next read.
		if (fault?.kind === 'removeUser') state.removeUser(fault.userId);
		return json(200, slice, headers);
	};

	const handle = (ctx) => {
		const { path } = ctx;
		// Reported quirk (§2): a trailing slash answers with a redirect (which drops the auth
		// header in many clients). Checked before auth, like a front-end redirect would be.
		if (path.length > 1 && path.endsWith('/')) {
			const search = ctx.query.toString();
			return {
				status: 301,
				text: '',
				headers: { location: path.replace(/\/+$/, '') + (search ? `?${search}` : '') },
			};
		}
		// INFERRED (§7): optional rate limit, off by default.
		if (options.ratePerSecond) {
			const t = ctx.arrivedAt;
			rateTimes = rateTimes.filter((x) => x > t - 1000);
			rateTimes.push(t);
			if (rateTimes.length > options.ratePerSecond) {
				const headers =
					options.retryAfter != null ? { 'retry-after': String(options.retryAfter) } : {};
				return json(429, { message: 'Too many requests' }, headers);
			}
		}
		const auth = ctx.headers.authorization || '';
		if (auth !== `Bearer ${options.apiKey}`) return json(401, { message: 'Unauthorized' });
		if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return notFound();
		const m = /^\/api\/v1\/([a-z_]+)\/([^/]+)(?:\/([a-z_]+))?$/.exec(path);
		if (!m) return notFound();
		const [, resource, idRaw, sub] = m;
		if (!/^\d+$/.test(idRaw)) return notFound();
		const id = Number(idRaw);
		const idx = state.index();
		const ds = state.dataset;
		switch (resource) {
			case 'resellers': {
				// A reseller other than the key's own is 404, like an entity outside its scope.
				if (id !== state.resellerId) return notFound();
				if (!sub) return json(200, ds.reseller);
				if (sub === 'customers') return list(ctx, ds.customers, 'customers');
				if (sub === 'domains') return list(ctx, ds.domains, 'domains');
				if (sub === 'users') return list(ctx, ds.users, 'users');
				return notFound();
			}
			case 'customers': {
				const c = idx.customers.get(id);
				if (!c) return notFound();
				if (!sub) return json(200, c);
				if (sub === 'domains') return list(ctx, idx.domainsByCustomer.get(id) || [], 'domains');
				if (sub === 'users')
					return list(ctx, (idx.usersByCustomer.get(id) || []).slice().sort(byId), 'users');
				return notFound();
			}
			case 'domains': {
				const d = idx.domains.get(id);
				if (!d) return notFound();
				if (!sub) return json(200, d);
				if (sub === 'user_groups')
					return list(ctx, idx.groupsByDomain.get(id) || [], 'user_groups');
				if (sub === 'users') return list(ctx, idx.usersByDomain.get(id) || [], 'users');
				if (sub === 'aliases') return list(ctx, idx.aliasesByDomain.get(id) || [], 'domains');
				return notFound();
			}
			case 'user_groups': {
				const g = idx.groups.get(id);
				if (!g) return notFound();
				if (!sub) return json(200, g);
				if (sub === 'services') {
					const services = idx.servicesByGroup.get(id) || [];
					// INFERRED (§6.2): the SDK types the answer as one object; 'object' serves only
					// the first record (null when the group has none).
					if (options.servicesShape === 'object') return json(200, services[0] || null);
					return list(ctx, services, 'services');
				}
				if (sub === 'users') return list(ctx, idx.usersByGroup.get(id) || [], 'users');
				return notFound();
			}
			case 'users': {
				const u = idx.users.get(id);
				if (!u || sub) return notFound();
				return json(200, u);
			}
			default:
				return notFound();
		}
	};

	const admin = (ctx) => {
		if (ctx.method === 'GET' && ctx.path === '/__state') {
			if (ctx.query.get('summary'))
				return { status: 200, json: { reseller: state.reseller, sizes: state.sizes(), options } };
			return { status: 200, json: { options, ...state.toJSON() } };
		}
		if (ctx.method === 'POST' && ctx.path === '/__options') {
			emu.setOptions(ctx.json() || {});
			return { status: 200, json: options };
		}
		const m = /^\/__state\/([A-Za-z]+)$/.exec(ctx.path);
		if (ctx.method === 'POST' && m && MUTATORS.includes(m[1])) {
			const args = ctx.json();
			const result = state[m[1]](
				...(Array.isArray(args) ? args : args === undefined ? [] : [args]),
			);
			return { status: 200, json: { result: result === undefined ? null : result } };
		}
		return undefined;
	};

	const base = await startEmulatorServer({
		name: 'mailprotector',
		host: opts.host,
		port: opts.port,
		faults: opts.faults,
		logHeaders: opts.logHeaders,
		handle,
		admin,
		errorJson: () => ({ error: 'Internal Server Error' }),
		tooManyJson: () => ({ message: 'Too many requests' }),
	});

	const emu = {
		url: base.url,
		port: base.port,
		apiKey: options.apiKey,
		resellerId: state.resellerId,
		state,
		log: base.log,
		stats: base.stats,
		options,
		/** Every injected page fault served: { path, page, kind }. */
		pageFaultLog,
		setFaults: (f) => base.setFaults(f),
		setOptions(o = {}) {
			for (const k of Object.keys(o)) if (k in DEFAULT_OPTIONS) options[k] = o[k];
			emu.apiKey = options.apiKey;
			return options;
		},
		clearLog: () => {
			pageFaultLog.length = 0;
			base.clearLog();
		},
		close: () => base.close(),
	};
	return emu;
}

module.exports = {
	startMailprotector,
	MailprotectorState,
	DEFAULT_MAILPROTECTOR_OPTIONS: DEFAULT_OPTIONS,
};
