#!/usr/bin/env node
// End-to-end in n8n QUEUE MODE: Redis and PostgreSQL (Debian's packages, from the runtime
// cache), an n8n main (`n8n start`) and 2 workers (`n8n worker`) sharing one user folder with
// the package installed from its tarball, both API emulators on 127.0.0.1.
// The example nightly sync as shipped, except: its nightly Schedule Trigger is a Webhook
// trigger (the main enqueues, a worker runs it) and its credentials point at the emulators and,
// for the Billing Memory (an n8n data table), at the main's own API with a key made for it.
// It is published before the main starts.
//
//  run 1 (webhook)   a worker runs it; every mapped count equals the Mailprotector oracle
//  -- one customer loses one product in Mailprotector --
//  run 2 (webhook)   that pair is zeroed; every other pair reported with its previous count
//  -- one pair gains a user --
//  run 3 (webhook)   the grown pair pushed with change +1 against the right previousCount
//  -- another pair gains a user --
//  editor run        "Run Now" as the editor's button runs it (on the main)
//  run 4 (webhook)   sees the editor run's push as previousCount (the memory kept it)
//  + no duplicate account, service or ticket in Gradient, no Memory Warnings, the memory's rows
//    in the n8n data table, no key in any log; which worker ran each run.
//
// Prints `e2e-queue: N passed, N failed` last; exits 1 on any failure.
// Env: MPG_E2E_QUEUE_CUSTOMERS (default 40), MPG_E2E_KEEP=1 keeps the temp folder.
import emulators from '../emulators/index.js';
import { check, errorOf, finish, log, short } from './checks.mjs';
import { ensureRuntime } from './runtime.mjs';
import {
	N8n,
	WORKFLOW_IDS,
	emulatorCredentials,
	installPackage,
	loadExample,
	outputItems,
	removeFolder,
	makeUserFolder,
} from './n8n.mjs';
import { freePort } from './processes.mjs';
import { runViaWebhook, startQueueServices, startWorker, workersOf } from './queue.mjs';
import { withWebhookTrigger } from './webhookTrigger.mjs';
import { freshKeys, startApiEmulators } from './apiEmulators.mjs';

const { makeDataset, expectedCounts, defaultProductOf } = emulators;

const CUSTOMERS = Number(process.env.MPG_E2E_QUEUE_CUSTOMERS || 40);
const HOOK_PATH = 'mpg-nightly-sync-e2e';
const PUSH = 'Gradient Push Billable';
const started = Date.now();

const sourceKey = (p) => `${p.customerId}|${p.product}`;

let n8n;
let userFolder;
let mp;
let gradient;
let queue;
const workers = [];
let cleaning;

/** Stops every process this test started, by PID (workers, main, Redis, Postgres), once. */
function cleanup() {
	cleaning ??= (async () => {
		for (const w of workers) await w.stop().catch(() => {});
		if (n8n?.server) await n8n.stopServer().catch(() => {});
		await queue?.stop().catch(() => {});
		await Promise.all([mp?.close(), gradient?.close()].filter(Boolean)).catch(() => {});
		if (process.env.MPG_E2E_KEEP === '1') log(`kept ${userFolder}`);
		else removeFolder(userFolder);
	})();
	return cleaning;
}
// The services and n8n run in their own process groups: an interrupted test still stops them.
for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, () => {
		log(`${sig}: stopping the workers, the main, Redis and Postgres`);
		cleanup().finally(() => process.exit(130));
	});
}

