'use strict';
// A local HTTP server that answers from a script and records when each request arrived.
// Plain JS because it needs Node globals (http, timers) that n8n's lint forbids in .ts files.
const http = require('http');
const net = require('net');
const { performance } = require('perf_hooks');

/**
 * @param {Array<object|Function>|Function} script  steps used in order (the last one repeats), or
 *   a function (request, index) => step. A step is { status, headers, body, delayMs } or
 *   { reset: true } (the socket is destroyed without an answer). A function step is called with
 *   (request, index) and returns a step.
 */
async function startScriptedServer(script) {
	const arrivals = [];
	let steps = script;
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const index = arrivals.length;
			const bodyText = Buffer.concat(chunks).toString('utf8');
			const arrival = {
				index,
				at: Date.now(),
				ms: performance.now(),
				method: req.method,
				path: req.url,
				headers: { ...req.headers },
				body: bodyText,
			};
			arrivals.push(arrival);
			let step;
			if (typeof steps === 'function') step = steps(arrival, index);
			else step = steps[Math.min(index, steps.length - 1)];
			if (typeof step === 'function') step = step(arrival, index);
			step = step || { status: 200, body: {} };
			const answer = () => {
				if (step.reset) {
					req.socket.destroy();
					return;
				}
				const headers = { ...(step.headers || {}) };
				let payload = '';
				if (step.body !== undefined) {
					if (typeof step.body === 'string') {
						payload = step.body;
						if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
							headers['Content-Type'] = 'text/plain';
						}
					} else {
						payload = JSON.stringify(step.body);
						if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
							headers['Content-Type'] = 'application/json';
						}
					}
				}
				res.writeHead(step.status || 200, headers);
				res.end(payload);
			};
			if (step.delayMs) setTimeout(answer, step.delayMs);
			else answer();
		});
	});
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		arrivals,
		setScript(next) {
			steps = next;
		},
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

/** A port on 127.0.0.1 where nothing listens (bound, read, released). */
async function unusedPort() {
	const probe = net.createServer();
	await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address();
	await new Promise((resolve) => probe.close(() => resolve()));
	return port;
}

/** Arrival times (ms): the largest number of arrivals in any window of `windowMs` starting at an arrival. */
function maxInWindow(times, windowMs) {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	let j = 0;
	for (let i = 0; i < sorted.length; i++) {
		while (j < sorted.length && sorted[j] - sorted[i] < windowMs) j++;
		best = Math.max(best, j - i);
	}
	return best;
}

module.exports = { startScriptedServer, unusedPort, maxInWindow };
