#!/usr/bin/env node
// End-to-end: the example workflows in a real n8n 2.41.1 (Node 24, SQLite), our package
// installed from its tarball as users install it, both API emulators on 127.0.0.1.
// One user folder and one n8n install serve every stage:
//
//  CLI (`n8n execute`, mode "cli": static data saved, so the ledger carries between runs)
//   1. first sync          accounts and services created once, every mapped count equals the
//                          Mailprotector oracle, tickets for what needs a person, one rebuild
//   2. the same again      idempotent: no new account, service or ticket; counts unchanged
//   3. a customer leaves   its pairs are zeroed; a grown count is pushed
//   4. many customers go   the mass-zero guard holds them (Held for Review), nothing zeroed
//   5. standalone preview  the weekly dry-run example writes nothing
//   6. a failing sync      exits 1
//  Server (`n8n start`, the examples as shipped; Data Table nodes only run here)
//   7. watchdog            alerts while the audit table is empty
//   8. weekly preview      the dry-run branch inside the sync sees the ledger, writes nothing
//   9. scheduled runs      the published sync fires from its Schedule Trigger and fills the
//                          audit table; a failing one dispatches the Error Trigger workflow
//  10. watchdog            quiet after a push
//  11. editor              headless Chromium: our nodes on the canvas and in their panels, the
//                          node picker (aliases), subtitles, the House Account list, the
//                          preview's Not Mapped output, run summary rows, a ticket
//  + no key, Bearer value or GRADIENT-TOKEN in anything n8n printed or stored.
//
// Prints `e2e: N passed, N failed` last; exits 1 on any failure.
// Env: MPG_E2E_CUSTOMERS (default 120), MPG_E2E_KEEP=1 keeps the temp folder,
// MPG_E2E_BROWSER=0 skips the browser, MPG_RUNTIME_DIR (see runtime.mjs).
import fs from 'node:fs';
import path from 'node:path';
import emulators from '../emulators/index.js';
import { check, eq, errorOf, finish, log, secret, short } from './checks.mjs';
import { editorPages, ensureChromium, nightlyPages, takeScreenshots } from './browser.mjs';
import { ensureRuntime } from './runtime.mjs';
import {
	N8n,
	WORKFLOW_IDS,
	cliCopy,
	emulatorCredentials,
	installPackage,
	loadExample,
	makeUserFolder,
	nodeById,
	outputItems,
	removeFolder,
	repoRoot,
} from './n8n.mjs';
import { freePort } from './processes.mjs';
import { HOUSE, freshKeys, startApiEmulators } from './apiEmulators.mjs';

const { startN8nDataTables, makeDataset, expectedCounts, defaultProductOf } = emulators;

const CUSTOMERS = Number(process.env.MPG_E2E_CUSTOMERS || 120);
const NEW_CUSTOMER = 'Brand New Customer Ltd';
const started = Date.now();
const timings = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stage(name, t0) {
	const s = (Date.now() - t0) / 1000;
	timings.push([name, s]);
	log(`--- ${name}: ${s.toFixed(1)} s`);
}

let n8n;
let userFolder;
let mp;
let gradient;
// The examples keep their billing memory in an n8n data table; `n8n execute` has no server, so
// the Billing Memory credential points at the data-table emulator.
let memory;