try {
	// ---- setup --------------------------------------------------------------------------------
	const runtime = await ensureRuntime({ log, services: true });
	userFolder = makeUserFolder('mpg-e2e-queue-');
	installPackage(userFolder, { log });

	const dataset = makeDataset({ customers: CUSTOMERS, seed: 11 });
	const keys = freshKeys();
	({ mp, gradient } = await startApiEmulators(dataset, keys, log));

	queue = await startQueueServices(runtime, { log });
	n8n = new N8n({ runtime, userFolder, log, env: queue.env });
	const workflow = withWebhookTrigger(loadExample('nightly'), { path: HOOK_PATH });
	// The Billing Memory credential needs an API key of the running main: a placeholder now,
	// the real key once the main is up (same credential id, imported again).
	await n8n.importCredentials(
		emulatorCredentials(mp, gradient, { url: 'http://127.0.0.1:9', apiKey: 'not-yet' }),
	);
	await n8n.importWorkflow([loadExample('errors'), workflow]);
	await n8n.publishWorkflow(WORKFLOW_IDS.nightly);
	await n8n.startServer({ port: await freePort() });
	for (const name of ['worker-1', 'worker-2']) workers.push(await startWorker(n8n, name));
	const h = await n8n.login();
	const memoryKey = await n8n.createApiKey({ headers: h });
	await n8n.importCredentials(
		emulatorCredentials(mp, gradient, { url: n8n.server.url, apiKey: memoryKey.apiKey }),
	);
	log(`billing memory: n8n data table through ${n8n.server.url}/api/v1 (API key made for it)`);
	const known = new Set((await n8n.listExecutions(WORKFLOW_IDS.nightly, h)).map((x) => x.id));

	// ---- what Gradient holds -----------------------------------------------------------------
	const g = gradient.state;
	const skuByProduct = () => new Map(g.vendor.skus.map((s) => [s.name.toLowerCase(), s]));
	const countOf = (p) => g.counts[`${p.customerId}|${p.sku.id}`]?.unitCount;
	function mappedPairs() {
		const skus = skuByProduct();
		const out = [];
		for (const p of expectedCounts(mp.state.dataset)) {
			const account = g.findAccount(String(p.customerId));
			const sku = skus.get(p.product.toLowerCase());
			if (account && sku && g.isAccountMapped(account) && g.isServiceMapped(sku))
				out.push({ ...p, sku });
		}
		return out;
	}
	const wrongCounts = (mapped) =>
		mapped.filter((p) => countOf(p) !== p.count).map((p) => [sourceKey(p), p.count, countOf(p)]);
	const ticketDuplicates = () => {
		const seen = new Map();
		for (const t of g.tickets) {
			const k = `${t.accountId}|${t.title}`;
			seen.set(k, (seen.get(k) ?? 0) + 1);
		}
		return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
	};
	function noDuplicates(label) {
		const d = g.duplicates();
		check(
			`${label}: no duplicate account, service or ticket in Gradient`,
			d.accounts.length === 0 && d.services.length === 0 && ticketDuplicates().length === 0,
			short({ ...d, tickets: ticketDuplicates() }),
		);
	}

	const ran = [];
	async function webhookRun(label) {
		const t0 = Date.now();
		const id = await runViaWebhook(n8n, {
			path: HOOK_PATH,
			workflowId: WORKFLOW_IDS.nightly,
			known,
			headers: h,
		});
		const r = await n8n.waitExecution(id, { headers: h, timeoutMs: 300000 });
		const by = workersOf(workers, id);
		ran.push({ label, id, by, mode: r.mode });
		log(
			`--- ${label}: execution ${id}, mode ${r.mode}, ${r.status}, run by ${by.join(', ') || 'no worker'} ` +
				`in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
		);
		if (errorOf(r.run)) log(`    run error: ${errorOf(r.run)}`);
		check(
			`${label}: success, executed by exactly one worker (${by.join(', ') || 'none'})`,
			r.status === 'success' && by.length === 1,
			`${r.status}, workers ${short(by)}`,
		);
		return r;
	}
	const pushed = (r) => outputItems(r.run, PUSH, 0);
	const noMemoryWarning = (label, r) => {
		const w = outputItems(r.run, PUSH, 4);
		check(`${label}: no Memory Warnings`, w.length === 0, short(w));
	};

	// ---- run 1 -------------------------------------------------------------------------------
	const r1 = await webhookRun('run 1 (webhook)');
	const m1 = mappedPairs();
	const wrong1 = wrongCounts(m1);
	check(
		`run 1: each of ${m1.length} mapped pairs in Gradient equals the Mailprotector oracle`,
		m1.length > 0 && wrong1.length === 0,
		`${wrong1.length} differ: ${short(wrong1.slice(0, 5))}`,
	);
	check(
		'run 1: no count in Gradient beyond those pairs',
		Object.keys(g.counts).length === m1.length,
		`${Object.keys(g.counts).length} counts`,
	);
	const p1 = pushed(r1);
	check(
		'run 1: every pair pushed as new (previousCount null)',
		p1.length === m1.length && p1.every((a) => a.status === 'pushed' && a.previousCount === null),
		short(p1.filter((a) => a.previousCount !== null).slice(0, 3)),
	);
	noMemoryWarning('run 1', r1);
	noDuplicates('run 1');

	// ---- a pair vanishes: one customer loses one product -------------------------------------
	const ds = mp.state.dataset;
	const accountOfDomain = new Map(ds.domains.map((d) => [d.id, String(d.account.id)]));
	const perCustomer = new Map();
	for (const p of m1) perCustomer.set(p.customerId, [...(perCustomer.get(p.customerId) ?? []), p]);
	const gone = [...perCustomer.values()].find((list) => list.length >= 2)[0];
	for (const s of [...ds.services]) {
		if (
			accountOfDomain.get(s.domain.id) === gone.customerId &&
			defaultProductOf(s.service_type) === gone.product
		)
			mp.state.removeService(s.user_group.id, s.service_type);
	}
	const goneKey = sourceKey(gone);
	check(
		`the vanished pair ${goneKey} is no longer in the Mailprotector oracle`,
		!expectedCounts(mp.state.dataset).some((p) => sourceKey(p) === goneKey),
	);
	log(`vanished pair: customer ${gone.customerId}, product "${gone.product}" (was ${gone.count})`);

	// ---- run 2 -------------------------------------------------------------------------------
	const r2 = await webhookRun('run 2 (webhook)');
	const p2 = pushed(r2);
	const zeroed2 = p2.filter((a) => a.status === 'zeroed');
	check(
		`run 2: the vanished pair ${goneKey} is zeroed (and nothing else)`,
		zeroed2.length === 1 &&
			sourceKey(zeroed2[0]) === goneKey &&
			zeroed2[0].unitCount === 0 &&
			zeroed2[0].previousCount === gone.count,
		short(zeroed2),
	);
	check(`run 2: ${goneKey} is 0 in Gradient`, countOf(gone) === 0, `${countOf(gone)}`);
	const kept2 = p2.filter((a) => a.status !== 'zeroed');
	check(
		'run 2: every other pair reported with previousCount = its run-1 count, change 0',
		kept2.length === m1.length - 1 &&
			kept2.every((a) => a.previousCount === a.unitCount && a.change === 0),
		short(kept2.filter((a) => a.previousCount !== a.unitCount).slice(0, 3)),
	);
	const wrong2 = wrongCounts(mappedPairs());
	check('run 2: every mapped count equals the oracle', wrong2.length === 0, short(wrong2));
	noMemoryWarning('run 2', r2);
	noDuplicates('run 2');

	// ---- a pair grows by one user --------------------------------------------------------------
	function grow(except) {
		const pair = mappedPairs().find((p) => !except.includes(sourceKey(p)));
		const group = ds.userGroups.find(
			(ug) =>
				ds.services.some(
					(s) => s.user_group.id === ug.id && defaultProductOf(s.service_type) === pair.product,
				) &&
				ds.domains.some(
					(d) => d.id === ug.domain.id && String(d.account.id) === pair.customerId && !d.parent,
				),
		);
		mp.state.addUser({ groupId: group.id, type: 'User', name: `new.starter.${Date.now()}` });
		const now = expectedCounts(mp.state.dataset).find((p) => sourceKey(p) === sourceKey(pair));
		log(`grown pair: ${sourceKey(pair)} ${pair.count} -> ${now.count}`);
		return { ...pair, before: pair.count, after: now.count };
	}
	const grown3 = grow([goneKey]);

	// ---- run 3 -------------------------------------------------------------------------------
	const r3 = await webhookRun('run 3 (webhook)');
	const p3 = pushed(r3);
	const g3 = p3.find((a) => sourceKey(a) === sourceKey(grown3));
	check(
		`run 3: the grown pair ${sourceKey(grown3)} pushed ${grown3.after} with previousCount ${grown3.before}, change +1`,
		g3?.unitCount === grown3.after && g3.previousCount === grown3.before && g3.change === 1,
		short(g3),
	);
	const rest3 = p3.filter((a) => sourceKey(a) !== sourceKey(grown3) && sourceKey(a) !== goneKey);
	check(
		'run 3: every other pair reported with previousCount = its count, change 0',
		rest3.length === m1.length - 2 &&
			rest3.every((a) => a.previousCount === a.unitCount && a.change === 0),
		short(rest3.filter((a) => a.previousCount !== a.unitCount).slice(0, 3)),
	);
	check(`run 3: ${goneKey} stays 0 in Gradient`, countOf(gone) === 0, `${countOf(gone)}`);
	const wrong3 = wrongCounts(mappedPairs());
	check('run 3: every mapped count equals the oracle', wrong3.length === 0, short(wrong3));
	noMemoryWarning('run 3', r3);
	noDuplicates('run 3');

	// ---- the editor runs it ------------------------------------------------------------------
	const grownE = grow([goneKey, sourceKey(grown3)]);
	const tE = Date.now();
	const editorId = await n8n.runManually(WORKFLOW_IDS.nightly, 'Run Now', h);
	known.add(editorId);
	const rE = await n8n.waitExecution(editorId, { headers: h, timeoutMs: 300000 });
	const byE = workersOf(workers, editorId);
	log(
		`--- editor run ("Run Now"): execution ${editorId}, mode ${rE.mode}, ${rE.status}, run by ` +
			`${byE.join(', ') || 'the main'} in ${((Date.now() - tE) / 1000).toFixed(1)} s`,
	);
	if (errorOf(rE.run)) log(`    run error: ${errorOf(rE.run)}`);
	const gE = pushed(rE).find((a) => sourceKey(a) === sourceKey(grownE));
	check(
		`editor run: success, pushed ${sourceKey(grownE)} = ${grownE.after}`,
		rE.status === 'success' && gE?.unitCount === grownE.after && countOf(grownE) === grownE.after,
		`${rE.status} ${short(gE)}`,
	);

	// ---- run 4: remembers the editor's push ------------------------------------------------------
	const r4 = await webhookRun('run 4 (webhook)');
	const g4 = pushed(r4).find((a) => sourceKey(a) === sourceKey(grownE));
	check(
		`run 4: sees the editor run's push of ${sourceKey(grownE)} (previousCount ${grownE.after}, change 0)`,
		g4?.previousCount === grownE.after && g4.change === 0,
		short(g4),
	);
	noMemoryWarning('run 4', r4);
	noDuplicates('run 4');

	// ---- where the memory is: rows of an n8n data table, read through the public API --------
	const api = async (pathname) => {
		const res = await fetch(`${n8n.server.url}/api/v1${pathname}`, {
			headers: { 'X-N8N-API-KEY': memoryKey.apiKey, accept: 'application/json' },
		});
		return res.ok ? await res.json() : { status: res.status };
	};
	const tables = (await api('/data-tables?limit=100')).data ?? [];
	const table = tables.find((t) => /memory/i.test(t.name));
	const rows = table ? ((await api(`/data-tables/${table.id}/rows?limit=250`)).data ?? []) : [];
	check(
		`the billing memory is an n8n data table (${table?.name ?? 'none'}, ${rows.length}${rows.length === 250 ? '+' : ''} rows)`,
		table && rows.length > 0,
		short(tables.map((t) => t.name)),
	);

	log('\nwho ran what:');
	for (const x of ran)
		log(`  ${x.label.padEnd(18)} execution ${x.id.padEnd(4)} ${x.by.join(', ')}`);
	log(
		`  ${'editor run'.padEnd(18)} execution ${String(editorId).padEnd(4)} ${byE.join(', ') || 'main'}`,
	);
	log(
		`  vanished pair: customer ${gone.customerId}, "${gone.product}" (was ${gone.count}): ` +
			(zeroed2.some((a) => sourceKey(a) === goneKey) ? 'zeroed in run 2' : 'NOT zeroed in run 2'),
	);

	// ---- no key in anything n8n printed (main and worker logs, CLI output) --------------------
	for (const w of workers)
		n8n.transcript.push({ args: ['worker', w.name], stdout: w.log(), stderr: '' });
	const output = n8n.allOutput();
	const token = Buffer.from(`${keys.vendor}:${keys.partner}`).toString('base64');
	const leaked = [keys.mp, keys.vendor, keys.partner, token, memoryKey.apiKey].filter((k) =>
		output.includes(k),
	);
	check(
		'no key (Mailprotector, Gradient, n8n API) or GRADIENT-TOKEN in what the main, the workers and the CLI printed',
		leaked.length === 0,
	);
} catch (error) {
	check(`e2e-queue stopped: ${error.message.split('\n')[0]}`, false);
	console.log(error.stack);
} finally {
	await cleanup();
}

log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
finish('e2e-queue');
