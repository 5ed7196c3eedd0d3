'use strict';
/**
 * A stateful emulator of Gradient MSP's Synthesize vendor API, after
 * docs/reference/gradient-synthesize-api.md §2-5. Plain Node `http`, no dependencies.
 *
 *   const g = await startGradient({ dataset });
 *   fetch(`${g.url}/api/vendor-api/organization`, { headers: { 'GRADIENT-TOKEN': g.token } })
 *
 * `url` is the credential's base URL (paths start with /api/vendor-api). Admin routes (no auth,
 * no faults, not logged): GET /__state, GET /__stats, GET /__log (?since=n), POST /__faults,
 * POST /__options, POST /__clear, POST /__psa-clients (JSON array of names),
 * POST /__mapped-services (JSON array of names or null).
 */

const { startEmulatorServer } = require('./server');
const { makeRng, seedOf } = require('./prng');
const { makeDataset } = require('./dataset');

const PREFIX = '/api/vendor-api';

const CATEGORIES = [
	'security',
	'backup',
	'productivity',
	'infrastructure',
	'service delivery',
	'consulting',
	'other',
];
const SUBCATEGORIES = [
	'endpoint detection and response (EDR)',
	'email security',
	'virtual private network services (VPN)',
	'DNS filtering',
	'dark web monitoring',
	'password management',
	'single sign on (SSO)',
	'priviledged access and identity management (PAM/PIM)',
	'security information and event management (SIEM)',
	'mobile device management (MDM)',
	'application security',
	'mobile application management (MAM)',
	'multi factor authentication (MFA)',
	'cloud backup',
	'local backup',
	'desktop backup',
	'data archiving',
	'physical offsite storage',
	'business continuity',
	'hosted email',
	'video conferencing',
	'voice over IP services (VOIP)',
	'line of business application support',
	'unified communications as a service (UCaaS)',
	'customer relationship management',
	'cloud storage',
	'website hosting',
	'hardware as a service (HaaS)',
	'managed print services',
	'virtual desktop infrastructure (VDI)',
	'virtual server hosting',
	'infrastructure as a service (IaaS)',
	'end user support',
	'server management and support',
	'network management and support',
	'printer management and support',
	'desktop management and support',
	'hosted security operations centre (SOC)',
	'software development',
	'penetration testing',
	'project services',
	'governance and compliance',
	'business intelligence services / analytics',
	'phishing simulation',
	'privacy and security awareness training',
	'other',
];
const STATUSES = ['active', 'inactive', 'pending'];

const DEFAULT_OPTIONS = {
	vendorApiKey: 'vk-test',
	partnerApiKey: 'pk-test',
	ratePerSecond: 100,
	// INFERRED (docs/reference/gradient-synthesize-api.md §5.3, newer spec): accounts carry
	// isMapped/mappingId.
	accountIsMappedField: true,
	// INFERRED (§5.3, §9 #9): the create-accounts body may also be a single object.
	acceptSingleAccount: false,
	// INFERRED (§5.3, §9 #8): a duplicate account id gives 409 ('409') or is ignored ('ignore').
	duplicateAccount: '409',
	// Open (§3, §11 q3): no documented batch or body size limit; null = none.
	maxBatch: null,
	maxBatchStatus: 413,
	maxBodyBytes: null,
	alertPendingPolls: 0,
	failAlertsFor: [],
	// INFERRED (§5.6 says only "A unique identifier for the Alert"): an alert whose alertId this
	// account already has is merged into that ticket (true) or opens another ticket (false).
	alertIdDedupe: true,
	// Fault: the next N accepted alerts are processed (the ticket is opened), then the answer is
	// lost: the connection is reset (alertLostAnswerStatus null) or answered with that status.
	alertLostAnswers: 0,
	alertLostAnswerStatus: null,
	// [DOC] §5.2: Gradient marks the integration active on the first usage or alert.
	autoActivate: true,
	// INFERRED (§5.5 "400 You have provided an invalid Id type"): a serviceId that is not a
	// 24-hex ObjectId answers 400 (true) instead of 404 "No service found" (false).
	strictObjectIds: true,
};

