// Helpers to drive a real n8n (the runtime from runtime.mjs) from the e2e test, the demo and
// the benchmarks: a user folder, our package installed the way users install community
// packages, CLI imports and executions, a server on 127.0.0.1 with an owner, and the peak
// memory of an n8n process. Plain ESM, runs on the machine's Node 20.
//
//   const runtime = await ensureRuntime();                  // runtime.mjs
//   const userFolder = makeUserFolder();
//   installPackage(userFolder);                            // npm run build, npm pack, npm install
//   const n8n = new N8n({ runtime, userFolder });
//   await n8n.importCredentials(emulatorCredentials(mp, gradient));
//   await n8n.importWorkflow(loadExample('nightly'));
//   const r = await n8n.executeWorkflow(WORKFLOW_IDS.nightly);
//   r.status, outputItems(r.run, 'Gradient Push Billable', 0), r.ms,
//   r.memory.peakKb (VmHWM of n8n), r.memory.treePeakKb (n8n + task runners, sampled)
//   await n8n.startServer({ port }); await n8n.login(); ...; await n8n.stopServer();
//   removeFolder(userFolder);
// For any other child process: const m = watchMemory(child.pid); ...; m.stop().peakKb.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, readText, stopProcessGroup, watchMemory } from './processes.mjs';
import { cleanEnv } from './runtime.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-mailprotector-gradient';

// Fixed so that credentials imported by one command decrypt in the next; a test value only.
export const ENCRYPTION_KEY = 'mpg-e2e-only-encryption-key-4d1f7a2c';

/** The owner made at server start (route B: env vars with a bcrypt hash). Demo values only. */
export const DEFAULT_OWNER = {
	email: 'owner@mpg-demo.test',
	firstName: 'Billing',
	lastName: 'Demo',
	password: 'Mpg-Demo-2026!',
};

const seconds = (ms) => (ms / 1000).toFixed(1) + ' s';

/** A fresh N8N_USER_FOLDER (n8n keeps its data in <folder>/.n8n). */
export function makeUserFolder(prefix = 'mpg-n8n-') {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	fs.mkdirSync(path.join(dir, '.n8n', 'nodes'), { recursive: true });
	return dir;
}

export function removeFolder(dir) {
	if (dir && dir.startsWith(os.tmpdir() + path.sep))
		fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Our package: build, pack, install into <userFolder>/.n8n/nodes.

function sh(cmd, args, { cwd, env, label }) {
	const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (r.status !== 0) {
		throw new Error(
			`${label} failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-3000)}\n${(r.stderr ?? '').slice(-3000)}`,
		);
	}
	return r.stdout;
}

let packed;

/**
 * `npm run build` (unless build: false) and `npm pack`; once per process. Returns the .tgz path.
 * Other people may build in the same tree at the same moment (`n8n-node build` starts by
 * deleting dist/), so the packed file list is checked against package.json and the
 * build + pack is repeated when something is missing.
 */
export function packPackage({
	log = console.log,
	build = process.env.MPG_E2E_SKIP_BUILD !== '1',
} = {}) {
	if (packed && fs.existsSync(packed)) return packed;
	const env = cleanEnv();
	const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
	const wanted = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
	const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'mpg-pack-'));
	process.on('exit', () => fs.rmSync(dest, { recursive: true, force: true }));
	for (let attempt = 1; ; attempt++) {
		if (build) {
			const t0 = Date.now();
			log('package: npm run build');
			sh('npm', ['run', 'build'], { cwd: repoRoot, env, label: 'npm run build' });
			log(`package: built in ${seconds(Date.now() - t0)}`);
		}
		const out = sh('npm', ['pack', '--json', '--pack-destination', dest], {
			cwd: repoRoot,
			env,
			label: 'npm pack',
		});
		const info = JSON.parse(out.slice(out.indexOf('[')))[0];
		const files = new Set(info.files.map((f) => f.path));
		const missing = wanted.filter((f) => !files.has(f));
		if (missing.length === 0) {
			packed = path.join(dest, info.filename);
			log(`package: packed ${info.filename} (${info.entryCount} files, ${info.size} bytes)`);
			return packed;
		}
		if (!build || attempt >= 3) {
			throw new Error(`the packed package lacks ${missing.join(', ')} (is dist/ built?)`);
		}
		log(
			`package: the tarball lacks ${missing.length} file(s) (dist/ changed while packing?); building again`,
		);
	}
}

