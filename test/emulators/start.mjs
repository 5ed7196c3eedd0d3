#!/usr/bin/env node
// `npm run emulators`: starts the Mailprotector and Gradient emulators on 127.0.0.1 and stays up
// until Ctrl-C. Flags: --customers N (200), --latency MS (0), --port-mp P (0 = any),
// --port-gradient P (0 = any), --seed S (1).
import emulators from './index.js';

const { startMailprotector, startGradient, makeDataset, minimumCalls } = emulators;

function parseArgs(argv) {
	const out = { customers: 200, latency: 0, portMp: 0, portGradient: 0, seed: 1 };
	const names = {
		'--customers': 'customers',
		'--latency': 'latency',
		'--port-mp': 'portMp',
		'--port-gradient': 'portGradient',
		'--seed': 'seed',
	};
	for (let i = 0; i < argv.length; i++) {
		let [flag, value] = argv[i].split('=');
		if (flag === '--help' || flag === '-h') {
			console.log(
				'usage: npm run emulators -- [--customers N] [--latency MS] [--port-mp P] [--port-gradient P] [--seed S]',
			);
			process.exit(0);
		}
		const key = names[flag];
		if (!key) {
			console.error(`unknown flag ${flag}`);
			process.exit(2);
		}
		if (value === undefined) value = argv[++i];
		const n = Number(value);
		if (!Number.isInteger(n) || n < 0) {
			console.error(`${flag} needs a non-negative integer, got ${value}`);
			process.exit(2);
		}
		out[key] = n;
	}
	return out;
}

const args = parseArgs(process.argv.slice(2));
const dataset = makeDataset({ customers: args.customers, seed: args.seed });
const faults = args.latency ? { latencyMs: args.latency } : undefined;
const mp = await startMailprotector({ dataset, port: args.portMp, faults });
const gradient = await startGradient({ dataset, port: args.portGradient, faults, seed: args.seed });
const calls = minimumCalls(dataset);

console.log(`Mailprotector emulator  ${mp.url}   (paths under /api/v1)
  apiKey        ${mp.apiKey}
  resellerId    ${mp.resellerId}
  data          ${calls.sizes.customers} customers, ${calls.sizes.domains} domains, ${calls.sizes.userGroups} user groups, ${calls.sizes.users} users
  minimum walk  ${calls.total} calls at 25 a page
Gradient emulator       ${gradient.url}   (paths under /api/vendor-api)
  vendorApiKey  ${gradient.vendorApiKey}
  partnerApiKey ${gradient.partnerApiKey}
  GRADIENT-TOKEN ${gradient.token}
  PSA clients   ${gradient.state.psaClients.length}
Admin (no auth): GET /__state, GET /__stats, GET /__log, POST /__faults, POST /__options on either.
Ctrl-C to stop.`);

let stopping = false;
async function stop() {
	if (stopping) return;
	stopping = true;
	await Promise.all([mp.close(), gradient.close()]);
	console.log('emulators stopped');
	process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
