// What the figures were measured on: cores, memory, CPU model, load (this machine is shared).
import fs from 'node:fs';
import os from 'node:os';

function read(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

export function machine() {
	const cpuinfo = read('/proc/cpuinfo');
	const meminfo = read('/proc/meminfo');
	const memKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0);
	return {
		nproc: os.availableParallelism?.() ?? os.cpus().length,
		cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
		memoryGiB: memKb ? memKb / 1024 / 1024 : os.totalmem() / 2 ** 30,
		kernel: `${os.type()} ${os.release()}`,
		load: os.loadavg(),
	};
}
