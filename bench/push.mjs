#!/usr/bin/env node
// `npm run bench:push`: pushes 10,000 (account, service) pairs through the compiled Gradient
// Push Billable node, driven by n8n-core's WorkflowExecute, against the Gradient emulator
// (100 requests/s limit, 30 ms latency by default). Prints requests per second, the busiest
// second, 429s seen, retries, the one rebuild, and pairs lost (input pairs whose count did not
// arrive and that no output reports as not mapped or failed).
// Flags: --pairs N (10000) --latency MS (30) --rate R (node default) --concurrency C (node default)
//        --error-rate X --reset-rate X --storm EVERY:LENGTH --limit L (emulator, 100) --seed S (1)
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { compiledNode } from './lib/compiled.mjs';
import { runChain } from './lib/engine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

const PRODUCTS = ['CloudFilter', 'SafeSend'];
const NODE = 'Push Billable';
const TYPE = 'n8n-nodes-mailprotector-gradient.gradientPushBillable';

function parseArgs(argv) {
	const out = { pairs: 10_000, latency: 30, limit: 100, seed: 1 };
	const keys = {
		'--pairs': 'pairs',
		'--latency': 'latency',
		'--rate': 'rate',
		'--concurrency': 'concurrency',
		'--error-rate': 'errorRate',
		'--reset-rate': 'resetRate',
		'--storm': 'storm',
		'--limit': 'limit',
		'--seed': 'seed',
	};
	for (let i = 0; i < argv.length; i++) {
		let [flag, value] = argv[i].split('=');
		value ??= argv[++i];
		const key = keys[flag];
		if (!key) {
			console.error(`unknown flag ${flag}; see the head of bench/push.mjs`);
			process.exit(2);
		}
		out[key] = key === 'storm' ? value : Number(value);
	}
	return out;
}

/** Starts the Gradient emulator in a child process; state, stats and log come over its admin routes. */
async function startChildGradient(options) {
	// Options go over stdin: thousands of account names do not fit an environment variable.
	const script = `
		const { startGradient } = require(${JSON.stringify(path.join(root, 'test/emulators/index.js'))});
		let text = '';
		process.stdin.on('data', (chunk) => (text += chunk));
		process.stdin.on('end', async () => {
			const g = await startGradient(JSON.parse(text));
			process.stdout.write(JSON.stringify({ url: g.url, vendorApiKey: g.vendorApiKey, partnerApiKey: g.partnerApiKey }) + '\\n');
			process.on('SIGTERM', () => g.close().then(() => process.exit(0)));
		});`;
	const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
	child.stdin.end(JSON.stringify(options));
	const info = await new Promise((resolve, reject) => {
		let text = '';
		child.stdout.on('data', (chunk) => {
			text += chunk;
			if (text.includes('\n')) resolve(JSON.parse(text.slice(0, text.indexOf('\n'))));
		});
		child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
	});
	const admin = async (route) => await (await fetch(`${info.url}${route}`)).json();
	return {
		...info,
		state: async () => await admin('/__state'),
		stats: async () => await admin('/__stats'),
		log: async () => await admin('/__log'),
		close: async () => {
			child.kill('SIGTERM');
			await new Promise((resolve) => child.once('exit', resolve));
		},
	};
}

const args = parseArgs(process.argv.slice(2));
const out = compiledNode(root, 'GradientPushBillable');
const { GradientPushBillable } = require(
	path.join(out, 'nodes/GradientPushBillable/GradientPushBillable.node.js'),
);
const { GradientApi } = require(path.join(out, 'credentials/GradientApi.credentials.js'));

// One account per customer, two services each: pairs / 2 customers, all mapped.
const customers = Math.ceil(args.pairs / PRODUCTS.length);
const accounts = Array.from({ length: customers }, (_, i) => ({
	id: String(i + 1),
	name: `Customer ${i + 1}`,
}));
const faults = { latencyMs: args.latency, seed: args.seed };
if (args.errorRate) faults.errorRate = args.errorRate;
if (args.resetRate) faults.resetRate = args.resetRate;
if (args.storm) {
	const [every, length] = String(args.storm).split(':').map(Number);
	faults.storm = { every, length, retryAfter: null };
}
// The emulator runs in its own process, as Gradient does: its clock and event loop are its own,
// so what it counts per second is what the node sent, not this process's timer hiccups.
const g = await startChildGradient({
	services: PRODUCTS,
	accounts,
	psaClients: accounts.map((a) => a.name),
	ratePerSecond: args.limit,
	faults,
	logHeaders: false,
});
const serviceIds = Object.fromEntries((await g.state()).vendor.skus.map((s) => [s.name, s.id]));

