#!/usr/bin/env node
// `npm test`: build, the contract check (test/tools/check-contract.mjs), every jest suite (unit,
// engine, emulator, soak, bad-input catalogue), then the end-to-end runs in a real n8n: one
// instance (sync.e2e.mjs), then queue mode (queue.e2e.mjs). Prints one closing line with the
// totals.
// MPG_SKIP_E2E=1 skips both real-n8n stages (local iteration only; CI runs them).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = process.cwd();
const started = Date.now();
let passed = 0;
let failed = 0;

function run(label, cmd, args, options = {}) {
	const t0 = Date.now();
	console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
	console.log(`=== ${label}: exit ${r.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return r.status ?? 1;
}

if (run('build', 'npm', ['run', 'build']) !== 0) {
	console.log('0 passed, 1 failed');
	process.exit(1);
}

// The in-repo copy always; the shared original too while it sits beside the package (CI), so a
// fix made there is run before the copy is refreshed.
const contracts = [['contract', path.join(root, 'test', 'tools', 'check-contract.mjs')]];
const upstream = path.join(root, '..', 'shared', 'tools', 'check-contract.mjs');
if (fs.existsSync(upstream)) contracts.push(['contract (shared)', upstream]);
for (const [label, script] of contracts) {
	if (run(label, process.execPath, [script]) === 0) passed++;
	else failed++;
}

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mpg-jest-')), 'jest.json');
const jestStatus = run('jest', process.execPath, [
	path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
	'--json',
	`--outputFile=${report}`,
]);
try {
	const r = JSON.parse(fs.readFileSync(report, 'utf8'));
	passed += r.numPassedTests;
	failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
	if (r.numTotalTests === 0) failed++;
} catch {
	failed++;
}
if (jestStatus !== 0 && failed === 0) failed++;

/** Runs one e2e script, streamed live (they run for minutes); adds its closing line's counts. */
async function e2e(script, label) {
	const r = await new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(root, 'test', 'e2e', script)], {
			cwd: root,
			env: { ...process.env, MPG_E2E_SKIP_BUILD: '1' },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let stdout = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			process.stdout.write(chunk);
		});
		child.on('close', (status) => resolve({ status, stdout }));
	});
	const m = new RegExp(`^${label}: (\\d+) passed, (\\d+) failed`, 'm').exec(r.stdout ?? '');
	if (m) {
		passed += Number(m[1]);
		failed += Number(m[2]);
	}
	if (r.status !== 0 && (!m || Number(m[2]) === 0)) failed++;
}

if (process.env.MPG_SKIP_E2E === '1') {
	console.log('\n=== e2e: skipped (MPG_SKIP_E2E=1)');
} else {
	// One real n8n at a time: the single-instance e2e, then queue mode (main, 2 workers, Redis,
	// Postgres from Debian's packages; see test/e2e/queue.e2e.mjs).
	await e2e('sync.e2e.mjs', 'e2e');
	await e2e('queue.e2e.mjs', 'e2e-queue');
}

console.log(`\nwhole suite took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
