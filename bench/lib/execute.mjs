// `n8n execute --id=<id> --rawOutput` with the memory of the process that runs the workflow:
// its VmHWM (the kernel's high-water mark, so no peak between two polls is missed), the
// largest VmHWM sum over it and its descendants (task runners), and a VmRSS timeline that
// tells the workflow's own peak from the CLI's after-run work (saving the execution and
// printing the whole run as JSON). Uses N8n#env from test/e2e/n8n.mjs for the environment.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { parseRawOutput } from '../../test/e2e/n8n.mjs';
import { freePort, watchMemory } from '../../test/e2e/processes.mjs';

/** PIDs of `n8n execute` processes still running (so an interrupted bench can stop them). */
export const running = new Set();

function rssKb(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/^VmRSS:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
	} catch {
		return undefined;
	}
}

/**
 * nodeArgs: flags for node itself (e.g. --trace-gc, which NODE_OPTIONS refuses).
 * Resolves { code, run, status, stdout, stderr, ms, pid, peakKb (main VmHWM), treePeakKb (sum
 * of the tree's VmHWM), perProcessPeakKb, timeline: [{ t (epoch ms), kb }] }.
 */
export async function executeMeasured(
	n8n,
	id,
	{ timeoutMs = 15 * 60 * 1000, env = {}, nodeArgs = [] } = {},
) {
	const brokerPort = await freePort();
	const outFile = path.join(n8n.userFolder, `execute-${id}-${Date.now()}.out`);
	const outFd = fs.openSync(outFile, 'w');
	const t0 = Date.now();
	const child = spawn(
		n8n.runtime.nodeBin,
		[...nodeArgs, n8n.runtime.n8nBin, 'execute', `--id=${id}`, '--rawOutput'],
		{
			cwd: n8n.userFolder,
			env: n8n.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env }),
			// stdout to a file: writes to a file are synchronous, while `execute` can exit before
			// a pipe has taken its 40 MB of JSON (the run then looks truncated).
			stdio: ['ignore', outFd, 'pipe'],
		},
	);
	fs.closeSync(outFd);
	running.add(child.pid);
	const memory = watchMemory(child.pid, 100);
	const timeline = [];
	const sampler = setInterval(() => {
		const kb = rssKb(child.pid);
		if (kb !== undefined) timeline.push({ t: Date.now(), kb });
	}, 100);
	let stderr = '';
	child.stderr.on('data', (c) => (stderr += c));
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const code = await new Promise((resolve) => {
		child.on('error', () => resolve(-1));
		child.on('close', (c) => resolve(c ?? -1));
	});
	clearTimeout(timer);
	clearInterval(sampler);
	running.delete(child.pid);
	const mem = memory.stop();
	const stdout = fs.readFileSync(outFile, 'utf8');
	fs.rmSync(outFile, { force: true });
	// --trace-gc lines ("[pid:0x...] 123 ms: Scavenge ...") share stdout with the run JSON.
	const run = parseRawOutput(
		nodeArgs.length ? stdout.replace(/^\[\d+:0x[0-9a-f]+\].*\n/gm, '') : stdout,
	);
	const treeHwmKb = Object.values(mem.perProcessPeakKb).reduce((a, b) => a + b, 0);
	n8n.transcript.push({ args: ['execute', `--id=${id}`], stdout: '', stderr });
	return {
		code,
		run,
		status: run?.status,
		stdout,
		stderr,
		ms: Date.now() - t0,
		pid: child.pid,
		peakKb: mem.peakKb,
		treePeakKb: treeHwmKb,
		treeRssPeakKb: mem.treePeakKb,
		perProcessPeakKb: mem.perProcessPeakKb,
		timeline,
	};
}

/** Largest VmRSS sample within [from, to] (epoch ms); 0 when no sample fell there. */
export function peakBetween(timeline, from, to) {
	let peak = 0;
	for (const s of timeline) if (s.t >= from && s.t <= to) peak = Math.max(peak, s.kb);
	return peak;
}
