#!/usr/bin/env node
// `npm run demo`: the nightly sync, once, in a real n8n against the two API emulators, and a
// report a billing person can read. Works on a fresh clone (installs Node 24 and n8n into the
// cache folder on first use, see runtime.mjs).
//
//   npm run demo                      run once, print the report, clean up
//   npm run demo -- --ui              then leave the n8n editor on http://127.0.0.1:5678 with
//                                     the example workflows until Ctrl-C
//   options: --customers N (200), --port P (5678, with --ui)
import path from 'node:path';
import emulators from '../emulators/index.js';
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

const { startMailprotector, startGradient, startN8nDataTables, makeDataset } = emulators;

function parseArgs(argv) {
	const args = { ui: false, customers: 200, port: 5678 };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=');
		const value = () => Number(inline ?? argv[++i]);
		if (flag === '--ui') args.ui = true;
		else if (flag === '--customers') args.customers = value();
		else if (flag === '--port') args.port = value();
		else if (flag === '--help' || flag === '-h') {
			console.log('usage: npm run demo [-- --ui] [--customers N] [--port P]');
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
const HOUSE = { id: 'msp-house', name: 'MSP House Account' };
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

function report({ run, summary, tickets, runSeconds, customers }) {
	const pushedOut = outputItems(run, 'Gradient Push Billable', 0);
	const units = pushedOut.reduce((n, p) => n + (Number(p.unitCount) || 0), 0);
	const row = (label, value, note = '') =>
		`  ${label.padEnd(48)} ${String(value).padStart(7)}${note ? `   ${note}` : ''}`;
	const lines = [
		'',
		'==================================================================================',
		' Mailprotector -> Gradient billing sync: demo report',
		' (emulated Mailprotector and Gradient on this machine; nothing real was touched)',
		'==================================================================================',
		row('Customers in Mailprotector', customers),
		row('Customers with licences counted', summary.customers),
		row('Customer/product counts read', summary.pairsRead),
		'',
		row('Counts sent to Gradient', summary.pushed),
		row('  of which new or changed', summary.changed),
		row('  of which unchanged', summary.unchanged),
		row('  of which set to 0 (customer or product gone)', summary.zeroed),
		row('Licences billed (units sent)', units),
		'',
		row(
			'Not mapped in Gradient yet',
			summary.notMapped,
			summary.notMapped ? 'map these accounts in Synthesize' : '',
		),
		row('Failed to send', summary.failed),
		row('Held for review (unusual changes)', summary.heldForReview),
		row('Customers that could not get an account', summary.needsMapping),
		row('Products without a Gradient service', summary.unmapped),
		'',
		row('Tickets opened on your house account', tickets.length),
		...tickets.map((t) => `      "${t.title}"`),
		'',
		row('Time for the sync itself', `${syncSeconds(run)} s`),
		row('Time for n8n execute (with n8n start-up)', `${runSeconds.toFixed(1)} s`),
		row('Time for the whole demo so far', `${secondsSince(t0)} s`),
		'',
		' First changes:',
		...summary.changes.slice(0, 5).map((c) => `    ${c}`),
		...(summary.changes.length > 5 ? [`    ... and ${summary.changes.length - 5} more`] : []),
		'==================================================================================',
	];
	console.log(lines.join('\n'));
}

process.on('SIGINT', () => {
	console.log('\nstopping...');
	cleanUp(0);
});
process.on('SIGTERM', () => cleanUp(0));

try {
	step('checking the runtime (Node 24 and n8n 2.41.1; the first time installs them, about 6 min)');
	const runtime = await ensureRuntime({ log: (l) => step(l) });

	step('building this package and installing it into a fresh n8n folder');
	userFolder = makeUserFolder('mpg-demo-');
	installPackage(userFolder, { log: (l) => step(l) });
	n8n = new N8n({ runtime, userFolder, log: (l) => step(l) });

	const dataset = makeDataset({ customers: args.customers, seed: 1 });
	mp = await startMailprotector({ dataset });
	memory = await startN8nDataTables();
	gradient = await startGradient({
		dataset,
		accounts: [{ id: HOUSE.id, name: HOUSE.name, description: 'Our own company (alerts)' }],
	});
	step(
		`emulators: Mailprotector ${mp.url} (${dataset.customers.length} customers), Gradient ${gradient.url}`,
	);

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
	const summary = outputItems(r.run, 'Run Summary')[0];
	if (!summary) throw new Error('the run has no Run Summary item');
	report({
		run: r.run,
		summary,
		tickets: gradient.state.tickets,
		runSeconds: r.ms / 1000,
		customers: dataset.customers.length,
	});
	console.log(
		`  (peak memory of n8n during the run: ${Math.round(r.memory.peakKb / 1024)} MB, ` +
			`${Math.round(r.memory.treePeakKb / 1024)} MB with its task runners)`,
	);

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
