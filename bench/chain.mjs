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
// Flags: --sizes 200,2000  --latency MS (30)  --seed S (1)  --no-stock  --no-write
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
const COUNT_PATH = /^\/api\/vendor-api\/service\/[^/]+\/count$/;

function parseArgs(argv) {
	const out = { sizes: [200, 2000], latency: 30, seed: 1, stock: true, write: true, heapCap: 384 };
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
	return out;
}

const args = parseArgs(process.argv.slice(2));
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
let userFolder;
let cleaning;
async function cleanup() {
	cleaning ??= (async () => {
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

/** Rate of the count pushes as Gradient saw them (429s and retries included: they count). */
function pushRate(entries) {
	const counts = entries.filter((e) => e.method === 'POST' && COUNT_PATH.test(e.path));
	if (counts.length < 2) return { requests: counts.length, spanS: 0, rate: NaN };
	const spanS = (counts[counts.length - 1].at - counts[0].at) / 1000;
	return {
		requests: counts.length,
		spanS,
		rate: (counts.length - 1) / spanS,
		first: counts[0].at,
		last: counts[counts.length - 1].at,
		tooMany: counts.filter((e) => e.status === 429).length,
		// The busiest sliding second of the count pushes alone.
		busiest: busiestSecond(counts.map((e) => e.at)),
		...stalls(counts.map((e) => e.at)),
	};
}

/**
 * Where arrivals bunch: the longest silence between two count requests, and how many times
 * 6 or more arrived within 20 ms (requests held up after the pacer, then sent together).
 */
function stalls(times) {
	let longestGapMs = 0;
	let bursts = 0;
	for (let i = 1; i < times.length; i++)
		longestGapMs = Math.max(longestGapMs, times[i] - times[i - 1]);
	for (let i = 5; i < times.length; i++) {
		if (times[i] - times[i - 5] <= 20) {
			bursts++;
			i += 5;
		}
	}
	return { longestGapMs, bursts };
}

function busiestSecond(times) {
	let best = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= 1000) j++;
		best = Math.max(best, i - j + 1);
	}
	return best;
}

/** Oracle pairs whose count is not what Gradient holds for (account = customerId, service = product). */
function lostPairs(want, gradientState) {
	const sku = new Map(gradientState.vendor.skus.map((s) => [s.name.toLowerCase(), s.id]));
	const missing = [];
	for (const p of want) {
		const id = sku.get(p.product.toLowerCase());
		const got = id ? gradientState.counts[`${p.customerId}|${id}`] : undefined;
		if (got?.unitCount !== p.count) missing.push({ ...p, got: got?.unitCount ?? null });
	}
	return missing;
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
	const runtime = await ensureRuntime({ log });
	const nodeVersion = spawnSync(runtime.nodeBin, ['-v'], { encoding: 'utf8' }).stdout.trim();
	userFolder = makeUserFolder('mpg-bench-');
	installPackage(userFolder, { log });
	const n8n = new N8n({ runtime, userFolder, log });

	// Credentials point at the emulators' ports, which are new for every size (port 0: a port
	// picked in advance can be taken by someone else before the emulator listens).
	const importCredentials = async (mpUrl, grUrl) =>
		await n8n.importCredentials([
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
		]);
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
	{
		const r = await executeMeasured(n8n, IDS.empty, { nodeArgs: execEnv });
		dump('empty', r);
		if (r.status !== 'success') throw new Error(`the empty workflow failed: ${failText(r)}`);
		results.empty = { ...memoryOf(r), wallS: r.ms / 1000 };
		log(
			`empty workflow: peak ${f0(results.empty.peakMb)} MB (process tree ${f0(results.empty.treeMb)} MB), ${f1(results.empty.wallS)} s`,
		);
	}

	const capEnv = { NODE_OPTIONS: `--max-old-space-size=${args.heapCap}` };
	if (args.heapCap > 0) {
		const r = await executeMeasured(n8n, IDS.empty, { nodeArgs: execEnv, env: capEnv });
		if (r.status !== 'success') throw new Error(`the empty workflow failed: ${failText(r)}`);
		results.emptyCapped = memoryOf(r);
		log(`empty workflow, ${capEnv.NODE_OPTIONS}: peak ${f0(results.emptyCapped.peakMb)} MB`);
	}

	for (const customers of args.sizes) {
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

	results.meta = {
		date: new Date().toISOString(),
		host,
		nodeVersion,
		n8nVersion: N8N_VERSION,
		latency: args.latency,
		seed: args.seed,
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
	return out;
}

function writeResults(res, verdicts) {
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
	for (const v of verdicts) lines.push(`- ${v.ok ? 'met' : '**missed**'}: ${v.text}`);
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
