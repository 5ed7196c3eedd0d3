#!/usr/bin/env node
// `npm run bench`: the whole sync in a real n8n 2.41.1 (Node 24, SQLite), this package packed
// and installed into <userFolder>/.n8n/nodes as users install it, both API emulators on
// 127.0.0.1 in their own processes (30 ms latency, Gradient's 100 requests/s limit).
//
// Per size (200 and 2,000 customers by default):
//   chain   Manual Trigger -> Get Counts -> Assign Customer -> Map Service -> Push Billable, all
//           at their defaults (bench/workflows/chain.workflow.json), run with `n8n execute`:
//           Mailprotector calls and walk time, Gradient requests/s during the push and its
//           ratio to the 100/s ceiling, 429s, pairs lost (the oracle's pairs whose count is not
//           in the Gradient emulator afterwards), execution time, peak memory of the process.
//   stock   the same pairs pushed by stock n8n (Code node -> HTTP Request with batching 90 per
//           1000 ms, Retry On Fail 3 x 1000 ms, Header Auth), into a fresh Gradient emulator
//           (bench/workflows/stock-http.workflow.json): push time, 429s, pairs lost.
// Once: the empty workflow (Manual Trigger only) for n8n's own peak memory.
// Writes the figures into bench/RESULTS.md between the bench markers (notes outside are kept).
//
// Heap ceiling: the largest size runs a second time, and the empty workflow too, with
// NODE_OPTIONS=--max-old-space-size=<MB> (the README's setting for large resellers), since V8's
// default lets old space grow to several times the live set before it collects.
//
// Scale: the chain at 2,000 and 5,000 customers on one instance (the 2,000 run of the sizes
// above is reused): execution time and peak memory side by side, per 1,000 pairs (linear?).
// Queue: the 2,000-customer chain on a queue-mode worker (Redis, Postgres, a main and one
// `n8n worker`; runs started by a webhook): push rate, 429s, pairs lost, and the worker's peak
// memory against the empty workflow on the same worker (bench/lib/queueRun.mjs).
//
// Flags: --parts chain,scale,queue (which parts; default all three; e.g. --parts queue alone)
//        --scale-sizes 2000,5000  --queue-size 2000
//        --queue-memory dataTable|staticData (the queue chain's Billing Memory; default dataTable)
//        --sizes 200,2000  --latency MS (30)  --seed S (1)  --no-stock  --no-write
//        --heap-cap MB (384; 0 = no second run)
//        --dump DIR (keep each run's printed JSON, stderr and RSS timeline there, for profiling)
//        --node-args "..." (flags for the node running n8n execute, e.g. --trace-gc; figures then differ)
// Env: MPG_RUNTIME_DIR (see test/e2e/runtime.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { N8N_VERSION, ensureRuntime } from '../test/e2e/runtime.mjs';
import { N8n, installPackage, makeUserFolder, removeFolder } from '../test/e2e/n8n.mjs';
import { startChildEmulator } from './lib/emulators.mjs';
import { executeMeasured, peakBetween, running } from './lib/execute.mjs';
import { lostPairs, pushRate } from './lib/gradientLog.mjs';
import { runChainOnWorker } from './lib/queueRun.mjs';
import { machine } from './lib/machine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const {
	makeDataset,
	expectedCounts,
	minimumCalls,
	gradientToken,
} = require('./test/emulators/index.js');

const LIMIT = 100; // Gradient's documented ceiling, requests per second
const IDS = { chain: 'mpgBenchChain001', empty: 'mpgBenchEmpty001', stock: 'mpgBenchStockHt1' };
const CRED = { mp: 'mpgBenchMpCred01', gradient: 'mpgBenchGrCred01', header: 'mpgBenchHdrAuth1' };
const NODES = {
	walk: 'Mailprotector Get Counts',
	assign: 'Gradient Assign Customer',
	map: 'Gradient Map Service',
	push: 'Gradient Push Billable',
	stockPush: 'Push Counts',
	stockPairs: 'Pairs',
};

function parseArgs(argv) {
	const out = {
		parts: ['chain', 'scale', 'queue'],
		sizes: [200, 2000],
		scaleSizes: [2000, 5000],
		queueSize: 2000,
		queueMemory: 'dataTable',
		latency: 30,
		seed: 1,
		stock: true,
		write: true,
		heapCap: 384,
	};
	for (let i = 0; i < argv.length; i++) {
		let [flag, value] = argv[i].split('=');
		if (flag === '--no-stock') {
			out.stock = false;
			continue;
		}
		if (flag === '--no-write') {
			out.write = false;
			continue;
		}
		value ??= argv[++i];
		if (flag === '--sizes') out.sizes = value.split(',').map(Number);
		else if (flag === '--parts') out.parts = value.split(',');
		else if (flag === '--scale-sizes') out.scaleSizes = value.split(',').map(Number);
		else if (flag === '--queue-size') out.queueSize = Number(value);
		else if (flag === '--queue-memory') out.queueMemory = value;
		else if (flag === '--latency') out.latency = Number(value);
		else if (flag === '--seed') out.seed = Number(value);
		else if (flag === '--dump') out.dump = path.resolve(value);
		else if (flag === '--heap-cap') out.heapCap = Number(value);
		else if (flag === '--node-args') out.nodeArgs = value.split(/\s+/).filter(Boolean);
		else {
			console.error(`unknown flag ${flag}; see the head of bench/chain.mjs`);
			process.exit(2);
		}
	}
	const unknown = out.parts.filter((p) => !['chain', 'scale', 'queue'].includes(p));
	if (unknown.length) {
		console.error(`unknown part ${unknown.join(', ')}: --parts takes chain, scale, queue`);
		process.exit(2);
	}
	return out;
}

