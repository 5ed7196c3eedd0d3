#!/usr/bin/env node
// `npm run bench:walk`: runs the compiled Mailprotector Get Counts node through n8n-core's
// WorkflowExecute against the Mailprotector emulator (2,000 customers, 30 ms latency by
// default) and prints the calls it made, the minimum, the wall time and calls per second.
// Flags: --customers N (2000) --latency MS (30) --rate R (node default) --concurrency C
//        --rule billableUsers|groupUserCount|billableUsersPlusAliases --include-zero --seed S (1)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { runChain } from './lib/engine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const {
	startMailprotector,
	makeDataset,
	minimumCalls,
	expectedCounts,
} = require('./test/emulators/index.js');

function parseArgs(argv) {
	const out = { customers: 2000, latency: 30, seed: 1, rule: 'billableUsers', includeZero: false };
	for (let i = 0; i < argv.length; i++) {
		let [flag, value] = argv[i].split('=');
		if (flag === '--include-zero') {
			out.includeZero = true;
			continue;
		}
		value ??= argv[++i];
		const key = {
			'--customers': 'customers',
			'--latency': 'latency',
			'--rate': 'rate',
			'--concurrency': 'concurrency',
			'--seed': 'seed',
			'--rule': 'rule',
		}[flag];
		if (!key) {
			console.error(`unknown flag ${flag}; see the head of bench/walk.mjs`);
			process.exit(2);
		}
		out[key] = key === 'rule' ? value : Number(value);
	}
	return out;
}

/** The newest mtime of the .ts files this node is built from (other nodes do not matter). */
function newestSource() {
	let newest = 0;
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(p);
			else if (p.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
		}
	};
	walk(path.join(root, 'nodes/MailprotectorGetCounts'));
	walk(path.join(root, 'nodes/shared'));
	walk(path.join(root, 'credentials'));
	return newest;
}

/** dist/ when it is current; else `n8n-node build`; if that fails, tsc into a scratch folder. */
function compiled() {
	const rel = 'nodes/MailprotectorGetCounts/MailprotectorGetCounts.node.js';
	const dist = path.join(root, 'dist');
	const built = path.join(dist, rel);
	if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newestSource()) return dist;
	console.log('dist/ is missing or older than the sources: running n8n-node build ...');
	const build = spawnSync('npx', ['n8n-node', 'build'], { cwd: root, encoding: 'utf8' });
	if (build.status !== 0) console.log(build.stdout, build.stderr);
	if (build.status === 0 && fs.existsSync(built)) return dist;
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-walk-'));
	console.log(`n8n-node build failed; compiling with tsc into ${scratch}`);
	spawnSync(
		'npx',
		[
			'tsc',
			'-p',
			'tsconfig.json',
			'--outDir',
			scratch,
			'--incremental',
			'false',
			'--declaration',
			'false',
		],
		{ cwd: root, stdio: 'inherit' },
	);
	if (!fs.existsSync(path.join(scratch, rel))) throw new Error('could not compile the node');
	return scratch;
}

const args = parseArgs(process.argv.slice(2));
const out = compiled();
const { MailprotectorGetCounts } = require(
	path.join(out, 'nodes/MailprotectorGetCounts/MailprotectorGetCounts.node.js'),
);
const { MailprotectorApi } = require(path.join(out, 'credentials/MailprotectorApi.credentials.js'));

const dataset = makeDataset({ customers: args.customers, seed: args.seed });
const minimum = minimumCalls(dataset);
const mp = await startMailprotector({ dataset, faults: { latencyMs: args.latency } });
const options = { includeZero: args.includeZero };
if (args.rate) options.requestsPerSecond = args.rate;
if (args.concurrency) options.concurrency = args.concurrency;
const type = 'n8n-nodes-mailprotector-gradient.mailprotectorGetCounts';

console.log(
	`Walking ${args.customers} customers (${minimum.sizes.domains} domains, ${minimum.sizes.userGroups} user groups, ${minimum.sizes.users} users), ` +
		`latency ${args.latency} ms, rule ${args.rule}${args.includeZero ? ', zero counts' : ''}, ${args.rate ?? 'default'} req/s ...`,
);
const started = performance.now();
let result;
try {
	result = await runChain({
		nodes: [
			{
				name: 'Get Counts',
				type,
				parameters: { rule: args.rule, options },
				credentials: { mailprotectorApi: { id: 'mpCredBench00001', name: 'Mailprotector' } },
			},
		],
		nodeTypes: { [type]: new MailprotectorGetCounts() },
		credentialTypes: [new MailprotectorApi()],
		credentials: {
			mailprotectorApi: { apiKey: mp.apiKey, resellerId: String(mp.resellerId), baseUrl: mp.url },
		},
	});
} finally {
	await mp.close();
}
const seconds = (performance.now() - started) / 1000;
if (result.error) {
	console.error(`The walk failed: ${result.error.message}`);
	process.exit(1);
}
const items = result.output('Get Counts');
const want = expectedCounts(dataset, { rule: args.rule, includeZero: args.includeZero });
const same =
	items.length === want.length &&
	items.every(
		(item, i) =>
			item.json.customerId === want[i].customerId &&
			item.json.product === want[i].product &&
			item.json.count === want[i].count,
	);
const calls = mp.stats.requests;
const stamp = items[0]?.json.walk ?? {};

console.log(`calls          ${calls} (walk stamp: ${stamp.calls}, complete: ${stamp.complete})`);
console.log(
	`minimum        ${minimum.total} (${Object.entries(minimum.breakdown)
		.map(([k, v]) => `${k} ${v}`)
		.join(', ')})`,
);
console.log(`calls/minimum  ${(calls / minimum.total).toFixed(3)}`);
console.log(`wall time      ${seconds.toFixed(1)} s`);
console.log(
	`calls/second   ${(calls / seconds).toFixed(1)} (busiest second: ${mp.stats.maxInAnySecond})`,
);
console.log(
	`items          ${items.length}, ${same ? 'equal to' : 'DIFFERENT FROM'} the oracle's counts`,
);
for (const hint of result.hints('Get Counts')) console.log(`hint           ${hint.message}`);
process.exit(same ? 0 : 1);
