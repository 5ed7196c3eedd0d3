'use strict';
// A proxy on 127.0.0.1 in front of an emulator that answers chosen requests itself (a redirect
// to a trap listener, or an answer of its own) and passes every other request on unchanged.
// The trap records whatever reaches it, headers included: a key there has left its origin.
// Plain JS because it needs Node's http module, which n8n's lint forbids in .ts files.
const http = require('http');

function track(server) {
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return () => {
		for (const socket of sockets) socket.destroy();
		return new Promise((resolve) => server.close(() => resolve()));
	};
}

function listen(server) {
	return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)).then(
		() => `http://127.0.0.1:${server.address().port}`,
	);
}

function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
	});
}

/** Records every request; answers 404 to a GET (as a moved API would) and 201 to anything else. */
async function startTrap() {
	const arrivals = [];
	const server = http.createServer(async (req, res) => {
		const body = (await readBody(req)).toString('utf8');
		arrivals.push({ method: req.method, path: req.url, headers: { ...req.headers }, body });
		const status = req.method === 'GET' ? 404 : 201;
		res.writeHead(status, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(status === 404 ? { message: 'Not Found' } : []));
	});
	const url = await listen(server);
	return { url, arrivals, close: track(server) };
}

/**
 * @param {{ upstream: string, rules: Array<{ method?: string, path: RegExp, redirect?: number,
 *   query?: string, answer?: (req: { method: string, path: string, headers: object, body: string })
 *   => { status: number, headers?: object, body?: unknown } }> }} options
 *   A rule with `redirect` answers that status with a Location on the trap (same path, plus
 *   `query` when given); one with `answer` answers what it returns. The first matching rule wins.
 */
async function startRedirectProxy(options) {
	const trap = await startTrap();
	const upstream = new URL(options.upstream);
	const intercepted = [];
	const server = http.createServer(async (req, res) => {
		const body = await readBody(req);
		const path = req.url.split('?')[0];
		const rule = options.rules.find(
			(r) => (!r.method || r.method === req.method) && r.path.test(path),
		);
		if (rule) {
			intercepted.push({ method: req.method, path: req.url });
			if (rule.redirect) {
				const location = `${trap.url}${req.url}${rule.query ?? ''}`;
				res.writeHead(rule.redirect, { Location: location, 'Content-Type': 'text/html' });
				res.end(`<a href="${location}">Moved</a>`);
				return;
			}
			const answer = rule.answer({
				method: req.method,
				path: req.url,
				headers: { ...req.headers },
				body: body.toString('utf8'),
			});
			const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
			res.writeHead(answer.status, {
				'Content-Type': 'application/json',
				...(answer.headers ?? {}),
			});
			res.end(payload);
			return;
		}
		const forward = http.request(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: upstream.host },
			},
			(answer) => {
				res.writeHead(answer.statusCode, answer.headers);
				answer.pipe(res);
			},
		);
		forward.on('error', () => res.destroy());
		forward.end(body);
	});
	const url = await listen(server);
	const closeProxy = track(server);
	return {
		url,
		trap,
		intercepted,
		async close() {
			await closeProxy();
			await trap.close();
		},
	};
}

module.exports = { startRedirectProxy };
