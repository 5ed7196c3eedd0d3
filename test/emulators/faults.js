'use strict';
/**
 * Shared fault injection for the emulators. Deterministic given the seed and the order in which
 * requests arrive (each request consumes the same number of random draws).
 *
 * Config (all optional):
 *   latencyMs      fixed delay before every answer (default 0)
 *   jitterMs       extra delay, uniform in [0, jitterMs) (default 0)
 *   errorRate      share of requests answered 500/502/503 (not processed) (default 0)
 *   resetRate      share of requests whose socket is destroyed without an answer (not processed)
 *   malformedRate  share answered 200 with a truncated, non-JSON body (processed: state changes)
 *   storm          { every: N, length: M, retryAfter: seconds|null }: of every N requests, the
 *                  last M are answered 429 (requests N-M+1..N, 2N-M+1..2N, ...), not processed;
 *                  Retry-After is sent when retryAfter is not null
 *   seed           PRNG seed (default 1)
 *   pages          Mailprotector only: faults on given list pages, by path and page (not random):
 *                  [{ path, page = 1, kind, times = 1 }], kind one of
 *                    'empty'      answer 200 [] instead of the page (a transient empty page)
 *                    'emptyBody'  answer 200 with an empty body (no JSON at all)
 *                    'removeUser' serve the page, then delete user `userId` (a user deleted
 *                                 between two page reads: offset pages shift under the reader)
 *                  `times` is how many reads of that page get the fault ('always' = every read).
 *                  Not in the reference: these reproduce a flaky front end or a busy account.
 * Rates are checked in this order on one draw: error, then reset, then malformed; their sum
 * should not exceed 1. Faults never apply to the emulators' own /__ admin routes.
 */

const { makeRng } = require('./prng');

const ERROR_STATUSES = [500, 502, 503];

function normaliseFaults(f = {}) {
	const storm =
		f.storm && f.storm.every > 0 && f.storm.length > 0
			? {
					every: f.storm.every,
					length: Math.min(f.storm.length, f.storm.every),
					retryAfter: f.storm.retryAfter ?? null,
				}
			: null;
	return {
		latencyMs: Math.max(0, Number(f.latencyMs) || 0),
		jitterMs: Math.max(0, Number(f.jitterMs) || 0),
		errorRate: Math.max(0, Number(f.errorRate) || 0),
		resetRate: Math.max(0, Number(f.resetRate) || 0),
		malformedRate: Math.max(0, Number(f.malformedRate) || 0),
		storm,
		seed: f.seed ?? 1,
		pages: normalisePageFaults(f.pages),
	};
}

const PAGE_FAULT_KINDS = new Set(['empty', 'emptyBody', 'removeUser']);

/** Page faults with a fresh `served` counter each time faults are set. */
function normalisePageFaults(pages) {
	if (!Array.isArray(pages)) return [];
	return pages.map((p) => {
		if (!p || typeof p.path !== 'string' || !PAGE_FAULT_KINDS.has(p.kind)) {
			throw new Error(
				`page fault ${JSON.stringify(p)}: needs a path and a kind (${[...PAGE_FAULT_KINDS].join(', ')})`,
			);
		}
		if (p.kind === 'removeUser' && p.userId === undefined) {
			throw new Error(`page fault ${JSON.stringify(p)}: removeUser needs a userId`);
		}
		return {
			path: p.path,
			page: Number(p.page ?? 1),
			kind: p.kind,
			times: p.times === 'always' ? 'always' : Math.max(0, Number(p.times ?? 1)),
			userId: p.userId,
			served: 0,
		};
	});
}

/** The page fault that applies to this read of (path, page), counted as served; or null. */
function takePageFault(pages, path, page) {
	for (const p of pages || []) {
		if (p.path !== path || p.page !== page) continue;
		if (p.times !== 'always' && p.served >= p.times) continue;
		p.served++;
		return p;
	}
	return null;
}

/**
 * Creates a fault injector. `decide()` is called once per (non-admin) request, in arrival order,
 * and returns { delayMs, fault } where fault is null or one of
 *   { kind: 'storm', status: 429, retryAfter }, { kind: 'error', status }, { kind: 'reset' },
 *   { kind: 'malformed' }.
 */
function createFaults(config) {
	const cfg = normaliseFaults(config);
	const rng = makeRng(cfg.seed);
	let n = 0;
	return {
		config: cfg,
		get requestsSeen() {
			return n;
		},
		decide() {
			n++;
			// Always three draws, so one request's fault never shifts the next one's.
			const rJitter = rng.next();
			const rKind = rng.next();
			const rStatus = rng.next();
			const delayMs = cfg.latencyMs + (cfg.jitterMs ? rJitter * cfg.jitterMs : 0);
			if (cfg.storm) {
				const pos = (n - 1) % cfg.storm.every;
				if (pos >= cfg.storm.every - cfg.storm.length) {
					return {
						delayMs,
						fault: { kind: 'storm', status: 429, retryAfter: cfg.storm.retryAfter },
					};
				}
			}
			let edge = cfg.errorRate;
			if (rKind < edge) {
				return {
					delayMs,
					fault: {
						kind: 'error',
						status: ERROR_STATUSES[Math.floor(rStatus * ERROR_STATUSES.length)],
					},
				};
			}
			edge += cfg.resetRate;
			if (rKind < edge) return { delayMs, fault: { kind: 'reset' } };
			edge += cfg.malformedRate;
			if (rKind < edge) return { delayMs, fault: { kind: 'malformed' } };
			return { delayMs, fault: null };
		},
	};
}

/** Cuts a body so that it is not valid JSON any more. */
function truncateBody(text) {
	const s = String(text ?? '');
	let cut = s.slice(0, Math.max(1, Math.floor(s.length / 2)));
	try {
		JSON.parse(cut);
		cut += '{"trunc';
	} catch {
		// not JSON: good
	}
	return cut || '{';
}

module.exports = { createFaults, normaliseFaults, takePageFault, truncateBody, ERROR_STATUSES };
