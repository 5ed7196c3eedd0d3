// The bench chain on a queue-mode worker: Redis and Postgres (test/e2e/services.mjs), an n8n
// main and one `n8n worker`, the bench's chain and empty workflows with a Webhook trigger
// (published before start; a POST to the main enqueues, the worker runs). On the same worker,
// first the empty workflow, then the chain: the worker's VmHWM after each is its peak memory
// for an empty run and for the chain. The chain keeps its billing memory in an n8n data table
// through the main's API (the README's advice for queue mode), unless memory: 'staticData'.
import fs from 'node:fs';

import { N8n, installPackage, makeUserFolder, removeFolder } from '../../test/e2e/n8n.mjs';
import { childrenOf, freePort } from '../../test/e2e/processes.mjs';
import {
	runViaWebhook,
	startQueueServices,
	startWorker,
	workersOf,
} from '../../test/e2e/queue.mjs';
import { withWebhookTrigger } from '../../test/e2e/webhookTrigger.mjs';
import emulators from '../../test/emulators/index.js';
import { lostPairs, pushRate } from './gradientLog.mjs';

const { makeDataset, expectedCounts } = emulators;

function statusKb(pid, field) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
	} catch {
		return 0;
	}
}

/** VmHWM of the worker and the sum over it and its descendants (its task runner). */
function peaks(pid) {
	const seen = [pid];
	for (let i = 0; i < seen.length && seen.length < 32; i++) seen.push(...childrenOf(seen[i]));
	return {
		workerMb: statusKb(pid, 'VmHWM') / 1024,
		treeMb: seen.reduce((a, p) => a + statusKb(p, 'VmHWM'), 0) / 1024,
	};
}

const MEMORY_CRED = { id: 'mpgBenchMemCred1', name: 'Bench Billing Memory' };

/** The chain with its memory in an n8n data table (the README's advice for queue mode). */
function withDataTableMemory(workflow) {
	const wf = structuredClone(workflow);
	for (const n of wf.nodes) {
		if (/\.(gradientAssignCustomer|gradientPushBillable)$/.test(n.type)) {
			n.parameters.memory = 'dataTable';
			n.credentials = { ...n.credentials, mailprotectorGradientMemoryApi: MEMORY_CRED };
		}
	}
	return wf;
}

const span = (run) => (Date.parse(run?.stoppedAt) - Date.parse(run?.startedAt)) / 1000;

/**
 * o: { runtime (with services), customers, seed, limit, faults, log, emulator (kind, options),
 *   credentials (mpUrl, grUrl) -> credential list, workflows: { chain, empty } (objects),
 *   ids: { chain, empty }, defer (fn): run fn at cleanup (also on SIGINT) }.
 */
export async function runChainOnWorker(o) {
	const { runtime, customers, seed, limit, faults, log, emulator, defer } = o;
	const memory = o.memory ?? 'dataTable';
	const userFolder = makeUserFolder('mpg-bench-queue-');
	defer(() => removeFolder(userFolder));
	installPackage(userFolder, { log });
	const q = await startQueueServices(runtime, { log });
	defer(() => q.stop());
	const n8n = new N8n({ runtime, userFolder, log, env: q.env });

	const dataset = makeDataset({ customers, seed });
	const want = expectedCounts(dataset);
	const names = dataset.customers.map((c) => c.name);
	const mp = await emulator('mailprotector', { customers, seed, faults, logHeaders: false });
	const gr = await emulator('gradient', {
		seed,
		psaClients: names,
		ratePerSecond: limit,
		faults,
		logHeaders: false,
	});
	const memoryCredential = (url, apiKey) => ({
		...MEMORY_CRED,
		type: 'mailprotectorGradientMemoryApi',
		data: { apiKey, baseUrl: url },
	});
	// The memory's API key exists once the main runs: a placeholder first, then the real one.
	await n8n.importCredentials([
		...o.credentials(mp.url, gr.url),
		memoryCredential('http://127.0.0.1:9', 'not-yet'),
	]);
	const chainWorkflow =
		memory === 'dataTable' ? withDataTableMemory(o.workflows.chain) : o.workflows.chain;
	const hooks = { chain: 'mpg-bench-chain', empty: 'mpg-bench-empty' };
	await n8n.importWorkflow([
		withWebhookTrigger(chainWorkflow, { path: hooks.chain, replace: 'Run Now' }),
		withWebhookTrigger(o.workflows.empty, { path: hooks.empty, replace: 'Run Now' }),
	]);
	await n8n.publishWorkflow(o.ids.chain);
	await n8n.publishWorkflow(o.ids.empty);
	await n8n.startServer({ port: await freePort() });
	defer(() => n8n.stopServer());
	const worker = await startWorker(n8n, 'worker-1', { concurrency: 1 });
	defer(() => worker.stop());
	const h = await n8n.login();
	const { apiKey } = await n8n.createApiKey({ headers: h });
	await n8n.importCredentials([memoryCredential(n8n.server.url, apiKey)]);
	const idle = peaks(worker.pid);

	const run = async (which, timeoutMs) => {
		const known = new Set((await n8n.listExecutions(o.ids[which], h)).map((x) => x.id));
		const t0 = Date.now();
		const id = await runViaWebhook(n8n, {
			path: hooks[which],
			workflowId: o.ids[which],
			known,
			headers: h,
		});
		const r = await n8n.waitExecution(id, { headers: h, timeoutMs });
		return {
			id,
			status: r.status,
			by: workersOf([worker], id),
			executionS: span(r.run),
			wallS: (Date.now() - t0) / 1000,
			error: r.run?.data?.resultData?.error?.message,
			peaks: peaks(worker.pid),
		};
	};
	const empty = await run('empty', 120000);
	log(
		`queue: empty workflow on ${empty.by.join(', ') || 'no worker'}: ${empty.status}; worker peak ${empty.peaks.workerMb.toFixed(0)} MB (idle ${idle.workerMb.toFixed(0)} MB)`,
	);
	log(`queue: chain (${customers} customers, ${want.length} pairs) via webhook ...`);
	const chain = await run('chain', 30 * 60 * 1000);
	const [grStats, grLog, grState] = [await gr.stats(), await gr.log(), await gr.state()];
	const mpStats = await mp.stats();
	await mp.close();
	await gr.close();
	return {
		customers,
		pairs: want.length,
		idle,
		empty,
		chain,
		push: pushRate(grLog),
		tooMany: grStats.tooManyRequests,
		mpCalls: mpStats.requests,
		lost: lostPairs(want, grState).length,
		versions: runtime.services.versions,
		memory,
	};
}