try {
	// ---- setup --------------------------------------------------------------------------------
	let t = Date.now();
	const runtime = await ensureRuntime({ log });
	stage('runtime (Node 24 + n8n)', t);

	t = Date.now();
	userFolder = makeUserFolder('mpg-e2e-');
	installPackage(userFolder, { log });
	n8n = new N8n({ runtime, userFolder, log });
	stage('build, pack, install the package', t);

	t = Date.now();
	const dataset = makeDataset({ customers: CUSTOMERS, seed: 7 });
	const keys = freshKeys();
	({ mp, gradient } = await startApiEmulators(dataset, keys, log));
	memory = await startN8nDataTables({ apiKey: secret('n8nkey') });

	// The e2e copy of the nightly sync: one customer overridden to an account that does not
	// exist (-> Needs Mapping) and the rarest product excluded in Map Service (-> Unmapped), so
	// every alert branch carries items. Everything else is the example as shipped.
	const oracle0 = expectedCounts(mp.state.dataset);
	const perProduct = new Map();
	for (const p of oracle0) perProduct.set(p.product, (perProduct.get(p.product) ?? 0) + 1);
	const excludedProduct = [...perProduct].sort(
		(a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1),
	)[0][0];
	const overriddenCustomer = oracle0[0].customerId;
	const withEdits = (wf) => {
		for (const n of wf.nodes) {
			if (n.type.endsWith('.gradientAssignCustomer')) {
				n.parameters.overrides = {
					override: [{ customerId: overriddenCustomer, gradientAccountId: 'no-such-account' }],
				};
			}
			if (n.type.endsWith('.gradientMapService')) {
				n.parameters.serviceTable = { rules: [{ handling: 'exclude', product: excludedProduct }] };
			}
		}
		return wf;
	};
	const nightly = cliCopy(loadExample('nightly'), { edit: withEdits });
	const standalone = cliCopy(loadExample('weekly'));
	log(
		`e2e copy: ${nightly.disabled.join(', ')} disabled for the CLI (Data Tables run in the server stage); ` +
			`Needs Mapping via customer ${overriddenCustomer}; Unmapped via ${excludedProduct}`,
	);
	await n8n.importCredentials(
		emulatorCredentials(mp, gradient, { url: memory.url, apiKey: memory.apiKey }),
	);
	await n8n.importWorkflow([loadExample('errors'), nightly.workflow, standalone.workflow]);
	stage('emulators, import credentials and workflows', t);

	// ---- what the Gradient emulator should hold ----------------------------------------------
	const g = gradient.state;
	const skuByProduct = () => new Map(g.vendor.skus.map((s) => [s.name.toLowerCase(), s]));
	const accountOf = (id) => g.findAccount(String(id));
	const countOf = (p) => g.counts[`${p.customerId}|${p.sku.id}`]?.unitCount;
	const snapshot = () => ({
		accounts: g.accounts.length,
		services: g.vendor.skus.length,
		tickets: g.tickets.length,
		pushes: g.pushes.length,
		counts: JSON.stringify(
			Object.fromEntries(Object.entries(g.counts).map(([k, v]) => [k, v.unitCount])),
		),
	});
	/** The oracle's pairs for the current Mailprotector data, split by Gradient mapping. */
	function expectation() {
		const pairs = expectedCounts(mp.state.dataset).filter(
			(p) => p.product !== excludedProduct && p.customerId !== overriddenCustomer,
		);
		const skus = skuByProduct();
		const mapped = [];
		const notMapped = [];
		for (const p of pairs) {
			const account = accountOf(p.customerId);
			const sku = skus.get(p.product.toLowerCase());
			if (account && sku && g.isAccountMapped(account) && g.isServiceMapped(sku)) {
				mapped.push({ ...p, sku });
			} else notMapped.push(p);
		}
		return { pairs, mapped, notMapped };
	}
	const wrongCounts = (mapped) =>
		mapped
			.filter((p) => countOf(p) !== p.count)
			.map((p) => [p.customerId, p.product, p.count, countOf(p)]);

	async function execute(id, label) {
		const t0 = Date.now();
		const r = await n8n.executeWorkflow(id);
		stage(`n8n execute: ${label}`, t0);
		log(
			`    peak memory: n8n ${Math.round(r.memory.peakKb / 1024)} MB, ` +
				`with its task runners ${Math.round(r.memory.treePeakKb / 1024)} MB`,
		);
		if (!r.run) log(`    stderr: ${r.stderr.slice(-3000)}\n    stdout: ${r.stdout.slice(-2000)}`);
		if (errorOf(r.run)) log(`    run error: ${errorOf(r.run)}`);
		return r;
	}
	const out = (r, name, i = 0) => outputItems(r.run, name, i);
	const ok = (r) => r.code === 0 && r.status === 'success';
	const NO_DUPLICATES = { accounts: [], services: [] };

	// ---- 1. first sync -----------------------------------------------------------------------
	const r1 = await execute(WORKFLOW_IDS.nightly, 'run 1, first sync');
	check('run 1: n8n execute exits 0, status success', ok(r1), `exit ${r1.code}, ${r1.status}`);
	const e1 = expectation();
	eq('run 1: no duplicate accounts or services in Gradient', g.duplicates(), NO_DUPLICATES);
	const customerIds = [...new Set(e1.pairs.map((p) => p.customerId))];
	const missingAccounts = customerIds.filter((id) => !accountOf(id));
	check(
		`run 1: each of ${customerIds.length} customers is a Gradient account under its Mailprotector id`,
		missingAccounts.length === 0,
		`missing ${short(missingAccounts)}`,
	);
	check('run 1: the overridden customer got no account of its own', !accountOf(overriddenCustomer));
	const productsSeen = [...new Set(e1.pairs.map((p) => p.product.toLowerCase()))];
	check(
		'run 1: one Gradient service per product, none for the excluded one',
		productsSeen.every((p) => skuByProduct().has(p)) &&
			!skuByProduct().has(excludedProduct.toLowerCase()),
		g.vendor.skus.map((s) => s.name).join(', '),
	);
	const wrong1 = wrongCounts(e1.mapped);
	check(
		`run 1: each of ${e1.mapped.length} mapped pairs has the Mailprotector oracle's count`,
		e1.mapped.length > 0 && wrong1.length === 0,
		`${wrong1.length} differ: ${short(wrong1.slice(0, 5))}`,
	);
	eq(
		'run 1: no count in Gradient beyond those pairs',
		Object.keys(g.counts).length,
		e1.mapped.length,
	);
	eq('run 1: Gradient rebuilt its billing view once (no_build on all but one push)', g.builds, 1);
	const pushed1 = out(r1, 'Gradient Push Billable', 0);
	eq('run 1: Pushed = the mapped pairs', pushed1.length, e1.mapped.length);
	eq(
		'run 1: Not Mapped = the pairs Gradient has no mapping for',
		out(r1, 'Gradient Push Billable', 1).length,
		e1.notMapped.length,
	);
	const auditFields = [
		'at',
		'change',
		'customerId',
		'customerName',
		'gradientAccountId',
		'gradientServiceId',
		'previousCount',
		'product',
		'runId',
		'status',
		'unitCount',
	];
	check(
		'run 1: audit items carry exactly the contract fields, status "pushed"',
		pushed1.length > 0 &&
			pushed1.every(
				(a) =>
					JSON.stringify(Object.keys(a).sort()) === JSON.stringify(auditFields) &&
					a.status === 'pushed',
			),
		short(pushed1[0]),
	);
	eq(
		"run 1: Needs Mapping holds the overridden customer's items",
		[...new Set(out(r1, 'Gradient Assign Customer', 1).map((i) => i.customerId))],
		[overriddenCustomer],
	);
	eq(
		"run 1: Unmapped holds the excluded product's items",
		out(r1, 'Gradient Map Service', 1).length,
		oracle0.filter((p) => p.product === excludedProduct && p.customerId !== overriddenCustomer)
			.length,
	);
	const titles1 = g.tickets.map((tk) => tk.title).join(' | ');
	check(
		'run 1: one ticket each for Needs Mapping, Unmapped and Not Mapped, on the house account',
		g.tickets.length === 3 &&
			g.tickets.every((tk) => tk.accountId === HOUSE.id) &&
			/could not be assigned/.test(titles1) &&
			/no Gradient service/.test(titles1) &&
			/not mapped in Gradient/.test(titles1),
		titles1,
	);
	// The Run Summary is rows a Table view shows: totals (customers, counts, licences), then one
	// row per change and per count that needs a person.
	const rows1 = out(r1, 'Run Summary');
	const total = (rows, what) =>
		rows.find((r) => r.row === 'summary' && r.what.trim().startsWith(what));
	const billed1 = total(rows1, 'Billed');
	const notMapped1 = total(rows1, 'Not billed: not mapped');
	check(
		'run 1: Run Summary rows match the outputs (customers, counts, licences; one row per change and to-do)',
		billed1?.counts === e1.mapped.length &&
			billed1.licences === e1.mapped.reduce((n, p) => n + p.count, 0) &&
			total(rows1, 'of which new or changed')?.counts === e1.mapped.length &&
			notMapped1?.counts === e1.notMapped.length &&
			notMapped1.licences === e1.notMapped.reduce((n, p) => n + p.count, 0) &&
			total(rows1, 'Not billed: customer has no Gradient account')?.counts > 0 &&
			total(rows1, 'Not billed: product has no Gradient service')?.counts > 0 &&
			total(rows1, 'Read from Mailprotector')?.customers ===
				new Set(oracle0.map((p) => p.customerId)).size &&
			rows1.filter((r) => r.row === 'change').length === e1.mapped.length &&
			rows1.filter((r) => r.row === 'to do' && r.what === 'map in Synthesize').length ===
				e1.notMapped.length &&
			rows1.every((r) => !Object.values(r).some((v) => Array.isArray(v))),
		short(rows1.filter((r) => r.row === 'summary')),
	);
	log(
		rows1
			.filter((r) => r.row === 'summary')
			.map(
				(r) =>
					`    | ${r.what.padEnd(48)} ${String(r.customers).padStart(5)} customers ${String(r.counts).padStart(5)} counts ${String(r.licences).padStart(6)} licences`,
			)
			.join('\n'),
	);

	// ---- 2. idempotence ----------------------------------------------------------------------
	const before2 = snapshot();
	const r2 = await execute(WORKFLOW_IDS.nightly, 'run 2, the same data again');
	check('run 2: success', ok(r2), `exit ${r2.code}`);
	const after2 = snapshot();
	eq('run 2: no new accounts', after2.accounts, before2.accounts);
	eq('run 2: no new services', after2.services, before2.services);
	eq('run 2: no new tickets', after2.tickets, before2.tickets);
	check('run 2: every count unchanged', after2.counts === before2.counts);
	eq('run 2: still no duplicates', g.duplicates(), NO_DUPLICATES);
	// Push sends every pair again ("pushed", or "unchanged" with Skip Unchanged Pairs); what
	// matters is that nothing moved and each pair knows its previous count.
	const pushed2 = out(r2, 'Gradient Push Billable', 0);
	check(
		'run 2: every pair reported with change 0 against its previous count',
		pushed2.length === e1.mapped.length &&
			pushed2.every((a) => a.change === 0 && a.previousCount === a.unitCount),
		short(pushed2.filter((a) => a.change !== 0).slice(0, 3)),
	);
	eq(
		'run 2: Run Summary says nothing changed',
		out(r2, 'Run Summary').find((r) => r.what?.trim() === 'of which new or changed')?.counts,
		0,
	);

	// ---- 3. a customer leaves, another gains a user ---------------------------------------
	const mappedCustomers = [...new Set(e1.mapped.map((p) => p.customerId))];
	const leaver = mappedCustomers[mappedCustomers.length - 1];
	const leaverKeys = e1.mapped
		.filter((p) => p.customerId === leaver)
		.map((p) => `${p.customerId}|${p.product}`);
	const grower = e1.mapped.find((p) => p.customerId !== leaver);
	mp.state.deleteCustomer(Number(leaver));
	const ds = mp.state.dataset;
	const growerGroup = ds.userGroups.find(
		(ug) =>
			ds.services.some(
				(s) => s.user_group.id === ug.id && defaultProductOf(s.service_type) === grower.product,
			) &&
			ds.domains.some(
				(d) => d.id === ug.domain.id && String(d.account.id) === grower.customerId && !d.parent,
			),
	);
	mp.state.addUser({ groupId: growerGroup.id, type: 'User', name: 'new.starter' });
	const r3 = await execute(WORKFLOW_IDS.nightly, 'run 3, a customer left and one grew');
	check('run 3: success', ok(r3), `exit ${r3.code}`);
	const pushed3 = out(r3, 'Gradient Push Billable', 0);
	eq(
		"run 3: the leaver's pairs are reported zeroed",
		pushed3
			.filter((a) => a.status === 'zeroed')
			.map((a) => `${a.customerId}|${a.product}`)
			.sort(),
		leaverKeys.sort(),
	);
	check(
		"run 3: the leaver's counts are 0 in Gradient",
		e1.mapped.filter((p) => p.customerId === leaver).every((p) => countOf(p) === 0),
	);
	const wrong3 = wrongCounts(expectation().mapped);
	check(
		'run 3: every other mapped count equals the oracle',
		wrong3.length === 0,
		short(wrong3.slice(0, 5)),
	);
	const grew = pushed3.find(
		(a) => a.customerId === grower.customerId && a.product === grower.product,
	);
	check(
		'run 3: the grown pair is pushed with change +1',
		grew?.status === 'pushed' && grew.change === 1 && grew.unitCount === grower.count + 1,
		short(grew),
	);

	// ---- 4. many customers vanish at once ----------------------------------------------------
	const countsBefore4 = snapshot().counts;
	const ticketsBefore4 = g.tickets.length;
	const goners = mappedCustomers
		.slice(0, Math.ceil(mappedCustomers.length * 0.3))
		.filter((id) => id !== leaver);
	for (const id of goners) mp.state.deleteCustomer(Number(id));
	const goneKeys = e1.mapped
		.filter((p) => goners.includes(p.customerId))
		.map((p) => `${p.customerId}|${p.product}`)
		.sort();
	const r4 = await execute(WORKFLOW_IDS.nightly, `run 4, ${goners.length} customers vanished`);
	check('run 4: success', ok(r4), `exit ${r4.code}`);
	eq(
		'run 4: their pairs are held for review, not zeroed',
		out(r4, 'Gradient Push Billable', 3)
			.map((a) => `${a.customerId}|${a.product}`)
			.sort(),
		goneKeys,
	);
	check('run 4: no count changed in Gradient', snapshot().counts === countsBefore4);
	const tickets4 = g.tickets.slice(ticketsBefore4);
	check(
		'run 4: a Held for Review ticket on the house account',
		tickets4.some((tk) => /held for review/.test(tk.title) && tk.accountId === HOUSE.id),
		short(tickets4.map((tk) => tk.title)),
	);

	// ---- 5. the standalone preview writes nothing ---------------------------------------------
	mp.state.addCustomer({ name: NEW_CUSTOMER, services: ['CloudFilter Email Security'], users: 4 });
	const beforeStandalone = snapshot();
	const rs = await execute(WORKFLOW_IDS.weekly, 'standalone dry-run preview');
	check('standalone preview: success', ok(rs), `exit ${rs.code} ${errorOf(rs.run)}`);
	eq('standalone preview: Gradient unchanged', snapshot(), beforeStandalone);
	const previewS = out(rs, 'What Would Change')[0];
	check(
		"standalone preview: lists the new customer; compares with the sync's memory (the data table is shared, not per workflow)",
		previewS?.newAccounts.includes(NEW_CUSTOMER) &&
			previewS.wouldPush > 0 &&
			previewS.wouldStayTheSame > 0 &&
			previewS.wouldChange === 0 &&
			previewS.notInGradientYet < previewS.wouldPush,
		short(previewS && { ...previewS, report: undefined, changes: previewS.changes.length }),
	);

	// ---- 6. a failing sync (CLI) --------------------------------------------------------------
	// `n8n execute` exits before n8n's asynchronous Error Trigger dispatch; stage 9 checks it.
	mp.setOptions({ apiKey: secret('rotated') });
	const rf = await execute(WORKFLOW_IDS.nightly, 'failing sync (Mailprotector key rotated)');
	check(
		'failing sync: n8n execute exits 1 and says the credentials were refused',
		rf.code === 1 && /401|credential/i.test(rf.stdout + rf.stderr),
		`exit ${rf.code}`,
	);
	mp.setOptions({ apiKey: keys.mp });

	// ---- server ---------------------------------------------------------------------------------
	// The examples as shipped (plus the same two edits; the sync's schedule every 20 s instead
	// of 02:00), with the Data Table nodes enabled.
	t = Date.now();
	const serverNightly = withEdits(loadExample('nightly'));
	nodeById(serverNightly, 'Every Night at 02:00').parameters.rule = {
		interval: [{ field: 'seconds', secondsInterval: 20 }],
	};
	await n8n.importWorkflow([loadExample('errors'), serverNightly]);
	await n8n.startServer({ port: await freePort() });
	const h = await n8n.login();
	stage('server: import the workflows as shipped, n8n start', t);

	// ---- 7. watchdog on an empty audit table --------------------------------------------------
	t = Date.now();
	const ticketsBefore7 = g.tickets.length;
	const manual = async (id, trigger) =>
		n8n.waitExecution(await n8n.runManually(id, trigger, h), { headers: h });
	const w1 = await manual(WORKFLOW_IDS.errors, 'Every Morning at 08:00');
	check(
		'watchdog (empty audit table): success',
		w1.status === 'success',
		`${w1.status} ${errorOf(w1.run)}`,
	);
	const noPushTicket = g.tickets
		.slice(ticketsBefore7)
		.find((tk) => /No licence counts/.test(tk.title));
	check(
		'watchdog (empty audit table): a "no licence counts sent" ticket on the house account',
		noPushTicket?.accountId === HOUSE.id,
		short(g.tickets.slice(ticketsBefore7).map((tk) => tk.title)),
	);
	stage('server: watchdog on an empty audit table', t);

	// ---- 8. the weekly preview inside the sync --------------------------------------------------
	t = Date.now();
	const beforePreview = snapshot();
	const pv = await manual(WORKFLOW_IDS.nightly, 'Every Monday at 07:00');
	stage('server: weekly preview branch (dry run)', t);
	check('weekly preview: success', pv.status === 'success', `${pv.status} ${errorOf(pv.run)}`);
	eq('weekly preview: Gradient unchanged', snapshot(), beforePreview);
	const preview = outputItems(pv.run, 'What Would Change')[0];
	const ePv = expectation();
	const stillMapped = ePv.mapped.filter((p) => !goners.includes(p.customerId));
	check(
		"weekly preview: compares with the sync's memory (unchanged pairs stay, vanished ones held, new customer listed)",
		preview?.newAccounts.includes(NEW_CUSTOMER) &&
			preview.wouldStayTheSame === stillMapped.length &&
			preview.wouldChange === 0 &&
			preview.heldForReview === goneKeys.length,
		short(preview && { ...preview, report: undefined, changes: preview.changes.slice(0, 5) }),
	);
	// The prediction the browser stage shows on Preview: Push Billable's Not Mapped output.
	check(
		'weekly preview: predicts the Not Mapped pairs (customers, counts, licences Gradient will refuse)',
		preview?.notMapped > 0 &&
			preview.report.includes(
				`${preview.notMappedCustomers} customers (${preview.notMapped} counts, ${preview.notMappedLicences} licences) are not mapped in Synthesize yet: Gradient will refuse them`,
			),
		short(preview && { notMapped: preview.notMapped, report: preview.report?.slice(0, 600) }),
	);
	if (preview?.report)
		log(
			preview.report
				.split('\n')
				.slice(0, 7)
				.map((l) => `    | ${l}`)
				.join('\n'),
		);

	// ---- 9. scheduled runs ----------------------------------------------------------------------
	t = Date.now();
	await n8n.activate(WORKFLOW_IDS.errors, h);
	await n8n.activate(WORKFLOW_IDS.nightly, h);
	const seen = new Set((await n8n.listExecutions(WORKFLOW_IDS.nightly, h)).map((x) => x.id));
	async function nextScheduledRun(timeoutMs = 90000) {
		const t0 = Date.now();
		for (;;) {
			const list = await n8n.listExecutions(WORKFLOW_IDS.nightly, h);
			const e = list.find(
				(x) =>
					x.mode === 'trigger' &&
					!seen.has(x.id) &&
					!['new', 'running', 'waiting'].includes(x.status),
			);
			if (e) {
				seen.add(e.id);
				return n8n.waitExecution(e.id, { headers: h });
			}
			if (Date.now() - t0 > timeoutMs) {
				throw new Error(`no scheduled run of the nightly sync within ${timeoutMs / 1000} s`);
			}
			await sleep(1000);
		}
	}
	const sched = await nextScheduledRun();
	stage('server: first scheduled run of the published sync', t);
	check(
		'scheduled run: success in mode "trigger"',
		sched.status === 'success' && sched.mode === 'trigger',
		`${sched.status} ${sched.mode} ${errorOf(sched.run)}`,
	);
	const schedPushed = outputItems(sched.run, 'Gradient Push Billable', 0);
	const auditOut = outputItems(sched.run, 'Append to Audit Table', 0);
	check(
		'scheduled run: the audit items went into the Data Table',
		schedPushed.length > 0 && auditOut.length > 0 && !errorOf(sched.run),
		short(auditOut),
	);
	const wrongS = wrongCounts(expectation().mapped.filter((p) => !goners.includes(p.customerId)));
	check(
		'scheduled run: every mapped count equals the oracle',
		wrongS.length === 0,
		short(wrongS.slice(0, 5)),
	);
	check(
		'scheduled run: continues the ledger of the CLI runs (only the new customer is new)',
		schedPushed.every((a) => a.previousCount !== null || a.customerName === NEW_CUSTOMER),
		short(schedPushed.filter((a) => a.previousCount === null).slice(0, 3)),
	);

	t = Date.now();
	const ticketsBefore9 = g.tickets.length;
	mp.setOptions({ apiKey: secret('rotated') });
	const failedRun = await nextScheduledRun();
	check(
		'scheduled run with a rotated Mailprotector key: status error',
		failedRun.status === 'error',
		failedRun.status,
	);
	let errTicket;
	for (let i = 0; i < 60 && !errTicket; i++) {
		errTicket = g.tickets.slice(ticketsBefore9).find((tk) => /sync failed/i.test(tk.title));
		if (!errTicket) await sleep(500);
	}
	check(
		'the Error Trigger workflow opened a "sync failed" ticket on the house account',
		errTicket?.accountId === HOUSE.id,
		short(g.tickets.slice(ticketsBefore9).map((tk) => tk.title)),
	);
	if (errTicket) {
		log(`    ticket: ${errTicket.title}`);
		log(
			errTicket.description
				.split('\n')
				.map((l) => `    | ${l}`)
				.join('\n'),
		);
	}
	await n8n.deactivate(WORKFLOW_IDS.nightly, h);
	mp.setOptions({ apiKey: keys.mp });
	stage('server: a failing scheduled run and the error workflow', t);

	// ---- 10. watchdog after a push --------------------------------------------------------------
	t = Date.now();
	const ticketsBefore10 = g.tickets.length;
	const w2 = await manual(WORKFLOW_IDS.errors, 'Every Morning at 08:00');
	check(
		'watchdog (after a push): finds the push, no alert',
		w2.status === 'success' &&
			outputItems(w2.run, 'Last Successful Push').length === 1 &&
			outputItems(w2.run, 'Days Since Last Push').length === 0 &&
			g.tickets.length === ticketsBefore10,
		`${w2.status} ${short(outputItems(w2.run, 'Last Successful Push'))}`,
	);
	stage('server: watchdog after a push', t);

	// ---- 11. the editor in a real browser -------------------------------------------------------
	t = Date.now();
	const chromium =
		process.env.MPG_E2E_BROWSER === '0' ? { skip: 'MPG_E2E_BROWSER=0' } : ensureChromium({ log });
	if (chromium.skip) {
		log(`browser: skipped: ${chromium.skip}`);
	} else {
		// The ticket the scheduled run sent (or found already open) for its Not Mapped pairs.
		const ticketTitle = outputItems(sched.run, 'Alert: Not Mapped')[0]?.title;
		check('scheduled run: the Not Mapped alert carries its ticket title', Boolean(ticketTitle));
		const dir = path.join(repoRoot, 'docs', 'screenshots');
		const pages = [
			...nightlyPages(serverNightly, sched.id, dir),
			...editorPages(serverNightly, { previewId: pv.id, scheduledId: sched.id, ticketTitle }, dir),
		];
		const shots = await takeScreenshots(runtime, {
			baseUrl: n8n.server.url,
			owner: n8n.server.owner,
			pages,
		});
		if (shots.error) check(`editor (headless Chromium): ${shots.error.split('\n')[0]}`, false);
		for (const page of pages) {
			const s = shots.shots.find((x) => x.name === page.name);
			if (s)
				log(
					`    ${path.relative(repoRoot, s.file)}: ${s.found.length}/${page.expect.length} expected texts shown`,
				);
			check(
				`editor: ${page.name} (${page.expect.map((x) => JSON.stringify(x)).join(', ')})`,
				s && s.missing.length === 0,
				s ? short(s.missing) : 'no screenshot taken',
			);
		}
	}
	stage('browser: log in, screenshots', t);
	await n8n.stopServer();

	// ---- no key anywhere n8n wrote ----------------------------------------------------------
	const token = Buffer.from(`${keys.vendor}:${keys.partner}`).toString('base64');
	const needles = {
		'Mailprotector key (also the Bearer value)': keys.mp,
		'Gradient vendor key': keys.vendor,
		'Gradient partner key': keys.partner,
		'GRADIENT-TOKEN': token,
	};
	const haystacks = {
		'n8n output and server log': n8n.allOutput(),
		...filesUnder(path.join(userFolder, '.n8n')),
	};
	const leaks = [];
	for (const [where, text] of Object.entries(haystacks)) {
		for (const [what, needle] of Object.entries(needles)) {
			if (text.includes(needle)) leaks.push(`${what} in ${where}`);
		}
	}
	check(
		`no key, Bearer value or GRADIENT-TOKEN in n8n's output, log or data folder (${Object.keys(haystacks).length} files)`,
		leaks.length === 0,
		leaks.join('; '),
	);
} catch (error) {
	check(`e2e stopped: ${error.message.split('\n')[0]}`, false);
	console.log(error.stack);
} finally {
	if (n8n?.server) await n8n.stopServer().catch(() => {});
	await Promise.all([mp?.close(), gradient?.close(), memory?.close()].filter(Boolean)).catch(
		() => {},
	);
	if (process.env.MPG_E2E_KEEP === '1') log(`kept ${userFolder}`);
	else removeFolder(userFolder);
}

/** Every file n8n keeps under its folder (database, config, logs), as text. */
function filesUnder(dir) {
	const found = {};
	const walk = (d) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) {
				if (e.name !== 'node_modules') walk(p);
			} else if (e.isFile() && fs.statSync(p).size < 256 * 1024 * 1024) {
				found[path.relative(dir, p)] = fs.readFileSync(p).toString('latin1');
			}
		}
	};
	walk(dir);
	return found;
}

log('\ntimings:');
for (const [name, s] of timings) log(`  ${name.padEnd(58)} ${s.toFixed(1).padStart(6)} s`);
log(`  ${'total'.padEnd(58)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`);
finish('e2e');
