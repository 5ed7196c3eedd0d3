#!/usr/bin/env node
// `npm run demo`: the nightly sync, once, in a real n8n against the two API emulators, and a
// report a billing person can read. Works on a fresh clone (installs Node 24 and n8n into the
// cache folder on first use, see runtime.mjs).
//
//   npm run demo                      run once, print the report, clean up
//   npm run demo -- --ui              then leave the n8n editor on http://127.0.0.1:5678 with
//                                     the example workflows until Ctrl-C
//   options: --customers N (200), --port P (5678, with --ui; checked free before the sync),
//            --timing (time and memory lines, for developers)
import net from 'node:net';
import path from 'node:path';
import emulators from '../emulators/index.js';
import { startApiEmulators } from './apiEmulators.mjs';
import { ensureRuntime } from './runtime.mjs';
import {
	DEFAULT_OWNER,
	N8n,
	WORKFLOW_IDS,
	cliCopy,
	emulatorCredentials,
	installPackage,
	loadExample,
	makeUserFolder,
	outputItems,
	removeFolder,
} from './n8n.mjs';

const { startN8nDataTables, makeDataset } = emulators;

function parseArgs(argv) {
	const args = { ui: false, customers: 200, port: 5678, timing: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=');
		const value = () => Number(inline ?? argv[++i]);
		if (flag === '--ui') args.ui = true;
		else if (flag === '--customers') args.customers = value();
		else if (flag === '--port') args.port = value();
		else if (flag === '--timing') args.timing = true;
		else if (flag === '--help' || flag === '-h') {
			console.log('usage: npm run demo [-- --ui] [--customers N] [--port P] [--timing]');
			process.exit(0);
		} else {
			console.error(`unknown option ${argv[i]} (try --help)`);
			process.exit(2);
		}
	}
	if (!Number.isInteger(args.customers) || args.customers < 1)
		throw new Error('--customers needs a positive number');
	if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535)
		throw new Error('--port needs a port number');
	return args;
}

const args = parseArgs(process.argv.slice(2));
const t0 = Date.now();
const secondsSince = (t) => ((Date.now() - t) / 1000).toFixed(1);
const step = (line) => console.log(`[demo ${secondsSince(t0).padStart(5)} s] ${line}`);

let n8n;
let userFolder;
let mp;
let gradient;
// Billing memory of the examples (n8n data table): `n8n execute` has no server, so an emulator.
let memory;
let stopping = false;

async function cleanUp(code) {
	if (stopping) return;
	stopping = true;
	try {
		if (n8n?.server) await n8n.stopServer();
		await Promise.all([mp?.close(), gradient?.close(), memory?.close()].filter(Boolean));
	} finally {
		removeFolder(userFolder);
		process.exit(code);
	}
}

function syncSeconds(run) {
	const ms = new Date(run.stoppedAt).getTime() - new Date(run.startedAt).getTime();
	return Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '?';
}

/** Whether a TCP port on 127.0.0.1 is free (the editor needs it; checked before the sync). */
function portIsFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

const licences = (items) => items.reduce((n, p) => n + (Number(p.unitCount ?? p.count) || 0), 0);
const customersIn = (items) => new Set(items.map((p) => String(p.customerId))).size;

/** The report in a billing person's units: customers, counts (customer/product), licences. */
function report({ run, tickets, runSeconds, customers }) {
	const node = (name, output = 0) => outputItems(run, name, output);
	const read = node('Mailprotector Get Counts');
	const pushed = node('Gradient Push Billable', 0);
	const sent = pushed.filter((p) => p.status === 'pushed' || p.status === 'zeroed');
	const changed = pushed.filter(
		(p) => p.status === 'pushed' && (p.previousCount === null || p.change !== 0),
	);
	const zeroed = pushed.filter((p) => p.status === 'zeroed');
	const notMapped = node('Gradient Push Billable', 1);
	const failed = node('Gradient Push Billable', 2);
	const held = node('Gradient Push Billable', 3);
	const needsMapping = node('Gradient Assign Customer', 1);
	const unmapped = node('Gradient Map Service', 1);
	const head = `  ${''.padEnd(46)} ${'customers'.padStart(9)} ${'counts'.padStart(7)} ${'licences'.padStart(9)}`;
	const row = (label, items, note = '') =>
		`  ${label.padEnd(46)} ${String(customersIn(items)).padStart(9)} ${String(items.length).padStart(7)} ${String(licences(items)).padStart(9)}${note ? `   ${note}` : ''}`;
	const lines = [
		'',
		'==========================================================================================',
		' Mailprotector -> Gradient billing sync: demo report',
		' (emulated Mailprotector and Gradient on this machine; nothing real was touched)',
		' A "count" is one customer and one product, e.g. "Acme / CloudFilter: 12 licences".',
		'==========================================================================================',
		`  Customers in Mailprotector: ${customers}`,
		head,
		row('Read from Mailprotector', read),
		'',
		row('Billed: sent to Gradient', sent),
		row('  new or changed', changed),
		row(
			'  the same as last time',
			sent.filter((p) => !changed.includes(p) && !zeroed.includes(p)),
		),
		row('  set to 0 (customer or product gone)', zeroed),
		'',
		' Not billed (needs a person):',
		row(
			'  not mapped in Synthesize yet',
			notMapped,
			notMapped.length ? 'map these accounts in Synthesize' : '',
		),
		row('  failed to send', failed),
		row('  held for review (unusual changes)', held),
		row('  customer could not get an account', needsMapping),
		row('  product has no Gradient service', unmapped),
		'',
		`  Tickets opened on your house account: ${tickets.length}`,
		...tickets.map((t) => `      "${t.title}"`),
		'',
		' First changes:',
		...[...changed, ...zeroed]
			.slice(0, 5)
			.map(
				(p) =>
					`    ${p.customerName || p.customerId} / ${p.product}: ${p.previousCount ?? 'new'} -> ${p.unitCount}`,
			),
		...(changed.length + zeroed.length > 5
			? [
					`    ... and ${changed.length + zeroed.length - 5} more (all of them: Push Billable's Pushed output, and the audit table)`,
				]
			: []),
		...(args.timing
			? [
					'',
					`  Time for the sync itself: ${syncSeconds(run)} s; n8n execute with start-up: ${runSeconds.toFixed(1)} s; whole demo: ${secondsSince(t0)} s`,
				]
			: []),
		'==========================================================================================',
	];
	console.log(lines.join('\n'));
}