/**
 * Installs the package as users install community packages: the tarball into
 * <userFolder>/.n8n/nodes with `npm install --legacy-peer-deps --ignore-scripts` (so npm does
 * not bring its own n8n-workflow). Returns the installed package folder.
 */
export function installPackage(
	userFolder,
	{ log = console.log, tgz, build = process.env.MPG_E2E_SKIP_BUILD !== '1' } = {},
) {
	const t0 = Date.now();
	tgz ??= packPackage({ log, build });
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJson)) fs.writeFileSync(pkgJson, '{}\n');
	// A copy next to package.json, so the file: reference npm records stays valid.
	const local = path.join(nodesDir, path.basename(tgz));
	fs.copyFileSync(tgz, local);
	sh(
		'npm',
		[
			'install',
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'./' + path.basename(tgz),
		],
		{ cwd: nodesDir, env: cleanEnv(), label: 'npm install <package tarball>' },
	);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
	const missing = [...manifest.n8n.nodes, ...manifest.n8n.credentials].filter(
		(f) => !fs.existsSync(path.join(installed, f)),
	);
	if (missing.length) throw new Error(`installed package lacks ${missing.join(', ')}`);
	if (fs.existsSync(path.join(installed, 'node_modules', 'n8n-workflow'))) {
		throw new Error('npm installed its own n8n-workflow next to the package');
	}
	log(
		`package: installed ${PACKAGE_NAME}@${manifest.version} into ${nodesDir} in ${seconds(Date.now() - t0)}`,
	);
	return installed;
}

// ---------------------------------------------------------------------------------------------
// n8n itself.

/** A bcrypt hash made with n8n's own bcryptjs (route B owner setup). */
export function bcryptHash(runtime, password) {
	const r = spawnSync(
		runtime.nodeBin,
		['-e', 'console.log(require("bcryptjs").hashSync(process.argv[1], 10))', password],
		{ cwd: runtime.appDir, encoding: 'utf8', env: runtime.env },
	);
	if (r.status !== 0) throw new Error(`bcrypt hash failed: ${r.stderr}`);
	return r.stdout.trim();
}

export function ownerEnv(runtime, owner = DEFAULT_OWNER) {
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(runtime, owner.password),
	};
}

/** JSON of an `n8n execute --rawOutput` stdout: from the first line that starts with `{`. */
export function parseRawOutput(stdout) {
	const start = stdout.startsWith('{') ? 0 : stdout.indexOf('\n{') + 1;
	if (start === 0 && !stdout.startsWith('{')) return undefined;
	const end = stdout.lastIndexOf('\n}');
	try {
		return JSON.parse(stdout.slice(start, end > start ? end + 2 : undefined));
	} catch {
		return undefined;
	}
}

/** Items of one output of one node in a run (`[]` when the node did not run). */
export function outputItems(run, nodeName, outputIndex = 0, runIndex = 0) {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[runIndex];
	return (task?.data?.main?.[outputIndex] ?? []).map((i) => i.json);
}

/**
 * One n8n home: a user folder and the runtime. Every command's output is kept in `transcript`
 * (for the leak check).
 */
export class N8n {
	/**
	 * @param {{ runtime: { nodeBin: string, n8nBin: string, appDir: string, env: Record<string,string> },
	 *   userFolder: string, log?: (line: string) => void, env?: Record<string,string> }} o
	 */
	constructor({ runtime, userFolder, log = console.log, env = {} }) {
		this.runtime = runtime;
		this.userFolder = userFolder;
		this.log = log;
		this.extraEnv = env;
		this.transcript = [];
		this.server = undefined;
	}

	env(extra = {}) {
		return {
			...this.runtime.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_LOG_LEVEL: 'info',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			DB_SQLITE_POOL_SIZE: '2',
			...this.extraEnv,
			...extra,
		};
	}

