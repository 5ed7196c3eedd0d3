#!/usr/bin/env node
// `npm run bench:walk`: runs the compiled Mailprotector Get Counts node through n8n-core's
// WorkflowExecute against the Mailprotector emulator (2,000 customers, 30 ms latency by
// default) and prints the calls it made, the minimum, the wall time and calls per second.
// Flags: --customers N (2000) --latency MS (30) --rate R (node default) --concurrency C
//        --rule billableUsers|groupUserCount|billableUsersPlusAliases --include-zero --seed S (1)
import path from 'node:path';

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { compiledNode } from './lib/compiled.mjs';
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

const args = parseArgs(process.argv.slice(2));
const out = compiledNode(root, 'MailprotectorGetCounts');
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