const args = parseArgs(process.argv.slice(2));
const has = (part) => args.parts.includes(part);
const started = Date.now();
const log = (line) => console.log(line);
const mb = (kb) => kb / 1024;
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : '-');
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

// ---------------------------------------------------------------------------------------------
// Cleanup: emulators and n8n processes stopped by PID, the user folder removed, on any exit.

const live = new Set();
const deferred = [];
let userFolder;
let cleaning;
async function cleanup() {
	cleaning ??= (async () => {
		// The queue part's processes (worker, main, Redis, Postgres), newest first, by PID.
		while (deferred.length) await Promise.resolve(deferred.pop()()).catch(() => {});
		for (const pid of running) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		await Promise.all([...live].map((e) => e.close().catch(() => {})));
		live.clear();
		removeFolder(userFolder);
	})();
	return await cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, () => {
		log(`\n${sig}: stopping the emulators and n8n, removing ${userFolder ?? 'nothing'}`);
		cleanup().finally(() => process.exit(130));
	});
}

async function emulator(kind, options) {
	const e = await startChildEmulator(kind, options);
	live.add(e);
	return {
		...e,
		close: async () => {
			live.delete(e);
			await e.close();
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Reading a run

function task(run, node) {
	return run?.data?.resultData?.runData?.[node]?.[0];
}
function items(run, node, output = 0) {
	return task(run, node)?.data?.main?.[output] ?? [];
}
function hints(run, node) {
	return (task(run, node)?.hints ?? []).map((h) => h.message);
}
function runSpan(run) {
	const a = Date.parse(run?.startedAt);
	const b = Date.parse(run?.stoppedAt);
	return { from: a, to: b, ms: b - a };
}

function memoryOf(r) {
	const span = runSpan(r.run);
	// Peak RSS while each node ran (from its startTime and executionTime in the run data).
	const perNode = {};
	for (const [name, tasks] of Object.entries(r.run?.data?.resultData?.runData ?? {})) {
		const t = tasks[0];
		if (t?.startTime)
			perNode[name] = mb(peakBetween(r.timeline, t.startTime, t.startTime + t.executionTime));
	}
	return {
		perNode,
		peakMb: mb(r.peakKb),
		treeMb: mb(r.treePeakKb),
		processes: Object.keys(r.perProcessPeakKb).length,
		// RSS samples: when the workflow started, its peak while running, the peak after it
		// (saving the execution, printing the run as JSON).
		atStartMb: mb(r.timeline.find((s) => s.t >= span.from)?.kb ?? 0),
		duringMb: mb(peakBetween(r.timeline, span.from, span.to)),
		afterMb: mb(peakBetween(r.timeline, span.to + 1, Infinity)),
		outputMb: Buffer.byteLength(r.stdout) / 2 ** 20,
	};
}

function dump(name, r) {
	if (!args.dump) return;
	fs.mkdirSync(args.dump, { recursive: true });
	fs.writeFileSync(path.join(args.dump, `${name}.stdout.json`), r.stdout);
	fs.writeFileSync(path.join(args.dump, `${name}.stderr.txt`), r.stderr);
	fs.writeFileSync(path.join(args.dump, `${name}.timeline.json`), JSON.stringify(r.timeline));
}

function failText(r) {
	const err = r.run?.data?.resultData?.error;
	return err
		? `${err.message}${err.description ? ` (${err.description})` : ''}`
		: r.stderr.slice(-1500);
}

// ---------------------------------------------------------------------------------------------

const host = machine();
const execEnv = args.nodeArgs ?? [];
const results = { sizes: [] };
let exitCode = 0;

try {
	log(
		`bench: ${host.nproc} cores, ${f1(host.memoryGiB)} GiB, ${host.cpu}; load ${host.load.map(f2).join(' ')}`,
	);
	const runtime = await ensureRuntime({ log, services: has('queue') });
	const nodeVersion = spawnSync(runtime.nodeBin, ['-v'], { encoding: 'utf8' }).stdout.trim();
	userFolder = makeUserFolder('mpg-bench-');
	installPackage(userFolder, { log });
	const n8n = new N8n({ runtime, userFolder, log });

	// Credentials point at the emulators' ports, which are new for every size (port 0: a port
	// picked in advance can be taken by someone else before the emulator listens).
	const credentialList = (mpUrl, grUrl) => [
		{
			id: CRED.mp,
			name: 'Bench Mailprotector',
			type: 'mailprotectorApi',
			data: { apiKey: 'mp-test-key', resellerId: '1', baseUrl: mpUrl },
		},
		{
			id: CRED.gradient,
			name: 'Bench Gradient',
			type: 'gradientApi',
			data: { vendorApiKey: 'vk-test', partnerApiKey: 'pk-test', baseUrl: grUrl },
		},
		{
			id: CRED.header,
			name: 'Bench Gradient token',
			type: 'httpHeaderAuth',
			data: { name: 'GRADIENT-TOKEN', value: gradientToken('vk-test', 'pk-test') },
		},
	];
	const importCredentials = async (mpUrl, grUrl) =>
		await n8n.importCredentials(credentialList(mpUrl, grUrl));
	const wf = (name) => readJson(path.join(root, 'bench', 'workflows', `${name}.workflow.json`));
	await n8n.importWorkflow([wf('chain'), wf('empty')]);

	const faults = { latencyMs: args.latency, seed: args.seed };

	/**
	 * Our chain at one size against fresh emulators (every customer's name is a PSA client, so
	 * every account maps and every pair must land). `env` goes to `n8n execute` (the heap ceiling).
	 */
	async function runChain(customers, names, env = {}) {
		const mp = await emulator('mailprotector', {
			customers,
			seed: args.seed,
			faults,
			logHeaders: false,
		});
		const gr = await emulator('gradient', {
			seed: args.seed,
			psaClients: names,
			ratePerSecond: LIMIT,
			faults,
			logHeaders: false,
		});
		await importCredentials(mp.url, gr.url);
		const r = await executeMeasured(n8n, IDS.chain, { nodeArgs: execEnv, env });
		const out = {
			r,
			mpStats: await mp.stats(),
			grStats: await gr.stats(),
			grLog: await gr.log(),
			grState: await gr.state(),
		};
		await mp.close();
		await gr.close();
		return out;
	}

	// n8n alone: the same install running a workflow with nothing but its trigger.
	if (has('chain') || has('scale')) {
		const r = await executeMeasured(n8n, IDS.empty, { nodeArgs: execEnv });
		dump('empty', r);
		if (r.status !== 'success') throw new Error(`the empty workflow failed: ${failText(r)}`);
		results.empty = { ...memoryOf(r), wallS: r.ms / 1000 };
		log(
			`empty workflow: peak ${f0(results.empty.peakMb)} MB (process tree ${f0(results.empty.treeMb)} MB), ${f1(results.empty.wallS)} s`,
		);
	}

	const capEnv = { NODE_OPTIONS: `--max-old-space-size=${args.heapCap}` };
	if (args.heapCap > 0 && has('chain')) {
		const r = await executeMeasured(n8n, IDS.empty, { nodeArgs: execEnv, env: capEnv });
		if (r.status !== 'success') throw new Error(`the empty workflow failed: ${failText(r)}`);
		results.emptyCapped = memoryOf(r);
		log(`empty workflow, ${capEnv.NODE_OPTIONS}: peak ${f0(results.emptyCapped.peakMb)} MB`);
	}

	for (const customers of has('chain') ? args.sizes : []) {
		log(`\n=== ${customers} customers, ${args.latency} ms latency, Gradient limit ${LIMIT}/s ===`);
		const dataset = makeDataset({ customers, seed: args.seed });
		const want = expectedCounts(dataset);
		const minimum = minimumCalls(dataset).total;
		const names = dataset.customers.map((c) => c.name);
		const products = [...new Set(want.map((p) => p.product))];
		const size = { customers, pairs: want.length, products: products.length, minimum };

		// --- our chain
		log(
			`chain: ${want.length} pairs expected (${products.length} products), running n8n execute ...`,
		);
		const { r, mpStats, grStats, grLog, grState } = await runChain(customers, names);
		dump(`chain-${customers}`, r);
		if (args.dump)
			fs.writeFileSync(
				path.join(args.dump, `chain-${customers}.gradient-log.json`),
				JSON.stringify(grLog),
			);
		if (r.status !== 'success') {
			exitCode = 1;
			log(`chain FAILED (exit ${r.code}, status ${r.status}): ${failText(r)}`);
		}
		const lost = lostPairs(want, grState);
		const push = pushRate(grLog);
		const pushTask = task(r.run, NODES.push);
		const walkTask = task(r.run, NODES.walk);
		size.chain = {
			status: r.status ?? `exit ${r.code}`,
			mpCalls: mpStats.requests,
			mpTooMany: mpStats.tooManyRequests,
			walkS: walkTask?.executionTime / 1000,
			walkItems: items(r.run, NODES.walk).length,
			assignS: task(r.run, NODES.assign)?.executionTime / 1000,
			mapS: task(r.run, NODES.map)?.executionTime / 1000,
			pushS: pushTask?.executionTime / 1000,
			push,
			gradientRequests: grStats.requests,
			gradientBusiest: grStats.maxInAnySecond,
			tooMany: grStats.tooManyRequests,
			builds: grState.builds,
			outputs: [0, 1, 2, 3].map((i) => items(r.run, NODES.push, i).length),
			lost: lost.length,
			lostSample: lost.slice(0, 5),
			executionS: runSpan(r.run).ms / 1000,
			wallS: r.ms / 1000,
			memory: memoryOf(r),
			hints: Object.fromEntries(
				[NODES.walk, NODES.assign, NODES.map, NODES.push].map((n) => [n, hints(r.run, n)]),
			),
		};
		const c = size.chain;
		log(
			`  walk      ${c.mpCalls} Mailprotector calls (minimum ${minimum}, x${f2(c.mpCalls / minimum)}), ${f1(c.walkS)} s, ${c.walkItems} items`,
		);
		log(`  assign    ${f1(c.assignS)} s; map ${f1(c.mapS)} s`);
		log(
			`  push      ${push.requests} count requests in ${f1(push.spanS)} s = ${f1(push.rate)}/s = ${pct(push.rate / LIMIT)} of ${LIMIT}/s; node ${f1(c.pushS)} s; busiest second ${push.busiest} (whole run ${c.gradientBusiest})`,
		);
		log(
			`  pacing    longest silence between count requests ${f0(push.longestGapMs)} ms; bursts (6+ within 20 ms) ${push.bursts}`,
		);
		log(
			`  429s      ${c.tooMany}; outputs pushed/not mapped/failed/held ${c.outputs.join('/')}; rebuilds ${c.builds}`,
		);
		log(
			`  lost      ${c.lost} of ${want.length} pairs${c.lost ? ` e.g. ${JSON.stringify(c.lostSample)}` : ''}`,
		);
		log(`  time      execution ${f1(c.executionS)} s, n8n execute wall ${f1(c.wallS)} s`);
		log(
			`  memory    peak ${f0(c.memory.peakMb)} MB (empty ${f0(results.empty.peakMb)} MB, +${f0(c.memory.peakMb - results.empty.peakMb)} MB); tree ${f0(c.memory.treeMb)} MB; ` +
				`RSS at start ${f0(c.memory.atStartMb)}, while running ${f0(c.memory.duringMb)}, after (save + print ${f1(c.memory.outputMb)} MB JSON) ${f0(c.memory.afterMb)} MB`,
		);
		log(
			`  memory    peak RSS while each node ran: ${Object.entries(c.memory.perNode)
				.map(([n, v]) => `${n} ${f0(v)}`)
				.join(', ')} MB`,
		);
		for (const [node, list] of Object.entries(c.hints))
			for (const h of list) log(`  hint      ${node}: ${h}`);

		// --- the same chain under the heap ceiling (largest size only)
		if (args.heapCap > 0 && customers === Math.max(...args.sizes)) {
			log(`chain again with ${capEnv.NODE_OPTIONS} ...`);
			const k = await runChain(customers, names, capEnv);
			dump(`chain-${customers}-capped`, k.r);
			const kPush = pushRate(k.grLog);
			size.capped = {
				status: k.r.status ?? `exit ${k.r.code}`,
				lost: lostPairs(want, k.grState).length,
				push: kPush,
				tooMany: k.grStats.tooManyRequests,
				executionS: runSpan(k.r.run).ms / 1000,
				memory: memoryOf(k.r),
			};
			const m = size.capped.memory;
			log(
				`  capped    ${size.capped.status}; push ${f1(kPush.rate)}/s, 429s ${size.capped.tooMany}, lost ${size.capped.lost}; execution ${f1(size.capped.executionS)} s`,
			);
			log(
				`  capped    memory peak ${f0(m.peakMb)} MB (empty ${f0(results.emptyCapped.peakMb)} MB, +${f0(m.peakMb - results.emptyCapped.peakMb)} MB); ` +
					`RSS at start ${f0(m.atStartMb)}, while running ${f0(m.duringMb)}, after (save + print) ${f0(m.afterMb)} MB`,
			);
			if (size.capped.status !== 'success') exitCode = 1;
		}

		// --- stock n8n: the same pairs with the HTTP Request node
		if (args.stock) {
			const accounts = dataset.customers.map((x) => ({ id: String(x.id), name: x.name }));
			const gs = await emulator('gradient', {
				seed: args.seed,
				psaClients: names,
				services: products,
				accounts,
				ratePerSecond: LIMIT,
				faults,
				logHeaders: false,
			});
			const skus = new Map((await gs.state()).vendor.skus.map((s) => [s.name, s.id]));
			const pairs = want.map((p) => ({
				gradientAccountId: p.customerId,
				gradientServiceId: skus.get(p.product),
				count: p.count,
			}));
			const stock = wf('stock-http');
			for (const node of stock.nodes) {
				if (node.name === NODES.stockPairs)
					node.parameters.jsCode = node.parameters.jsCode.replace(
						'/*PAIRS*/[]',
						JSON.stringify(pairs),
					);
				if (node.name === NODES.stockPush)
					node.parameters.url = node.parameters.url.replace('GRADIENT_BASE_URL', gs.url);
			}
			await n8n.importWorkflow(stock);
			log(`stock: HTTP Request, batches of 90 every 1000 ms, Retry On Fail 3 x 1000 ms ...`);
			const s = await executeMeasured(n8n, IDS.stock, { nodeArgs: execEnv });
			dump(`stock-${customers}`, s);
			const [sStats, sLog, sState] = [await gs.stats(), await gs.log(), await gs.state()];
			await gs.close();
			const sPush = pushRate(sLog);
			const sLost = lostPairs(want, sState);
			const sTask = task(s.run, NODES.stockPush);
			size.stock = {
				status: s.status ?? `exit ${s.code}`,
				error: s.status === 'success' ? undefined : failText(s).slice(0, 300),
				pushS: sTask?.executionTime / 1000,
				push: sPush,
				tooMany: sStats.tooManyRequests,
				busiest: sStats.maxInAnySecond,
				lost: sLost.length,
				executionS: runSpan(s.run).ms / 1000,
				memory: memoryOf(s),
			};
			const st = size.stock;
			st.ratio = st.pushS / c.pushS;
			st.spanRatio = sPush.spanS / push.spanS;
			log(
				`  stock     ${st.status}; node ${f1(st.pushS)} s, ${sPush.requests} count requests in ${f1(sPush.spanS)} s = ${f1(sPush.rate)}/s; busiest second ${sPush.busiest}`,
			);
			log(
				`  stock     429s ${st.tooMany}, lost ${st.lost} of ${want.length}; push time stock/ours ${f2(st.ratio)}x (request span ${f2(st.spanRatio)}x)`,
			);
			log(
				`  stock     memory peak ${f0(st.memory.peakMb)} MB (+${f0(st.memory.peakMb - results.empty.peakMb)} MB over empty); RSS at start ${f0(st.memory.atStartMb)}, while running ${f0(st.memory.duringMb)}, after (save + print ${f1(st.memory.outputMb)} MB JSON) ${f0(st.memory.afterMb)} MB`,
			);
			if (st.error) log(`  stock     error: ${st.error}`);
		}
		results.sizes.push(size);
	}

	// --- scale: the chain at the scale sizes on one instance (the sizes' runs reused)
	if (has('scale')) {
		results.scale = [];
		for (const customers of args.scaleSizes) {
			const done = results.sizes.find((s) => s.customers === customers);
			let row;
			if (done) {
				const c = done.chain;
				row = { customers, pairs: done.pairs, status: c.status, lost: c.lost, rate: c.push.rate };
				Object.assign(row, {
					walkS: c.walkS,
					pushS: c.pushS,
					executionS: c.executionS,
					wallS: c.wallS,
					memory: c.memory,
				});
			} else {
				log(`\n=== scale: ${customers} customers, chain on one instance ===`);
				const dataset = makeDataset({ customers, seed: args.seed });
				const want = expectedCounts(dataset);
				const k = await runChain(
					customers,
					dataset.customers.map((x) => x.name),
				);
				dump(`chain-${customers}`, k.r);
				row = {
					customers,
					pairs: want.length,
					status: k.r.status ?? `exit ${k.r.code}`,
					lost: lostPairs(want, k.grState).length,
					rate: pushRate(k.grLog).rate,
					walkS: task(k.r.run, NODES.walk)?.executionTime / 1000,
					pushS: task(k.r.run, NODES.push)?.executionTime / 1000,
					executionS: runSpan(k.r.run).ms / 1000,
					wallS: k.r.ms / 1000,
					memory: memoryOf(k.r),
				};
				if (row.status !== 'success') {
					exitCode = 1;
					log(`  FAILED: ${failText(k.r)}`);
				}
			}
			row.overEmptyMb = row.memory.peakMb - results.empty.peakMb;
			results.scale.push(row);
			log(
				`  scale     ${customers} customers (${row.pairs} pairs): ${row.status}, execution ${f1(row.executionS)} s ` +
					`(walk ${f1(row.walkS)} s, push ${f1(row.pushS)} s), peak ${f0(row.memory.peakMb)} MB = empty + ${f0(row.overEmptyMb)} MB, lost ${row.lost}`,
			);
		}
	}

	// --- queue: the chain on a queue-mode worker
	if (has('queue')) {
		log(`\n=== queue mode: ${args.queueSize} customers on an n8n worker ===`);
		results.queue = await runChainOnWorker({
			runtime,
			customers: args.queueSize,
			seed: args.seed,
			limit: LIMIT,
			faults,
			log,
			emulator,
			defer: (fn) => deferred.push(fn),
			credentials: credentialList,
			workflows: { chain: wf('chain'), empty: wf('empty') },
			ids: IDS,
			memory: args.queueMemory,
		});
		while (deferred.length) await Promise.resolve(deferred.pop()()).catch(() => {});
		const qr = results.queue;
		if (qr.chain.status !== 'success') exitCode = 1;
		log(
			`  queue     chain ${qr.chain.status} on ${qr.chain.by.join(', ') || 'no worker'}: execution ${f1(qr.chain.executionS)} s; ` +
				`push ${qr.push.requests} count requests in ${f1(qr.push.spanS)} s = ${f1(qr.push.rate)}/s = ${pct(qr.push.rate / LIMIT)} of ${LIMIT}/s`,
		);
		log(`  queue     429s ${qr.tooMany}; lost ${qr.lost} of ${qr.pairs} pairs`);
		log(
			`  queue     worker peak ${f0(qr.chain.peaks.workerMb)} MB (empty workflow ${f0(qr.empty.peaks.workerMb)} MB, ` +
				`+${f0(qr.chain.peaks.workerMb - qr.empty.peaks.workerMb)} MB; idle ${f0(qr.idle.workerMb)} MB); with its task runner ${f0(qr.chain.peaks.treeMb)} MB`,
		);
	}

	results.meta = {
		date: new Date().toISOString(),
		host,
		nodeVersion,
		n8nVersion: N8N_VERSION,
		latency: args.latency,
		seed: args.seed,
		parts: args.parts,
		benchS: (Date.now() - started) / 1000,
	};
	log(`\nbench: done in ${f1(results.meta.benchS)} s`);
	const verdicts = targets(results);
	for (const v of verdicts) log(`${v.ok ? 'met   ' : 'MISSED'} ${v.text}`);
	if (args.write) {
		writeResults(results, verdicts);
		log('bench: figures written to bench/RESULTS.md');
	}
} catch (error) {
	exitCode = 1;
	console.error(error.stack ?? error);
} finally {
	await cleanup();
}
process.exit(exitCode);

// ---------------------------------------------------------------------------------------------

function targets(res) {
	const out = [];
	for (const s of res.sizes) {
		const c = s.chain;
		out.push({
			ok: c.push.rate / LIMIT >= 0.9,
			text: `${s.customers} customers: push sustains ${pct(c.push.rate / LIMIT)} of the ${LIMIT}/s ceiling (target >= 90 %)`,
		});
		out.push({
			ok: c.lost === 0,
			text: `${s.customers} customers: ${c.lost} pairs lost (target 0)`,
		});
		out.push({
			ok: c.mpCalls <= 1.2 * s.minimum,
			text: `${s.customers} customers: walk ${c.mpCalls} calls = x${f2(c.mpCalls / s.minimum)} of the minimum (target <= 1.2)`,
		});
		if (s.customers >= 2000) {
			const over = c.memory.peakMb - res.empty.peakMb;
			out.push({
				ok: over <= 150,
				text: `${s.customers} customers: peak memory ${f0(c.memory.peakMb)} MB = empty run + ${f0(over)} MB (target <= +150 MB)`,
			});
		}
		if (s.capped) {
			const over = s.capped.memory.peakMb - res.emptyCapped.peakMb;
			out.push({
				ok: over <= 150 && s.capped.lost === 0,
				text: `${s.customers} customers with --max-old-space-size=${args.heapCap}: peak memory ${f0(s.capped.memory.peakMb)} MB = empty run + ${f0(over)} MB (target <= +150 MB), ${s.capped.lost} pairs lost`,
			});
		}
	}
	if (res.queue) {
		const q = res.queue;
		out.push({
			ok: q.chain.status === 'success' && q.push.rate / LIMIT >= 0.9,
			text: `queue mode, ${q.customers} customers on a worker: push sustains ${pct(q.push.rate / LIMIT)} of the ${LIMIT}/s ceiling (target >= 90 %)`,
		});
		out.push({
			ok: q.chain.status === 'success' && q.lost === 0 && q.tooMany === 0,
			text: `queue mode, ${q.customers} customers on a worker: ${q.lost} pairs lost, ${q.tooMany} 429s (target 0)`,
		});
	}
	return out;
}

function header(m) {
	return [
		`Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` (bench/chain.mjs${m.parts.length < 3 ? ` --parts ${m.parts.join(',')}` : ''}) in ${f0(m.benchS)} s.`,
		'',
		`Machine: ${m.host.nproc} cores (nproc), ${f1(m.host.memoryGiB)} GiB memory, ${m.host.cpu}, ${m.host.kernel}; ` +
			`load average at start ${m.host.load.map(f2).join(' ')} (the machine is shared: read rates and ratios, not absolute times).`,
	];
}

/** Replaces the text between <!-- bench:<name>:begin ... --> and <!-- bench:<name>:end -->. */
function writeBlock(name, lines, heading) {
	const block = `<!-- bench:${name}:begin (generated by bench/chain.mjs; edit outside these markers) -->\n${lines.join('\n')}\n<!-- bench:${name}:end -->`;
	const file = path.join(root, 'bench', 'RESULTS.md');
	let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
	const re = new RegExp(`<!-- bench:${name}:begin[\\s\\S]*?<!-- bench:${name}:end -->`);
	if (re.test(text)) text = text.replace(re, block);
	else {
		// New blocks go before the notes.
		const at = text.indexOf('\n## Notes');
		const part = `\n## ${heading}\n\n${block}\n`;
		text = at < 0 ? `${text.trimEnd()}\n${part}` : text.slice(0, at) + part + text.slice(at);
	}
	fs.writeFileSync(file, text);
}

function writeScale(res) {
	const rows = res.scale;
	const base = rows[0];
	const lines = [
		...header(res.meta),
		`One instance (\`n8n execute\`, SQLite), the chain at its defaults, same emulators and latency as above. ` +
			`"per 1,000 pairs" divides by the oracle's pair count; "x" columns compare with ${base.customers} customers.`,
		'',
		'| customers | pairs | status, lost | execution | walk / push | per 1,000 pairs | peak memory (VmHWM) | over the empty run | over empty per 1,000 pairs |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	for (const r of rows) {
		const k = r.pairs / 1000;
		const x = (a, b) => (r === base ? '' : ` (x${f2(a / b)})`);
		lines.push(
			`| ${r.customers} | ${r.pairs}${x(r.pairs, base.pairs)} | ${r.status}, ${r.lost} lost | ${f1(r.executionS)} s${x(r.executionS, base.executionS)} | ` +
				`${f1(r.walkS)} s / ${f1(r.pushS)} s | ${f1(r.executionS / k)} s | ${f0(r.memory.peakMb)} MB | ` +
				`+${f0(r.overEmptyMb)} MB${x(r.overEmptyMb, base.overEmptyMb)} | ${f0(r.overEmptyMb / k)} MB |`,
		);
	}
	lines.push('', `Empty workflow on the same install: peak ${f0(res.empty.peakMb)} MB.`);
	writeBlock('scale', lines, 'Scale: the chain at growing sizes on one instance');
}

function writeQueue(res, verdicts) {
	const q = res.queue;
	const lines = [
		...header(res.meta),
		`Queue mode: n8n ${res.meta.n8nVersion} main (\`n8n start\`) and one \`n8n worker\` (--concurrency=1), ` +
			`Redis ${/v=(\S+)/.exec(q.versions['redis-server'] ?? '')?.[1] ?? '?'} and PostgreSQL ${/\) (\S+)/.exec(q.versions.postgres ?? '')?.[1] ?? '?'} from Debian's packages, ` +
			'all on this box; the bench chain and the empty workflow with a Webhook trigger instead of the Manual Trigger, ' +
			'published, each run started by a POST to the main. The worker ran the empty workflow first, then the chain; ' +
			'its VmHWM after each is its peak for that run. Same emulators and latency as above. ' +
			`Billing Memory of Assign Customer and Push Billable: ${q.memory === 'dataTable' ? "an n8n data table through the main's public API (the advice for queue mode)" : 'workflow static data'}.`,
		'',
		`| | ${q.customers} customers on a worker |`,
		'|---|---|',
		`| pairs expected (oracle) | ${q.pairs} |`,
		`| run status, executed by | ${q.chain.status}, ${q.chain.by.join(', ') || '-'} |`,
		`| Mailprotector calls | ${q.mpCalls} |`,
		`| push: count requests at Gradient | ${q.push.requests} in ${f1(q.push.spanS)} s |`,
		`| push rate / ratio to 100/s | **${f1(q.push.rate)}/s = ${pct(q.push.rate / LIMIT)}** |`,
		`| busiest sliding second / longest silence | ${q.push.busiest} / ${f0(q.push.longestGapMs)} ms |`,
		`| 429s | **${q.tooMany}** |`,
		`| pairs lost | **${q.lost}** |`,
		`| execution time (startedAt..stoppedAt) / webhook to finished | ${f1(q.chain.executionS)} s / ${f1(q.chain.wallS)} s |`,
		`| worker peak memory (VmHWM): idle / empty workflow / chain | ${f0(q.idle.workerMb)} / ${f0(q.empty.peaks.workerMb)} / **${f0(q.chain.peaks.workerMb)} MB** (**+${f0(q.chain.peaks.workerMb - q.empty.peaks.workerMb)} MB** over the empty workflow) |`,
		`| worker + its task runner (sum of VmHWM) after the chain | ${f0(q.chain.peaks.treeMb)} MB |`,
		'',
		...verdicts
			.filter((v) => v.text.startsWith('queue mode'))
			.map((v) => `- ${v.ok ? 'met' : '**missed**'}: ${v.text}`),
	];
	writeBlock('queue', lines, 'Queue mode: the chain on an n8n worker');
}

function writeResults(res, verdicts) {
	if (res.scale) writeScale(res);
	if (res.queue) writeQueue(res, verdicts);
	if (!res.sizes.length) return;
	const m = res.meta;
	const e = res.empty;
	const lines = [];
	lines.push(
		`Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` (bench/chain.mjs) in ${f0(m.benchS)} s.`,
		'',
		`Machine: ${m.host.nproc} cores (nproc), ${f1(m.host.memoryGiB)} GiB memory, ${m.host.cpu}, ${m.host.kernel}; ` +
			`load average at start ${m.host.load.map(f2).join(' ')} (the machine is shared: read rates and ratios, not absolute times).`,
		`Runtime: Node ${m.nodeVersion}, n8n ${m.n8nVersion} (\`n8n execute\`, SQLite), package installed from its npm pack tarball into <userFolder>/.n8n/nodes. ` +
			`Emulators in their own processes on 127.0.0.1, ${m.latency} ms latency on every answer, Gradient ${LIMIT} requests/s (sliding second, 429 above). Data set seed ${m.seed}.`,
		'',
		'### Our chain (Get Counts -> Assign Customer -> Map Service -> Push Billable, all defaults)',
		'',
		`| | ${res.sizes.map((s) => `${s.customers} customers`).join(' | ')} |`,
		`|---|${res.sizes.map(() => '---').join('|')}|`,
	);
	const row = (label, fn) => lines.push(`| ${label} | ${res.sizes.map(fn).join(' | ')} |`);
	row('pairs expected (oracle)', (s) => `${s.pairs} (${s.products} products)`);
	row('run status', (s) => s.chain.status);
	row(
		'Mailprotector calls (minimum)',
		(s) => `${s.chain.mpCalls} (${s.minimum}, x${f2(s.chain.mpCalls / s.minimum)})`,
	);
	row(
		'walk time (Get Counts node)',
		(s) => `${f1(s.chain.walkS)} s (${f0(s.chain.mpCalls / s.chain.walkS)} calls/s)`,
	);
	row('Assign Customer / Map Service', (s) => `${f1(s.chain.assignS)} s / ${f1(s.chain.mapS)} s`);
	row(
		'push: count requests at Gradient',
		(s) => `${s.chain.push.requests} in ${f1(s.chain.push.spanS)} s`,
	);
	row(
		'push rate / ratio to 100/s',
		(s) => `**${f1(s.chain.push.rate)}/s = ${pct(s.chain.push.rate / LIMIT)}**`,
	);
	row(
		'busiest sliding second (push / whole run)',
		(s) => `${s.chain.push.busiest} / ${s.chain.gradientBusiest}`,
	);
	row('429s', (s) => `**${s.chain.tooMany}**`);
	row(
		'longest silence / bursts (6+ in 20 ms)',
		(s) => `${f0(s.chain.push.longestGapMs)} ms / ${s.chain.push.bursts}`,
	);
	row('Push outputs pushed/not mapped/failed/held', (s) => s.chain.outputs.join('/'));
	row('pairs lost', (s) => `**${s.chain.lost}**`);
	row('push time (Push Billable node)', (s) => `${f1(s.chain.pushS)} s`);
	row('total execution time (startedAt..stoppedAt)', (s) => `${f1(s.chain.executionS)} s`);
	row('`n8n execute` wall time (incl. start, save, print)', (s) => `${f1(s.chain.wallS)} s`);
	row(
		'peak memory, process running the workflow (VmHWM)',
		(s) =>
			`**${f0(s.chain.memory.peakMb)} MB** (empty run ${f0(e.peakMb)} MB, **+${f0(s.chain.memory.peakMb - e.peakMb)} MB**)`,
	);
	row(
		'peak memory, process tree (sum of VmHWM)',
		(s) => `${f0(s.chain.memory.treeMb)} MB (empty ${f0(e.treeMb)} MB)`,
	);
	row(
		'RSS: workflow start / peak while running / peak after (save + print)',
		(s) =>
			`${f0(s.chain.memory.atStartMb)} / ${f0(s.chain.memory.duringMb)} / ${f0(s.chain.memory.afterMb)} MB`,
	);
	row(
		'peak RSS while Get Counts / Assign / Map / Push ran',
		(s) =>
			[NODES.walk, NODES.assign, NODES.map, NODES.push]
				.map((n) => f0(s.chain.memory.perNode[n]))
				.join(' / ') + ' MB',
	);
	row('run JSON printed by `execute --rawOutput`', (s) => `${f1(s.chain.memory.outputMb)} MB`);
	if (res.emptyCapped) {
		const ec = res.emptyCapped;
		const cap = (s, fn) => (s.capped ? fn(s.capped) : '-');
		row(
			`with NODE_OPTIONS=--max-old-space-size=${args.heapCap} (empty and chain): run status, lost`,
			(s) =>
				cap(
					s,
					(k) => `${k.status}, ${k.lost} lost, push ${pct(k.push.rate / LIMIT)}, ${k.tooMany} 429s`,
				),
		);
		row(`... peak memory (VmHWM)`, (s) =>
			cap(
				s,
				(k) =>
					`**${f0(k.memory.peakMb)} MB** (empty run ${f0(ec.peakMb)} MB, **+${f0(k.memory.peakMb - ec.peakMb)} MB**)`,
			),
		);
		row(`... RSS: workflow start / peak while running / peak after (save + print)`, (s) =>
			cap(
				s,
				(k) => `${f0(k.memory.atStartMb)} / ${f0(k.memory.duringMb)} / ${f0(k.memory.afterMb)} MB`,
			),
		);
	}
	if (res.sizes.some((s) => s.stock)) {
		lines.push(
			'',
			'### Stock n8n: the same pairs with the HTTP Request node',
			'',
			'Code node emitting the oracle pairs -> HTTP Request 4.2 (POST .../service/{id}/count?no_build=true, Header Auth GRADIENT-TOKEN, ' +
				'Batching 90 items per 1000 ms, Retry On Fail 3 tries 1000 ms apart), into a fresh Gradient emulator holding the accounts and services.',
			'',
			`| | ${res.sizes.map((s) => `${s.customers} customers`).join(' | ')} |`,
			`|---|${res.sizes.map(() => '---').join('|')}|`,
		);
		const srow = (label, fn) =>
			lines.push(`| ${label} | ${res.sizes.map((s) => (s.stock ? fn(s) : '-')).join(' | ')} |`);
		srow('run status', (s) => s.stock.status);
		srow('push time (HTTP Request node)', (s) => `${f1(s.stock.pushS)} s`);
		srow(
			'count requests at Gradient',
			(s) => `${s.stock.push.requests} in ${f1(s.stock.push.spanS)} s = ${f1(s.stock.push.rate)}/s`,
		);
		srow('busiest sliding second', (s) => `${s.stock.push.busiest}`);
		srow('429s', (s) => `**${s.stock.tooMany}**`);
		srow('pairs lost', (s) => `**${s.stock.lost}**`);
		srow('push time stock / ours (node time)', (s) => `**${f2(s.stock.ratio)}x**`);
		srow('request span stock / ours', (s) => `${f2(s.stock.spanRatio)}x`);
		srow('peak memory (VmHWM)', (s) => `${f0(s.stock.memory.peakMb)} MB`);
		const errors = res.sizes.filter((s) => s.stock?.error);
		for (const s of errors)
			lines.push(
				'',
				`Stock run at ${s.customers} customers ended with: \`${s.stock.error.replace(/`/g, "'")}\``,
			);
	}
	lines.push('', '### Targets', '');
	for (const v of verdicts.filter((x) => !x.text.startsWith('queue mode')))
		lines.push(`- ${v.ok ? 'met' : '**missed**'}: ${v.text}`);
	const block = `<!-- bench:chain:begin (generated by bench/chain.mjs; edit outside these markers) -->\n${lines.join('\n')}\n<!-- bench:chain:end -->`;
	const file = path.join(root, 'bench', 'RESULTS.md');
	let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	const re = /<!-- bench:chain:begin[\s\S]*?<!-- bench:chain:end -->/;
	if (re.test(text)) text = text.replace(re, block);
	else
		text =
			`# Benchmark results\n\n## End to end: the sync in a real n8n (\`npm run bench\`)\n\n${block}\n\n## Notes\n\n` +
			(text ? text : '');
	fs.writeFileSync(file, text);
}