	/** Runs `n8n <args>` to its end. Resolves { code, stdout, stderr, ms, memory }. */
	async run(args, { env = {}, timeoutMs = 10 * 60 * 1000, label = args[0] } = {}) {
		const brokerPort = await freePort();
		const t0 = Date.now();
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env }),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const memory = watchMemory(child.pid);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const timer = setTimeout(() => {
			this.log(`n8n ${label}: no end after ${seconds(timeoutMs)}; stopping pid ${child.pid}`);
			child.kill('SIGKILL');
		}, timeoutMs);
		const code = await new Promise((resolve) => {
			child.on('error', () => resolve(-1));
			child.on('close', (c) => resolve(c ?? -1));
		});
		clearTimeout(timer);
		const mem = memory.stop();
		const result = { code, stdout, stderr, ms: Date.now() - t0, memory: mem, pid: child.pid };
		this.transcript.push({ args, stdout, stderr });
		return result;
	}

	async #importFile(kind, data, label) {
		const file = path.join(this.userFolder, `import-${kind}-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(data, null, 2));
		try {
			const r = await this.run([`import:${kind}`, `--input=${file}`], { label });
			if (r.code !== 0)
				throw new Error(
					`n8n import:${kind} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout.slice(-2000)}`,
				);
			this.log(`n8n: import:${kind} (${label}) in ${seconds(r.ms)}`);
			return r;
		} finally {
			// The credential file holds plaintext keys (test keys, but still).
			fs.rmSync(file, { force: true });
		}
	}

	/** credentials: [{ id (16 chars), name, type, data }] with plaintext data. */
	importCredentials(credentials) {
		return this.#importFile('credentials', credentials, credentials.map((c) => c.name).join(', '));
	}

	/** workflow: one workflow object or an array (fixed 16-char ids). */
	importWorkflow(workflow) {
		const list = Array.isArray(workflow) ? workflow : [workflow];
		return this.#importFile('workflow', list, list.map((w) => w.name).join(', '));
	}

	/** `n8n publish:workflow` (activation; takes effect at the next server start). */
	async publishWorkflow(id) {
		const r = await this.run(['publish:workflow', `--id=${id}`]);
		if (r.code !== 0) throw new Error(`n8n publish:workflow failed:\n${r.stderr}`);
		return r;
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. Resolves { code, run (the parsed IRun or undefined),
	 * status, stdout, stderr, ms, memory }.
	 */
	async executeWorkflow(id, { env = {}, timeoutMs } = {}) {
		const r = await this.run(['execute', `--id=${id}`, '--rawOutput'], {
			env: { N8N_LOG_LEVEL: 'info', ...env },
			timeoutMs,
			label: `execute ${id}`,
		});
		const run = parseRawOutput(r.stdout);
		return { ...r, run, status: run?.status };
	}

	/**
	 * `n8n start` on 127.0.0.1 (own process group, output to <userFolder>/n8n-server.log), with
	 * the owner set up from env vars. Resolves when /healthz/readiness says ok.
	 */
	async startServer({ port = 5678, owner = DEFAULT_OWNER, timeoutMs = 180000, env = {} } = {}) {
		if (this.server) throw new Error('server already running');
		const logFile = path.join(this.userFolder, 'n8n-server.log');
		const fd = fs.openSync(logFile, 'a');
		const url = `http://127.0.0.1:${port}`;
		const brokerPort = await freePort();
		const t0 = Date.now();
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: this.env({
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_PORT: String(port),
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_SECURE_COOKIE: 'false',
				WEBHOOK_URL: `${url}/`,
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...(owner ? ownerEnv(this.runtime, owner) : {}),
				...env,
			}),
			stdio: ['ignore', fd, fd],
			detached: true,
		});
		fs.closeSync(fd);
		let exited;
		child.on('exit', (code) => (exited = code ?? -1));
		this.server = {
			pid: child.pid,
			url,
			port,
			logFile,
			owner,
			child,
			memory: watchMemory(child.pid, 250),
		};
		for (;;) {
			if (exited !== undefined) {
				this.server.memory.stop();
				this.server = undefined;
				throw new Error(`n8n start exited (${exited}):\n${tail(logFile)}`);
			}
			try {
				const res = await fetch(`${url}/healthz/readiness`);
				if (res.ok) break;
			} catch {
				// not listening yet
			}
			if (Date.now() - t0 > timeoutMs) {
				await this.stopServer();
				throw new Error(`n8n start not ready after ${seconds(timeoutMs)}:\n${tail(logFile)}`);
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		this.log(`n8n: server ready on ${url} (pid ${child.pid}) in ${seconds(Date.now() - t0)}`);
		return this.server;
	}

	/** SIGTERM to the server's process group (its task runners included), SIGKILL after 15 s. */
	async stopServer() {
		const s = this.server;
		if (!s) return undefined;
		this.server = undefined;
		await stopProcessGroup(s.child, 15000);
		const memory = s.memory.stop();
		this.transcript.push({ args: ['start'], stdout: readText(s.logFile), stderr: '' });
		this.log(`n8n: server pid ${s.pid} stopped`);
		return memory;
	}

	/**
	 * POST /rest/login; resolves the headers to send with later REST calls (n8n binds the auth
	 * cookie to the `browser-id` header it was issued with).
	 */
	async login(owner = this.server?.owner ?? DEFAULT_OWNER) {
		const browserId = 'mpg-e2e-browser';
		const res = await fetch(`${this.server.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!res.ok) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
		const cookies = res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie')];
		return { cookie: cookies.map((c) => c.split(';')[0]).join('; '), 'browser-id': browserId };
	}

	/**
	 * Creates an n8n API key for the logged-in owner (REST POST /rest/api-keys, as Settings > n8n
	 * API does) and resolves { apiKey, id, scopes }. `scopes` default to the data-table scopes the
	 * billing memory needs; no licence is needed for them (checked in n8n 2.41.1).
	 */
	async createApiKey({ label = 'mpg billing memory', scopes = MEMORY_API_SCOPES, headers } = {}) {
		const created = await this.rest('/rest/api-keys', {
			method: 'POST',
			headers,
			body: { label, scopes, expiresAt: null },
		});
		const key = created.data ?? created;
		return { apiKey: key.rawApiKey, id: key.id, scopes: key.scopes };
	}

	/** The Billing Memory credential's target on this server: { url, apiKey } for emulatorCredentials. */
	async memoryTarget(options) {
		const { apiKey } = await this.createApiKey(options);
		return { url: this.server.url, apiKey };
	}

	/** GET/POST on the running server's REST API with the login headers; resolves parsed JSON. */
	async rest(pathname, { method = 'GET', body, headers } = {}) {
		headers ??= await this.login();
		const res = await fetch(`${this.server.url}${pathname}`, {
			method,
			headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${pathname}: HTTP ${res.status} ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	/** Publishes (activates) a workflow on the running server: its triggers start firing. */
	async activate(workflowId, headers) {
		headers ??= await this.login();
		const wf = (await this.rest(`/rest/workflows/${workflowId}`, { headers })).data;
		return (
			await this.rest(`/rest/workflows/${workflowId}/activate`, {
				method: 'POST',
				headers,
				body: { versionId: wf.versionId },
			})
		).data;
	}

	async deactivate(workflowId, headers) {
		headers ??= await this.login();
		return (
			await this.rest(`/rest/workflows/${workflowId}/deactivate`, {
				method: 'POST',
				headers,
				body: {},
			})
		).data;
	}

	/**
	 * Runs a workflow on the server as the editor's button does (mode "manual": n8n does not save
	 * static data for it), starting from the named trigger. Resolves the execution id.
	 */
	async runManually(workflowId, triggerName, headers) {
		headers ??= await this.login();
		const r = await this.rest(`/rest/workflows/${workflowId}/run`, {
			method: 'POST',
			headers,
			body: { triggerToStartFrom: { name: triggerName } },
		});
		const id = r.data?.executionId;
		if (!id)
			throw new Error(`run of ${workflowId} did not start: ${JSON.stringify(r).slice(0, 300)}`);
		return id;
	}

	/** The server's executions of a workflow, newest first: [{ id, mode, status, startedAt, stoppedAt }]. */
	async listExecutions(workflowId, headers) {
		headers ??= await this.login();
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const r = await this.rest(`/rest/executions?filter=${filter}&limit=50`, { headers });
		return r.data.results;
	}

	/**
	 * Waits until an execution has finished; resolves { id, status, mode, run } where `run` has
	 * the shape `n8n execute --rawOutput` prints (so outputItems() works on it).
	 */
	async waitExecution(id, { headers, timeoutMs = 120000 } = {}) {
		headers ??= await this.login();
		const t0 = Date.now();
		for (;;) {
			const e = (await this.rest(`/rest/executions/${id}`, { headers })).data;
			if (e && e.finished !== undefined && !['new', 'running', 'waiting'].includes(e.status)) {
				const flatted = createRequire(path.join(this.runtime.appDir, 'package.json'))('flatted');
				const data = typeof e.data === 'string' ? flatted.parse(e.data) : e.data;
				return { id, status: e.status, mode: e.mode, run: { ...e, data } };
			}
			if (Date.now() - t0 > timeoutMs)
				throw new Error(`execution ${id} not finished after ${timeoutMs / 1000} s`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}

	/** Everything n8n printed so far (commands and server log), for the leak check. */
	allOutput() {
		const parts = this.transcript.map((t) => `${t.stdout}\n${t.stderr}`);
		if (this.server) parts.push(readText(this.server.logFile));
		return parts.join('\n');
	}
}

function tail(file, n = 4000) {
	return readText(file).slice(-n);
}

// ---------------------------------------------------------------------------------------------
// The example workflows and the emulator credentials (shared by the e2e test and the demo).

/** The API key scopes the billing memory (n8n data table) uses. */
export const MEMORY_API_SCOPES = [
	'dataTable:list',
	'dataTable:create',
	'dataTable:read',
	'dataTableRow:read',
	'dataTableRow:create',
	'dataTableRow:update',
	'dataTableRow:upsert',
	'dataTableRow:delete',
];

export const WORKFLOW_IDS = {
	nightly: 'mpgNightlySync01',
	weekly: 'mpgWeeklyDryRun1',
	errors: 'mpgErrorAlerts01',
};
const EXAMPLE_FILES = {
	nightly: 'nightly-sync.workflow.json',
	weekly: 'weekly-dry-run.workflow.json',
	errors: 'error-alert.workflow.json',
};

/** An example workflow from examples/ (a fresh object each call). */
export function loadExample(which) {
	return JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', EXAMPLE_FILES[which]), 'utf8'));
}

/**
 * The copy of an example that `n8n execute` can run: the CLI command does not load n8n's
 * Data Table module ("Attempted to use Data table node but the module is disabled"), so the
 * audit-table nodes are disabled (a disabled node passes its items through). The server runs
 * them as they are. Returns { workflow, disabled: [names] }.
 */
export function cliCopy(workflow, { edit } = {}) {
	const copy = structuredClone(workflow);
	const disabled = [];
	for (const n of copy.nodes) {
		if (n.type === 'n8n-nodes-base.dataTable') {
			n.disabled = true;
			disabled.push(n.name);
		}
	}
	edit?.(copy);
	return { workflow: copy, disabled };
}

/**
 * Credentials for the emulators, from test/e2e/credentials.example.json with URLs and keys set.
 * `memory` ({ url, apiKey }) is where the Billing Memory credential points: the n8nDataTables
 * emulator (CLI runs have no server), or a real n8n's own API with a key from createApiKey().
 */
export function emulatorCredentials(mp, gradient, memory) {
	const list = JSON.parse(fs.readFileSync(path.join(here, 'credentials.example.json'), 'utf8'));
	for (const c of list) {
		if (c.type === 'mailprotectorApi') {
			Object.assign(c.data, {
				apiKey: mp.apiKey,
				resellerId: String(mp.resellerId),
				baseUrl: mp.url,
			});
		}
		if (c.type === 'gradientApi') {
			Object.assign(c.data, {
				vendorApiKey: gradient.vendorApiKey,
				partnerApiKey: gradient.partnerApiKey,
				baseUrl: gradient.url,
			});
		}
		if (c.type === 'mailprotectorGradientMemoryApi') {
			if (!memory)
				throw new Error('emulatorCredentials: pass { url, apiKey } for the billing memory');
			Object.assign(c.data, { apiKey: memory.apiKey, baseUrl: memory.url });
		}
	}
	return list;
}

export function nodeById(workflow, name) {
	const n = workflow.nodes.find((x) => x.name === name);
	if (!n) throw new Error(`no node "${name}" in ${workflow.name}`);
	return n;
}
