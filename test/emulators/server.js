'use strict';
/**
 * The plumbing both emulators share: an http server on 127.0.0.1 with keep-alive, a request
 * log, stats (incl. the largest number of arrivals in any sliding 1000 ms window), fault
 * injection, latency, admin routes under /__ (no auth, no faults, not logged) and a close()
 * that destroys open sockets.
 *
 * A handler returns { status, json } (serialised as JSON), or { status, text, contentType },
 * plus optional `headers`; or { reset: true } to destroy the socket without an answer.
 */

const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { createFaults, truncateBody } = require('./faults');

const REDACTED_HEADERS = new Set([
	'authorization',
	'gradient-token',
	'cookie',
	'proxy-authorization',
]);
const now = () => performance.timeOrigin + performance.now();

function queryObject(searchParams) {
	const out = {};
	for (const [k, v] of searchParams) {
		if (k in out) out[k] = Array.isArray(out[k]) ? [...out[k], v] : [out[k], v];
		else out[k] = v;
	}
	return out;
}

function redact(headers) {
	const out = {};
	for (const [k, v] of Object.entries(headers)) out[k] = REDACTED_HEADERS.has(k) ? '[redacted]' : v;
	return out;
}

function newStats() {
	return {
		requests: 0,
		byStatus: {},
		tooManyRequests: 0,
		resets: 0,
		malformed: 0,
		injectedErrors: 0,
		maxInAnySecond: 0,
	};
}

function resetObject(obj, fresh) {
	for (const k of Object.keys(obj)) delete obj[k];
	Object.assign(obj, fresh);
}

/**
 * @param {object} o
 * @param {string} o.name                 for messages
 * @param {string} [o.host='127.0.0.1']
 * @param {number} [o.port=0]
 * @param {object} [o.faults]              see faults.js
 * @param {(ctx) => any} o.handle          the API
 * @param {(ctx) => any} [o.admin]         extra admin routes (return undefined to fall through)
 * @param {(status: number) => object} o.errorJson   body of an injected 500
 * @param {() => object} o.tooManyJson     body of a storm 429
 * @param {boolean} [o.logHeaders=true]    keep (redacted) request headers in the log
 */