const EXTRA_PSA_CLIENTS = [
	'MSP House Account',
	'Fabrikam Inc',
	'Tailspin Toys',
	'Wingtip Toys Ltd',
];

function titleCase(s) {
	return s.replace(/\S+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

/** A near (but not exact) spelling of a name, e.g. 'ACME corp.' -> 'Acme Corp'. */
function nearSpelling(name, k = 0) {
	const variants = [
		(n) => titleCase(n).replace(/\.$/, ''),
		(n) => (n.includes('&') ? n.replace('&', 'and') : /\.$/.test(n) ? n.slice(0, -1) : `${n}.`),
		(n) => n.toUpperCase(),
		(n) => `${n} Inc`,
	];
	for (let i = 0; i < variants.length; i++) {
		const v = variants[(k + i) % variants.length](name);
		if (v !== name) return v;
	}
	return `${name} (PSA)`;
}

/**
 * The default PSA client names for a data set: going through the customers in id order,
 * #0, #4, #8, ... get a near spelling (never mapped by exact name), #1, #2, #5, #6, ... the exact
 * name, #3, #7, ... none; plus a few PSA-only clients, among them 'MSP House Account'.
 */
function defaultPsaClients(dataset) {
	const names = [];
	dataset.customers.forEach((c, i) => {
		if (i % 4 === 0) names.push(nearSpelling(c.name, i / 4));
		else if (i % 4 !== 3) names.push(c.name);
	});
	return [...names, ...EXTRA_PSA_CLIENTS];
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** class-validator style checks; returns a list of messages naming the field. */
function check(body, rules) {
	const errors = [];
	for (const [field, rule] of Object.entries(rules)) {
		const v = body[field];
		if (v === undefined || (v === null && !rule.required)) {
			if (rule.required)
				errors.push(
					rule.type === 'enum'
						? `${field} must be one of the following values: ${rule.values.join(', ')}`
						: `${field} must be a ${rule.type === 'int' ? 'number' : rule.type}`,
				);
			continue;
		}
		switch (rule.type) {
			case 'string':
				if (typeof v !== 'string') errors.push(`${field} must be a string`);
				else if (rule.notEmpty && v.trim() === '') errors.push(`${field} should not be empty`);
				break;
			case 'boolean':
				if (typeof v !== 'boolean') errors.push(`${field} must be a boolean value`);
				break;
			case 'number':
			case 'int':
				if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${field} must be a number`);
				else if (rule.type === 'int' && !Number.isInteger(v))
					errors.push(`${field} must be an integer number`);
				else if (rule.min !== undefined && v < rule.min)
					errors.push(`${field} must not be less than ${rule.min}`);
				else if (rule.max !== undefined && v > rule.max)
					errors.push(`${field} must not be greater than ${rule.max}`);
				break;
			case 'enum':
				if (!rule.values.includes(v))
					errors.push(`${field} must be one of the following values: ${rule.values.join(', ')}`);
				break;
			case 'url':
				if (typeof v !== 'string' || !/^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(v))
					errors.push(`${field} must be a URL address`);
				break;
			case 'email':
				if (typeof v !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v))
					errors.push(`${field} must be an email`);
				break;
			case 'isodate':
				if (
					typeof v !== 'string' ||
					!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) ||
					Number.isNaN(Date.parse(v))
				)
					errors.push(`${field} must be a valid ISO 8601 date string`);
				break;
			default:
				break;
		}
	}
	return errors;
}

class GradientState {
	constructor({ seed, organizationName, status, psaClients, mappedServiceNames, owner }) {
		this._owner = owner; // the live options
		this._rng = makeRng(seedOf(`gradient:${seed}`));
		const T = '2024-01-15T10:00:00.000Z';
		const vendorId = this.newId();
		const organizationId = this.newId();
		this.organization = {
			organizationId,
			name: organizationName,
			vendorId,
			vendorName: 'Mailprotector',
			integrationId: this.newId(),
			status,
			lastSyncedAt: '1900-06-18T17:11:28.553Z',
		};
		this.vendor = {
			_id: vendorId,
			id: vendorId,
			name: 'Mailprotector',
			description: 'Mailprotector email security (emulated)',
			integrationType: 'custom',
			imageUri: null,
			isDistributor: false,
			integrationPortalUrl: null,
			vendorSupportPageUrl: null,
			externalIntegrationStatus: 'integrated',
			mappingResponsibilities: ['accounts', 'services'],
			modules: [{ variation: 'alerts' }, { variation: 'billing' }],
			organizationId,
			attributes: [],
			skus: [],
			createdAt: T,
			updatedAt: T,
			__v: 0,
		};
		this.accounts = [];
		this.counts = {};
		this.pushes = [];
		this.tickets = [];
		this.messages = new Map();
		this.builds = 0;
		this.statusHistory = [{ status, at: T, by: 'initial' }];
		this.setPsaClients(psaClients);
		this.setMappedServices(mappedServiceNames);
		this._ticketSeq = 70000;
	}

	newId() {
		return this._rng.hex(24);
	}

	newUuid() {
		return this._rng.uuid();
	}

	/** Replaces the PSA clients (names). Account mapping follows at once. */
	setPsaClients(names) {
		this.psaClients = (names || []).map((name, i) => ({
			id: makeRng(seedOf(`psa:${i}:${name}`)).uuid(),
			name,
		}));
		this._psaNames = new Set(this.psaClients.map((c) => c.name));
		return this.psaClients.length;
	}

	/** Service names that are mapped in Gradient; null = all services are mapped. */
	setMappedServices(names) {
		this.mappedServiceNames = names == null ? null : [...names];
		this._mappedServices = names == null ? null : new Set(names);
		return this.mappedServiceNames;
	}

	/** Mapped when its name equals a PSA client's exactly (character for character). */
	isAccountMapped(account) {
		return this._psaNames.has(account.name);
	}

	isServiceMapped(sku) {
		return this._mappedServices === null || this._mappedServices.has(sku.name);
	}

	accountView(a) {
		const view = { id: a.id, name: a.name, description: a.description };
		if (this._owner.accountIsMappedField) {
			const mapped = this.isAccountMapped(a);
			view.isMapped = mapped;
			view.mappingId = mapped ? makeRng(seedOf(`map:${a.id}:${a.name}`)).hex(24) : null;
		}
		return view;
	}

	findAccount(id) {
		return this.accounts.find((a) => a.id === id);
	}

	findSku(id) {
		return this.vendor.skus.find((s) => s.id === id);
	}

	addSku({
		name,
		description,
		category = 'security',
		subcategory = 'email security',
		supportArticle,
		supportContact,
	}) {
		const id = this.newId();
		const sku = { id, _id: id, name, description: description ?? name, category, subcategory };
		if (supportArticle !== undefined) sku.supportArticle = supportArticle;
		if (supportContact !== undefined) sku.supportContact = supportContact;
		this.vendor.skus.push(sku);
		this.vendor.updatedAt = new Date().toISOString();
		return sku;
	}

	addAccount({ id, name, description = '', isArrears = false }) {
		const a = {
			id,
			name,
			description,
			isActive: true,
			isArrears,
			createdAt: new Date().toISOString(),
		};
		this.accounts.push(a);
		return a;
	}

	setStatus(status, by) {
		this.organization.status = status;
		this.statusHistory.push({ status, at: new Date().toISOString(), by });
	}

	/** Duplicates the tests assert away: account ids / names, service names (names case-insensitively). */
	duplicates() {
		const dups = (values) => {
			const seen = new Map();
			for (const v of values) seen.set(v.key, [...(seen.get(v.key) || []), v.label]);
			return [...seen.values()].filter((l) => l.length > 1).map((l) => l[0]);
		};
		const norm = (s) => String(s).trim().toLowerCase();
		return {
			accounts: [
				...dups(this.accounts.map((a) => ({ key: `id:${a.id}`, label: a.id }))),
				...dups(this.accounts.map((a) => ({ key: `name:${norm(a.name)}`, label: a.name }))),
			],
			services: dups(this.vendor.skus.map((s) => ({ key: norm(s.name), label: s.name }))),
		};
	}

	/** The pushed counts as rows: [{ accountId, serviceId, serviceName, unitCount, pushes, at }]. */
	unitCounts() {
		return Object.entries(this.counts).map(([key, c]) => {
			const [accountId, serviceId] = key.split('|');
			const sku = this.findSku(serviceId);
			return {
				accountId,
				serviceId,
				serviceName: sku ? sku.name : null,
				unitCount: c.unitCount,
				pushes: c.pushes,
				at: c.at,
			};
		});
	}

	toJSON() {
		return {
			organization: this.organization,
			vendor: this.vendor,
			accounts: this.accounts.map((a) => ({ ...a, isMapped: this.isAccountMapped(a) })),
			counts: this.counts,
			pushes: this.pushes.length,
			tickets: this.tickets,
			builds: this.builds,
			statusHistory: this.statusHistory,
			psaClients: this.psaClients,
			mappedServiceNames: this.mappedServiceNames,
			duplicates: this.duplicates(),
		};
	}
}

async function startGradient(opts = {}) {
	const options = { ...DEFAULT_OPTIONS };
	for (const k of Object.keys(DEFAULT_OPTIONS)) if (opts[k] !== undefined) options[k] = opts[k];
	const psaClients =
		opts.psaClients ??
		defaultPsaClients(
			opts.dataset || makeDataset({ customers: opts.customers ?? 60, seed: opts.seed ?? 1 }),
		);
	const state = new GradientState({
		seed: opts.seed ?? 1,
		organizationName: opts.organizationName ?? 'Emulated MSP',
		status: opts.status ?? 'inactive',
		psaClients,
		mappedServiceNames: opts.mappedServiceNames ?? null,
		owner: options,
	});
	for (const s of opts.services || []) state.addSku(typeof s === 'string' ? { name: s } : s);
	for (const a of opts.accounts || []) state.addAccount(a);

	const token = () =>
		Buffer.from(`${options.vendorApiKey}:${options.partnerApiKey}`, 'utf8').toString('base64');
	const json = (status, body, headers) => ({ status, json: body, headers });
	const err = (status, message) => json(status, { statusCode: status, message });
	const bad = (errors) => err(400, errors.join(', '));
	const markActive = () => {
		if (options.autoActivate && state.organization.status !== 'active')
			state.setStatus('active', 'gradient');
		state.organization.lastSyncedAt = new Date().toISOString();
	};
	const listParam = (ctx, name) =>
		ctx.query
			.getAll(name)
			.concat(ctx.query.getAll(`${name}[]`))
			.flatMap((v) => v.split(','))
			.map((v) => v.trim())
			.filter(Boolean);

	// --- route handlers -------------------------------------------------------------------

	const getVendor = () =>
		json(200, { status: 200, data: state.vendor, message: 'Success - Retrieved Vendor' });

	const patchVendor = (ctx, body) => {
		if (!isObj(body)) body = {};
		const fields = ['name', 'description', 'vendorSupportPageUrl', 'integrationPortalUrl'];
		const errors = check(body, Object.fromEntries(fields.map((f) => [f, { type: 'string' }])));
		if (errors.length) return bad(errors);
		if (!fields.some((f) => body[f] !== undefined))
			return err(400, 'Must provide at least one property value for updating');
		for (const f of fields) if (body[f] !== undefined) state.vendor[f] = body[f];
		state.vendor.updatedAt = new Date().toISOString();
		return json(200, { data: state.vendor, message: 'Success - Updated Vendor', status: 200 });
	};

	const createService = (ctx, body) => {
		if (!isObj(body)) body = {};
		const errors = check(body, {
			name: { type: 'string', required: true, notEmpty: true },
			description: { type: 'string', required: true },
			category: { type: 'enum', values: CATEGORIES, required: true },
			subcategory: { type: 'enum', values: SUBCATEGORIES, required: true },
			supportArticle: { type: 'url' },
			supportContact: { type: 'email' },
		});
		if (errors.length) return bad(errors);
		// A second service with the same name is accepted, as by the API (a duplicate).
		state.addSku(body);
		return json(201, state.vendor);
	};

	const getService = (ctx, id) => {
		const sku = state.findSku(id);
		if (!sku) return err(404, `No service found with id: ${id}`);
		return json(200, {
			status: 200,
			data: { ...state.vendor, skus: [sku] },
			message: 'Success - Retrieved Vendor Service',
		});
	};

	const getOrganization = () => json(200, state.organization);

	const patchStatus = (ctx, status) => {
		if (!STATUSES.includes(status))
			return err(
				400,
				`status must be one of the following values: ${STATUSES.slice().sort().join(', ')}`,
			);
		state.setStatus(status, 'vendor');
		return json(200, {
			data: state.organization,
			status: 200,
			message: 'Success - Updated Integration Status',
		});
	};

	const getClients = (ctx) => {
		const search = (ctx.query.get('search') || '').toLowerCase();
		const previousId = ctx.query.get('previousId');
		let clients = state.psaClients;
		if (search) clients = clients.filter((c) => c.name.toLowerCase().includes(search));
		let start = 0;
		if (previousId) {
			const i = clients.findIndex((c) => c.id === previousId);
			start = i < 0 ? clients.length : i + 1;
		}
		const page = clients.slice(start, start + 50);
		return json(200, {
			meta: {
				total: clients.length,
				pageSize: 50,
				previousId: previousId || null,
				lastId: page.length ? page[page.length - 1].id : null,
				hasMore: start + 50 < clients.length,
			},
			clients: page.map((c) => ({ id: c.id, name: c.name })),
		});
	};

	const getAccounts = (ctx) => {
		const ids = listParam(ctx, 'accountIds');
		let accounts = state.accounts;
		if (ids.length) accounts = accounts.filter((a) => ids.includes(a.id));
		// INFERRED (§5.3, §9 #7): returnUnmapped=false returns only mapped accounts.
		if (ctx.query.get('returnUnmapped') === 'false')
			accounts = accounts.filter((a) => state.isAccountMapped(a));
		return json(
			200,
			accounts.map((a) => state.accountView(a)),
		);
	};

	const accountRules = {
		id: { type: 'string', required: true },
		name: { type: 'string', required: true },
		description: { type: 'string' },
		isArrears: { type: 'boolean' },
	};

	const createAccounts = (ctx, body) => {
		if (!Array.isArray(body)) {
			// INFERRED (§5.3, §9 #9): a single object may be accepted.
			if (options.acceptSingleAccount && isObj(body)) body = [body];
			else return err(400, 'Validation failed (parsable array expected)');
		}
		if (options.maxBatch != null && body.length > options.maxBatch) {
			return err(
				options.maxBatchStatus,
				`Too many accounts in one request (at most ${options.maxBatch})`,
			);
		}
		for (const item of body) {
			const errors = isObj(item)
				? check(item, accountRules)
				: ['each value in the body must be an object'];
			if (errors.length) return bad(errors);
		}
		const existing = new Set(state.accounts.map((a) => a.id));
		const seen = new Set();
		const fresh = [];
		for (const item of body) {
			if (existing.has(item.id) || seen.has(item.id)) {
				// INFERRED (§5.3, §9 #8): as for organization services, 409 for the whole request.
				if (options.duplicateAccount === '409')
					return err(409, 'A resource with this Id already exists.');
				continue; // 'ignore'
			}
			seen.add(item.id);
			fresh.push(item);
		}
		const created = fresh.map((item) => state.addAccount(item));
		return json(
			201,
			created.map((a) => ({ id: a.id, name: a.name, description: a.description })),
		);
	};

	const updateRules = {
		name: { type: 'string', notEmpty: true },
		description: { type: 'string' },
		isActive: { type: 'boolean' },
		isArrears: { type: 'boolean' },
	};
	const applyUpdate = (a, body) => {
		for (const f of Object.keys(updateRules))
			if (body[f] !== undefined && body[f] !== null) a[f] = body[f];
	};

	const patchAccount = (ctx, accountId, body) => {
		if (!isObj(body)) body = {};
		const errors = check(body, updateRules);
		if (errors.length) return bad(errors);
		const a = state.findAccount(accountId);
		if (!a) return err(404, `No account found with id: ${accountId}`);
		applyUpdate(a, body);
		return json(200, state.accountView(a));
	};

	const patchAccounts = (ctx, body) => {
		// INFERRED (§5.3, §9 #11): the bulk body is an array keyed by id.
		if (!Array.isArray(body)) return err(400, 'Validation failed (parsable array expected)');
		for (const item of body) {
			const errors = isObj(item)
				? check(item, { id: { type: 'string', required: true }, ...updateRules })
				: ['each value in the body must be an object'];
			if (errors.length) return bad(errors);
			if (!state.findAccount(item.id)) return err(404, `No account found with id: ${item.id}`);
		}
		const out = body.map((item) => {
			const a = state.findAccount(item.id);
			applyUpdate(a, item);
			return state.accountView(a);
		});
		return json(200, out);
	};

	const pushCount = (ctx, serviceId, body) => {
		if (!isObj(body)) body = {};
		const errors = [];
		if (body.accountId === undefined && body.clientOId !== undefined) {
			if (typeof body.clientOId !== 'string') errors.push('clientOId must be a string');
		} else if (typeof body.accountId !== 'string') errors.push('accountId must be a string');
		if (typeof body.unitCount !== 'number' || !Number.isFinite(body.unitCount))
			errors.push('unitCount must be a number');
		else if (body.unitCount < 0) errors.push('unitCount must not be less than 0');
		if (errors.length) return bad(errors);
		if (options.strictObjectIds && !/^[0-9a-f]{24}$/i.test(serviceId))
			return err(400, 'You have provided an invalid Id type');
		const sku = state.findSku(serviceId);
		if (!sku) return err(404, `No service found with id: ${serviceId}`);
		const accountId = body.accountId ?? body.clientOId;
		const account = body.accountId !== undefined ? state.findAccount(accountId) : null; // clientOId: deprecated, never mapped here
		if (!account || !state.isAccountMapped(account) || !state.isServiceMapped(sku)) {
			return err(404, `No account map found with id: ${accountId}`);
		}
		const noBuild = ctx.query.get('no_build') === 'true';
		const key = `${accountId}|${serviceId}`;
		const at = new Date().toISOString();
		// INFERRED (§5.5, §9 #13): a push sets (replaces) the count; it is not an increment.
		const prev = state.counts[key];
		state.counts[key] = { unitCount: body.unitCount, at, pushes: (prev ? prev.pushes : 0) + 1 };
		state.pushes.push({ accountId, serviceId, unitCount: body.unitCount, noBuild, at });
		if (!noBuild) state.builds++;
		markActive();
		return json(201, { status: 201, message: 'Created service unit count' });
	};

	const createAlert = (ctx, accountId, body) => {
		if (!isObj(body)) body = {};
		const withDefaults = { priority: 1, status: 1, ...body };
		const errors = check(withDefaults, {
			title: { type: 'string', required: true, notEmpty: true },
			description: { type: 'string', required: true },
			alertId: { type: 'string', required: true, notEmpty: true },
			priority: { type: 'int', required: true, min: 1, max: 4 },
			status: { type: 'int', required: true, min: 1, max: 6 },
			dueDateTime: { type: 'isodate' },
			serviceId: { type: 'string' },
		});
		if (errors.length) return bad(errors);
		const account = state.findAccount(accountId);
		if (!account || !state.isAccountMapped(account))
			return err(404, `No account map found with id: ${accountId}`);
		const messageId = state.newUuid();
		const correlationID = state.newId();
		const at = new Date().toISOString();
		const failed = (options.failAlertsFor || []).map(String).includes(accountId);
		let ticket = null;
		let duplicate = false;
		if (!failed) {
			ticket = options.alertIdDedupe
				? state.tickets.find((t) => t.accountId === accountId && t.alertId === body.alertId) || null
				: null;
			duplicate = Boolean(ticket);
			if (!ticket) {
				ticket = {
					ticketId: String(++state._ticketSeq),
					accountId,
					alertId: body.alertId,
					title: body.title,
					description: body.description,
					priority: withDefaults.priority,
					status: withDefaults.status,
					dueDateTime: body.dueDateTime ?? null,
					serviceId: body.serviceId ?? null,
					createdAt: at,
					messageIds: [],
				};
				state.tickets.push(ticket);
			}
			ticket.messageIds.push(messageId);
			markActive();
		}
		state.messages.set(messageId, {
			messageId,
			accountId,
			alertId: body.alertId,
			ticketId: ticket ? ticket.ticketId : null,
			failed,
			duplicate,
			polls: 0,
			at,
		});
		if (options.alertLostAnswers > 0) {
			options.alertLostAnswers--;
			if (options.alertLostAnswerStatus == null) return { reset: true };
			return err(options.alertLostAnswerStatus, 'Bad gateway');
		}
		return json(201, { messageId, alertId: body.alertId, correlationID });
	};

	const debugAlert = (ctx, messageId) => {
		const m = state.messages.get(messageId);
		if (!m) return err(404, `No ticket event found with messageId: ${messageId}`);
		m.polls++;
		if (m.polls <= (options.alertPendingPolls || 0)) {
			return json(200, {
				messageId,
				status: 'pending',
				ticketId: null,
				createdAt: null,
				message: 'Alert is queued for processing',
				statusCode: null,
				errors: [],
			});
		}
		if (m.failed) {
			return json(200, {
				messageId,
				status: 'failed',
				ticketId: null,
				createdAt: null,
				message: 'Failed to create a ticket from the alert',
				statusCode: 400,
				errors: ['No PSA board is mapped for this account'],
			});
		}
		const ticket = state.tickets.find((t) => t.ticketId === m.ticketId);
		return json(200, {
			messageId,
			status: 'success',
			ticketId: m.ticketId,
			createdAt: ticket ? ticket.createdAt : m.at,
			message: m.duplicate ? 'A ticket already exists for this alertId' : 'Ticket created',
			statusCode: null,
			errors: [],
		});
	};

	// --- dispatch ---------------------------------------------------------------------------

	const routes = [
		['GET', /^$/, () => getVendor()],
		['PATCH', /^$/, (ctx, m, body) => patchVendor(ctx, body)],
		['POST', /^\/service$/, (ctx, m, body) => createService(ctx, body)],
		['GET', /^\/service\/([^/]+)$/, (ctx, m) => getService(ctx, m[1])],
		['POST', /^\/service\/([^/]+)\/count$/, (ctx, m, body) => pushCount(ctx, m[1], body)],
		['GET', /^\/organization$/, () => getOrganization()],
		['PATCH', /^\/organization\/status\/([^/]+)$/, (ctx, m) => patchStatus(ctx, m[1])],
		['GET', /^\/organization\/clients$/, (ctx) => getClients(ctx)],
		['GET', /^\/organization\/accounts$/, (ctx) => getAccounts(ctx)],
		['POST', /^\/organization\/accounts$/, (ctx, m, body) => createAccounts(ctx, body)],
		['PATCH', /^\/organization\/accounts$/, (ctx, m, body) => patchAccounts(ctx, body)],
		[
			'PATCH',
			/^\/organization\/accounts\/([^/]+)$/,
			(ctx, m, body) => patchAccount(ctx, m[1], body),
		],
		['GET', /^\/alerting\/debug\/([^/]+)$/, (ctx, m) => debugAlert(ctx, m[1])],
		['POST', /^\/alerting\/([^/]+)$/, (ctx, m, body) => createAlert(ctx, m[1], body)],
	];

	const handle = (ctx) => {
		// [DOC] §3: above 100 requests a second -> 429, no Retry-After. Every arrival counts
		// (rejected ones too) in the sliding 1000 ms window.
		if (options.ratePerSecond && ctx.windowCount > options.ratePerSecond) {
			return err(429, `Request limit reached (${options.ratePerSecond} requests a second)`);
		}
		const cannot = () => err(404, `Cannot ${ctx.method} ${ctx.path}`);
		if (ctx.path !== PREFIX && !ctx.path.startsWith(`${PREFIX}/`)) return cannot();
		const rest = ctx.path.slice(PREFIX.length);
		let route = null;
		let match = null;
		for (const [method, re, fn] of routes) {
			const m = re.exec(rest);
			if (m && method === ctx.method && fn) {
				route = fn;
				match = m.map((x, i) => (i ? decodeURIComponentSafe(x) : x));
				break;
			}
		}
		if (!route) return cannot();
		const tokenHeader = ctx.headers['gradient-token'];
		if (tokenHeader !== token()) return err(401, 'Unauthorized');
		let body;
		if (ctx.method === 'POST' || ctx.method === 'PATCH') {
			if (options.maxBodyBytes != null && ctx.rawBytes > options.maxBodyBytes)
				return err(413, 'request entity too large');
			const type = String(ctx.headers['content-type'] || '');
			if (ctx.raw && type.includes('json')) {
				try {
					body = JSON.parse(ctx.raw);
				} catch (e) {
					return err(400, `Unexpected token in JSON body: ${e.message}`);
				}
			}
		}
		return route(ctx, match, body);
	};

	const admin = (ctx) => {
		if (ctx.method === 'GET' && ctx.path === '/__state')
			return { status: 200, json: { options, ...state.toJSON() } };
		if (ctx.method === 'POST' && ctx.path === '/__options') {
			emu.setOptions(ctx.json() || {});
			return { status: 200, json: options };
		}
		if (ctx.method === 'POST' && ctx.path === '/__psa-clients')
			return { status: 200, json: { result: state.setPsaClients(ctx.json() || []) } };
		if (ctx.method === 'POST' && ctx.path === '/__mapped-services')
			return { status: 200, json: { result: state.setMappedServices(ctx.json() ?? null) } };
		return undefined;
	};

	const base = await startEmulatorServer({
		name: 'gradient',
		host: opts.host,
		port: opts.port,
		faults: opts.faults,
		logHeaders: opts.logHeaders,
		handle,
		admin,
		errorJson: (status) => ({ statusCode: status, message: 'Internal server error' }),
		tooManyJson: () => ({
			statusCode: 429,
			message: `Request limit reached (${options.ratePerSecond || 100} requests a second)`,
		}),
	});

	const emu = {
		url: base.url,
		port: base.port,
		get token() {
			return token();
		},
		vendorApiKey: options.vendorApiKey,
		partnerApiKey: options.partnerApiKey,
		state,
		log: base.log,
		stats: base.stats,
		options,
		setFaults: (f) => base.setFaults(f),
		setOptions(o = {}) {
			for (const k of Object.keys(o)) if (k in DEFAULT_OPTIONS) options[k] = o[k];
			if (o.psaClients !== undefined) state.setPsaClients(o.psaClients);
			if (o.mappedServiceNames !== undefined) state.setMappedServices(o.mappedServiceNames);
			emu.vendorApiKey = options.vendorApiKey;
			emu.partnerApiKey = options.partnerApiKey;
			return options;
		},
		clearLog: () => base.clearLog(),
		close: () => base.close(),
	};
	return emu;
}

function decodeURIComponentSafe(s) {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

/** base64(`vendorApiKey:partnerApiKey`), the GRADIENT-TOKEN header value. */
function gradientToken(
	vendorApiKey = DEFAULT_OPTIONS.vendorApiKey,
	partnerApiKey = DEFAULT_OPTIONS.partnerApiKey,
) {
	return Buffer.from(`${vendorApiKey}:${partnerApiKey}`, 'utf8').toString('base64');
}

module.exports = {
	startGradient,
	GradientState,
	gradientToken,
	defaultPsaClients,
	nearSpelling,
	CATEGORIES,
	SUBCATEGORIES,
	DEFAULT_GRADIENT_OPTIONS: DEFAULT_OPTIONS,
};