const items = [];
for (let c = 1; items.length < args.pairs; c++) {
	for (const product of PRODUCTS) {
		if (items.length >= args.pairs) break;
		items.push({
			customerId: String(c),
			customerName: `Customer ${c}`,
			product,
			count: (c % 97) + 1,
			gradientAccountId: String(c),
			gradientServiceId: serviceIds[product],
		});
	}
}
const walk = {
	id: 'bench',
	complete: true,
	customers: 'all',
	products: 'all',
	items: items.length,
};
for (const item of items) item.walk = walk;

const options = {};
if (args.rate) options.requestsPerSecond = args.rate;
if (args.concurrency) options.concurrency = args.concurrency;
console.log(
	`Pushing ${items.length} pairs, latency ${args.latency} ms, Gradient limit ${args.limit}/s, ` +
		`${args.rate ?? 'default'} req/s, concurrency ${args.concurrency ?? 'default'}` +
		`${args.errorRate || args.resetRate || args.storm ? `, faults ${JSON.stringify(faults)}` : ''} ...`,
);
const started = performance.now();
let result;
try {
	result = await runChain({
		nodes: [
			{
				name: NODE,
				type: TYPE,
				parameters: { options },
				credentials: { gradientApi: { id: 'grCredBench00001', name: 'Gradient' } },
			},
		],
		nodeTypes: { [TYPE]: new GradientPushBillable() },
		credentialTypes: [new GradientApi()],
		credentials: {
			gradientApi: { vendorApiKey: g.vendorApiKey, partnerApiKey: g.partnerApiKey, baseUrl: g.url },
		},
		startItems: items,
	});
} catch (error) {
	await g.close();
	throw error;
}
const [state, stats, log] = [await g.state(), await g.stats(), await g.log()];
await g.close();
const seconds = (performance.now() - started) / 1000;
if (result.error) {
	console.error(`The push failed: ${result.error.message}`);
	process.exit(1);
}

const pushed = result.output(NODE, 0);
const notMapped = result.output(NODE, 1);
const failed = result.output(NODE, 2);
const held = result.output(NODE, 3);
const reported = new Set(
	[...notMapped, ...failed, ...held].map(
		(i) => `${i.json.gradientAccountId}|${i.json.gradientServiceId}`,
	),
);
let lost = 0;
for (const item of items) {
	const key = `${item.gradientAccountId}|${item.gradientServiceId}`;
	if (state.counts[key]?.unitCount === item.count) continue;
	if (!reported.has(key)) lost++;
}
const countCalls = log.filter((e) => e.method === 'POST').map((e) => e.at);
const span = (countCalls[countCalls.length - 1] - countCalls[0]) / 1000;
const requests = stats.requests;
// Every request beyond one per pair, the organization read and the one rebuild is a retry.
const retries = requests - items.length - 2;

console.log(
	`requests       ${requests} (${countCalls.length} count pushes incl. the rebuild, 1 organization read)`,
);
console.log(
	`wall time      ${seconds.toFixed(1)} s (node run incl. engine), pushes spanned ${span.toFixed(1)} s`,
);
console.log(
	`req/s          ${(countCalls.length / span).toFixed(1)} over the push span, ${(requests / seconds).toFixed(1)} over the wall time`,
);
console.log(`busiest second ${stats.maxInAnySecond} requests (limit ${args.limit})`);
console.log(`429s seen      ${stats.tooManyRequests}`);
console.log(`retries        ${retries}`);
console.log(`builds         ${state.builds}`);
console.log(
	`outputs        pushed ${pushed.length}, not mapped ${notMapped.length}, failed ${failed.length}, held ${held.length}`,
);
console.log(`pairs lost     ${lost}`);
for (const hint of result.hints(NODE)) console.log(`hint           ${hint.message}`);
process.exit(lost === 0 ? 0 : 1);
