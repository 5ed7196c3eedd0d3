// n8n in queue mode on one box, for the queue e2e and the bench: Redis and Postgres
// (services.mjs), one N8n home whose every command and server runs with the queue env, and
// `n8n worker` processes sharing its user folder (so they load the same installed package).
//
//   const q = await startQueueServices(runtime);            // redis + postgres
//   const n8n = new N8n({ runtime, userFolder, env: q.env });   // imports, publish, startServer
//   const w = await startWorker(n8n, 'worker-1');          // { name, pid, logFile, stop() }
//   workerOf([w1, w2], executionId)                        // which worker's log started it
//   await w.stop(); await n8n.stopServer(); await q.stop();
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, readText, stopProcessGroup, watchMemory } from './processes.mjs';
import { n8nQueueEnv, startPostgres, startRedis } from './services.mjs';

const seconds = (ms) => (ms / 1000).toFixed(1) + ' s';

/** Redis + Postgres, and the env every n8n process of the cluster needs. */
export async function startQueueServices(runtime, { log = console.log } = {}) {
	if (!runtime.services) throw new Error('ensureRuntime({ services: true }) first');
	const redis = await startRedis(runtime.services, { log });
	let pg;
	try {
		pg = await startPostgres(runtime.services, { log });
	} catch (e) {
		await redis.stop();
		throw e;
	}
	return {
		redis,
		pg,
		env: n8nQueueEnv({ redis, pg }),
		async stop() {
			await Promise.allSettled([redis.stop(), pg.stop()]);
		},
	};
}

/**
 * `n8n worker` with the N8n home's env (user folder, key, queue env), its own task-broker port
 * and health port, output to <userFolder>/n8n-<name>.log. Resolves when its readiness check
 * answers ok (it is connected to Redis and the database).
 */
export async function startWorker(
	n8n,
	name,
	{ concurrency = 10, env = {}, timeoutMs = 180000, nodeArgs = [] } = {},
) {
	const logFile = path.join(n8n.userFolder, `n8n-${name}.log`);
	const fd = fs.openSync(logFile, 'a');
	const healthPort = await freePort();
	const brokerPort = await freePort();
	const t0 = Date.now();
	const child = spawn(
		n8n.runtime.nodeBin,
		[...nodeArgs, n8n.runtime.n8nBin, 'worker', `--concurrency=${concurrency}`],
		{
			cwd: n8n.userFolder,
			env: n8n.env({
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				...env,
			}),
			stdio: ['ignore', fd, fd],
			detached: true,
		},
	);
	fs.closeSync(fd);
	let exited;
	child.on('exit', (code) => (exited = code ?? -1));
	const memory = watchMemory(child.pid, 250);
	const worker = {
		name,
		pid: child.pid,
		logFile,
		healthPort,
		memory,
		log: () => readText(logFile),
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				await stopProcessGroup(child, 20000);
			}
			n8n.log(`n8n: ${name} pid ${child.pid} stopped`);
			return memory.stop();
		},
	};
	for (;;) {
		if (exited !== undefined) {
			memory.stop();
			throw new Error(`n8n worker ${name} exited (${exited}):\n${readText(logFile).slice(-4000)}`);
		}
		try {
			const res = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() - t0 > timeoutMs) {
			await worker.stop();
			throw new Error(`n8n worker ${name} not ready after ${seconds(timeoutMs)}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	n8n.log(
		`n8n: ${name} ready (pid ${child.pid}, health port ${healthPort}) in ${seconds(Date.now() - t0)}`,
	);
	return worker;
}

/** The workers whose log says they started this execution (n8n: "Worker started execution <id> (job <n>)"). */
export function workersOf(workers, executionId) {
	const re = new RegExp(`Worker started execution ${executionId} \\(job `);
	return workers.filter((w) => re.test(w.log())).map((w) => w.name);
}

/**
 * POSTs to a production webhook of the main and resolves the id of the execution it enqueued:
 * the newest execution of the workflow that was not in `known` (a Set, updated).
 */
export async function runViaWebhook(
	n8n,
	{ path: hookPath, workflowId, known, headers, body = {} },
) {
	const res = await fetch(`${n8n.server.url}/webhook/${hookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok)
		throw new Error(`POST /webhook/${hookPath}: HTTP ${res.status} ${text.slice(0, 300)}`);
	const t0 = Date.now();
	for (;;) {
		const list = await n8n.listExecutions(workflowId, headers);
		const fresh = list.filter((x) => !known.has(x.id));
		if (fresh.length) {
			for (const x of fresh) known.add(x.id);
			return fresh.sort((a, b) => Number(b.id) - Number(a.id))[0].id;
		}
		if (Date.now() - t0 > 30000) throw new Error(`no execution after POST /webhook/${hookPath}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}
