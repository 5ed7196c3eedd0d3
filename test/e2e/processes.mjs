// The processes the e2e runs and benches start: a free port for one, stopping its process
// group, reading its log, and the peak memory of it and its descendants (task runners) from /proc.
import fs from 'node:fs';
import net from 'node:net';

/** A port nobody listens on right now (127.0.0.1). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/**
 * SIGTERM to a detached child's process group (its task runners included), SIGKILL after
 * `killAfterMs`; resolves once the child has exited.
 */
export async function stopProcessGroup(child, killAfterMs) {
	const done = new Promise((r) => {
		if (child.exitCode !== null || child.signalCode !== null) r();
		else child.once('exit', r);
	});
	const signal = (sig) => {
		try {
			process.kill(-child.pid, sig);
		} catch {
			// already gone
		}
	};
	signal('SIGTERM');
	const timer = setTimeout(() => signal('SIGKILL'), killAfterMs);
	await done;
	clearTimeout(timer);
}

/** A file's text, '' when it cannot be read (not written yet). */
export function readText(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

// Peak memory of a process and its descendants (the task runners), from /proc.

function procStatus(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
		return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
	} catch {
		return undefined;
	}
}

export function childrenOf(pid) {
	const out = [];
	try {
		for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
			const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
			if (text) out.push(...text.split(/\s+/).map(Number));
		}
	} catch {
		// the process is gone
	}
	return out;
}

/**
 * Polls /proc/<pid>/status. VmHWM is the kernel's own high-water mark of the resident set, so a
 * peak between two polls is still seen at the next one.
 * stop() -> { peakKb: the main process' VmHWM, treePeakKb: the largest sum of VmRSS of the
 * process and its descendants seen, perProcessPeakKb: pid -> VmHWM }.
 */
export function watchMemory(pid, intervalMs = 100) {
	const peaks = new Map();
	let treePeakKb = 0;
	const poll = () => {
		const seen = [pid];
		for (let i = 0; i < seen.length && seen.length < 64; i++) seen.push(...childrenOf(seen[i]));
		let sum = 0;
		for (const p of seen) {
			const s = procStatus(p);
			if (!s) continue;
			sum += s.rss;
			peaks.set(p, Math.max(peaks.get(p) ?? 0, s.hwm));
		}
		treePeakKb = Math.max(treePeakKb, sum);
	};
	poll();
	const timer = setInterval(poll, intervalMs);
	timer.unref();
	return {
		poll,
		stop() {
			clearInterval(timer);
			return {
				peakKb: peaks.get(pid) ?? 0,
				treePeakKb,
				perProcessPeakKb: Object.fromEntries(peaks),
			};
		},
	};
}
