// The API emulators in child processes for the benchmarks: each has its own event loop and
// clock, as the real APIs do, so what Gradient counts per second is what n8n sent, not this
// process's timer hiccups. State, stats and the request log come over the admin routes.
// Options go over stdin (a list of 2,000 account names does not fit an environment variable).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const index = path.join(root, 'test', 'emulators', 'index.js');

const CHILD = `
const emulators = require(${JSON.stringify(index)});
let text = '';
process.stdin.on('data', (c) => (text += c));
process.stdin.on('end', async () => {
	const { kind, options } = JSON.parse(text);
	const start = kind === 'gradient' ? emulators.startGradient : emulators.startMailprotector;
	const e = await start(options);
	const info = { url: e.url, port: e.port };
	if (kind === 'gradient') Object.assign(info, { vendorApiKey: e.vendorApiKey, partnerApiKey: e.partnerApiKey, token: e.token });
	else Object.assign(info, { apiKey: e.apiKey, resellerId: e.resellerId });
	process.stdout.write(JSON.stringify(info) + '\\n');
	process.on('SIGTERM', () => e.close().then(() => process.exit(0)));
});`;

/**
 * kind: 'mailprotector' | 'gradient'; options: those of startMailprotector / startGradient
 * (JSON only). Resolves { url, port, pid, ...keys, state(), stats(), log(), close() }.
 */
export async function startChildEmulator(kind, options) {
	const child = spawn(process.execPath, ['-e', CHILD], {
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	child.stdin.end(JSON.stringify({ kind, options }));
	let exited = false;
	child.once('exit', () => (exited = true));
	const info = await new Promise((resolve, reject) => {
		let text = '';
		child.stdout.on('data', (chunk) => {
			text += chunk;
			if (text.includes('\n')) resolve(JSON.parse(text.slice(0, text.indexOf('\n'))));
		});
		child.once('exit', (code) => reject(new Error(`the ${kind} emulator exited (${code})`)));
	});
	const admin = async (route) => {
		const res = await fetch(`${info.url}${route}`);
		if (!res.ok) throw new Error(`${kind} emulator ${route}: HTTP ${res.status}`);
		return await res.json();
	};
	return {
		...info,
		kind,
		pid: child.pid,
		state: async (query = '') => await admin(`/__state${query}`),
		stats: async () => await admin('/__stats'),
		log: async () => await admin('/__log'),
		/** SIGTERM to this child by its PID; resolves when it has exited. */
		close: async () => {
			if (exited) return;
			const gone = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await gone;
			clearTimeout(timer);
		},
	};
}