process.on('SIGINT', () => {
	console.log('\nstopping...');
	cleanUp(0);
});
process.on('SIGTERM', () => cleanUp(0));

try {
	if (args.ui && !(await portIsFree(args.port))) {
		throw new Error(
			`port ${args.port} on 127.0.0.1 is in use, so the editor could not start after the sync; stop what uses it or pick another with --port`,
		);
	}
	step('checking the runtime (Node 24 and n8n 2.41.1; the first time installs them, about 6 min)');
	const runtime = await ensureRuntime({ log: (l) => step(l) });

	step('building this package and installing it into a fresh n8n folder');
	userFolder = makeUserFolder('mpg-demo-');
	installPackage(userFolder, { log: (l) => step(l) });
	n8n = new N8n({ runtime, userFolder, log: (l) => step(l) });

	const dataset = makeDataset({ customers: args.customers, seed: 1 });
	({ mp, gradient } = await startApiEmulators(dataset, {}, step));
	memory = await startN8nDataTables();

	step('importing the credentials and the example workflows');
	const nightly = cliCopy(loadExample('nightly'));
	await n8n.importCredentials(
		emulatorCredentials(mp, gradient, { url: memory.url, apiKey: memory.apiKey }),
	);
	await n8n.importWorkflow([loadExample('errors'), nightly.workflow, loadExample('weekly')]);

	step('running the nightly sync once (n8n execute)');
	const r = await n8n.executeWorkflow(WORKFLOW_IDS.nightly);
	if (r.status !== 'success') {
		const e = r.run?.data?.resultData?.error;
		throw new Error(
			`the sync did not succeed: ${e ? `${e.message} ${e.description ?? ''}` : r.stderr.slice(-2000)}`,
		);
	}
	report({
		run: r.run,
		tickets: gradient.state.tickets,
		runSeconds: r.ms / 1000,
		customers: dataset.customers.length,
	});
	if (args.timing) {
		console.log(
			`  (peak memory of n8n during the run: ${Math.round(r.memory.peakKb / 1024)} MB, ` +
				`${Math.round(r.memory.treePeakKb / 1024)} MB with its task runners)`,
		);
	}

	if (!args.ui) {
		await cleanUp(0);
	} else {
		// The example exactly as shipped (the CLI copy had the audit Data Table nodes switched
		// off: `n8n execute` does not load that module). The ledger of the run above is kept.
		await n8n.importWorkflow(loadExample('nightly'));
		step(`starting the n8n editor on 127.0.0.1:${args.port}`);
		await n8n.startServer({ port: args.port, owner: DEFAULT_OWNER });
		console.log(`
  n8n editor:  ${n8n.server.url}/workflow/${WORKFLOW_IDS.nightly}
  log in as:   ${DEFAULT_OWNER.email}
  password:    ${DEFAULT_OWNER.password}

  The run above is under Executions. The emulators stay up, so "Execute workflow" works too
  (runs started from the editor are not remembered by Push Billable; scheduled ones are).
  n8n log: ${path.join(userFolder, 'n8n-server.log')}
  Press Ctrl-C to stop n8n and the emulators.`);
		await new Promise(() => {}); // until Ctrl-C
	}
} catch (error) {
	console.error(`\ndemo failed: ${error.message}`);
	await cleanUp(1);
}