function startEmulatorServer(o) {
	const host = o.host || '127.0.0.1';
	const log = [];
	const stats = newStats();
	let faults = createFaults(o.faults || {});
	const sockets = new Set();
	const timers = new Set();
	let closed = false;
	// sliding window of arrival times
	let times = [];
	let head = 0;

	const arrive = (t) => {
		while (head < times.length && times[head] <= t - 1000) head++;
		if (head > 4096) {
			times = times.slice(head);
			head = 0;
		}
		times.push(t);
		const inWindow = times.length - head;
		if (inWindow > stats.maxInAnySecond) stats.maxInAnySecond = inWindow;
		return inWindow;
	};

	const send = (req, res, out) => {
		if (res.writableEnded || res.destroyed) return;
		const headers = { ...(out.headers || {}) };
		let text;
		if (out.json !== undefined) {
			text = JSON.stringify(out.json);
			headers['content-type'] = 'application/json; charset=utf-8';
		} else if (out.text !== undefined) {
			text = String(out.text);
			if (out.contentType) headers['content-type'] = out.contentType;
		} else {
			text = '';
		}
		headers['content-length'] = Buffer.byteLength(text);
		res.writeHead(out.status, headers);
		res.end(req.method === 'HEAD' ? undefined : text);
	};

	const record = (entry) => {
		log.push(entry);
		if (entry.status) stats.byStatus[entry.status] = (stats.byStatus[entry.status] || 0) + 1;
		if (entry.status === 429) stats.tooManyRequests++;
	};

	const adminBuiltIns = (ctx) => {
		if (ctx.method === 'GET' && ctx.path === '/__stats') return { status: 200, json: stats };
		if (ctx.method === 'GET' && ctx.path === '/__log') {
			const since = Number(ctx.query.get('since')) || 0;
			return { status: 200, json: log.slice(since) };
		}
		if (ctx.method === 'POST' && ctx.path === '/__faults') {
			api.setFaults(ctx.json() || {});
			return { status: 200, json: faults.config };
		}
		if (ctx.method === 'POST' && ctx.path === '/__clear') {
			api.clearLog();
			return { status: 200, json: { ok: true } };
		}
		return undefined;
	};

	const server = http.createServer({ keepAlive: true }, (req, res) => {
		const t = now();
		const url = new URL(req.url, 'http://emulator');
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('error', () => {});
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const ctx = {
				method: req.method,
				path: url.pathname,
				query: url.searchParams,
				queryObj: queryObject(url.searchParams),
				rawQuery: url.search.slice(1),
				headers: req.headers,
				raw,
				rawBytes: Buffer.concat(chunks).length,
				arrivedAt: t,
				windowCount: 0,
				json() {
					try {
						return raw ? JSON.parse(raw) : undefined;
					} catch {
						return undefined;
					}
				},
			};
			// Admin routes: no auth, no faults, not logged, not counted.
			if (ctx.path.startsWith('/__')) {
				let out;
				try {
					out = adminBuiltIns(ctx) || (o.admin && o.admin(ctx));
				} catch (e) {
					out = { status: 500, json: { error: String((e && e.message) || e) } };
				}
				send(req, res, out || { status: 404, json: { error: 'Not found' } });
				return;
			}
			stats.requests++;
			ctx.windowCount = arrive(t);
			const { delayMs, fault } = faults.decide();
			const entry = {
				method: req.method,
				path: ctx.path,
				query: ctx.queryObj,
				status: 0,
				at: t,
			};
			if (o.logHeaders !== false) entry.headers = redact(req.headers);
			const finish = () => {
				if (closed || res.destroyed) return;
				if (fault && fault.kind === 'reset') {
					entry.fault = 'reset';
					stats.resets++;
					record(entry);
					req.socket.destroy();
					return;
				}
				if (fault && fault.kind === 'storm') {
					entry.fault = 'storm';
					entry.status = 429;
					record(entry);
					const headers =
						fault.retryAfter != null ? { 'retry-after': String(fault.retryAfter) } : {};
					send(req, res, { status: 429, json: o.tooManyJson(), headers });
					return;
				}
				if (fault && fault.kind === 'error') {
					entry.fault = 'error';
					entry.status = fault.status;
					stats.injectedErrors++;
					record(entry);
					if (fault.status === 500) send(req, res, { status: 500, json: o.errorJson(500) });
					else {
						const msg =
							fault.status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
						send(req, res, {
							status: fault.status,
							text: `<html><head><title>${msg}</title></head><body><center><h1>${msg}</h1></center></body></html>\n`,
							contentType: 'text/html',
						});
					}
					return;
				}
				Promise.resolve()
					.then(() => o.handle(ctx))
					.catch((e) => {
						entry.error = String((e && e.stack) || e);
						return { status: 500, json: o.errorJson(500) };
					})
					.then((out) => {
						if (closed || res.destroyed) return;
						if (out && out.reset) {
							entry.fault = 'reset';
							stats.resets++;
							record(entry);
							req.socket.destroy();
							return;
						}
						if (fault && fault.kind === 'malformed') {
							entry.fault = 'malformed';
							entry.realStatus = out.status;
							entry.status = 200;
							stats.malformed++;
							record(entry);
							const text =
								out.json !== undefined ? JSON.stringify(out.json) : String(out.text ?? '');
							send(req, res, {
								status: 200,
								text: truncateBody(text),
								contentType: 'application/json; charset=utf-8',
							});
							return;
						}
						entry.status = out.status;
						record(entry);
						send(req, res, out);
					});
			};
			if (delayMs > 0) {
				const timer = setTimeout(() => {
					timers.delete(timer);
					finish();
				}, delayMs);
				timers.add(timer);
			} else finish();
		});
	});
	server.keepAliveTimeout = 10000;
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', (err, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
		else socket.destroy();
	});

	const api = {
		server,
		log,
		stats,
		url: '',
		port: 0,
		setFaults(f) {
			faults = createFaults(f || {});
			return faults.config;
		},
		get faults() {
			return faults.config;
		},
		clearLog() {
			log.length = 0;
			resetObject(stats, newStats());
			times = [];
			head = 0;
		},
		close() {
			closed = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			return new Promise((resolve) => {
				server.close(() => resolve());
				for (const s of sockets) s.destroy();
				if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
			});
		},
	};

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(o.port || 0, host, () => {
			server.off('error', reject);
			api.port = server.address().port;
			api.url = `http://${host}:${api.port}`;
			resolve(api);
		});
	});
}

module.exports = { startEmulatorServer, queryObject };
