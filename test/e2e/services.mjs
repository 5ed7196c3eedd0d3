// Redis and PostgreSQL for queue mode, from the binaries debs.mjs extracted: each in its own
// temp folder on a free 127.0.0.1 port, in its own process group, stopped by PID.
//
//   const redis = await startRedis(runtime.services);       // { port, pid, stop() }
//   const pg = await startPostgres(runtime.services);       // { port, pid, database, user, password, stop() }
//   n8nQueueEnv({ redis, pg })                              // the env vars every n8n process needs
//
// Postgres refuses to run as root: as root, it runs as `nobody` (or a user made with useradd),
// from a hard-linked copy of the binaries in a folder that user can reach (/root is 0700).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { servicePaths } from './debs.mjs';
import { freePort, readText } from './processes.mjs';

const PG_USER = 'mpg-pg';

function tail(file, n = 3000) {
	return readText(file).slice(-n);
}

/** Spawns a long-running service detached (own group), output to a log file. */
function launch(bin, args, { cwd, env, logFile, uid, gid }) {
	const fd = fs.openSync(logFile, 'a');
	if (uid !== undefined) fs.fchownSync(fd, uid, gid);
	const child = spawn(bin, args, {
		cwd,
		env: { PATH: process.env.PATH, LANG: 'C', ...env },
		stdio: ['ignore', fd, fd],
		detached: true,
		uid,
		gid,
	});
	fs.closeSync(fd);
	let exited;
	child.on('exit', (code, signal) => (exited = code ?? signal));
	return { child, exited: () => exited };
}

/** SIGTERM to the process (group), SIGKILL after `graceMs`; resolves when it is gone. */
async function stopProcess(child, { signal = 'SIGTERM', graceMs = 10000 } = {}) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const gone = new Promise((r) => child.once('exit', r));
	const send = (sig) => {
		try {
			process.kill(-child.pid, sig);
		} catch {
			try {
				process.kill(child.pid, sig);
			} catch {
				// already gone
			}
		}
	};
	send(signal);
	const timer = setTimeout(() => send('SIGKILL'), graceMs);
	await gone;
	clearTimeout(timer);
}

async function waitFor(what, probe, { exited, logFile, timeoutMs = 30000 }) {
	const t0 = Date.now();
	for (;;) {
		if (exited() !== undefined) throw new Error(`${what} exited (${exited()}):\n${tail(logFile)}`);
		if (await probe()) return Date.now() - t0;
		if (Date.now() - t0 > timeoutMs)
			throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${tail(logFile)}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

function tempDir(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	fs.chmodSync(dir, 0o755);
	return dir;
}

function removeDir(dir) {
	if (dir && dir.startsWith(os.tmpdir() + path.sep))
		fs.rmSync(dir, { recursive: true, force: true });
}

/** Redis on a free port, no persistence (no RDB snapshots, no AOF). */
export async function startRedis(services, { log = console.log } = {}) {
	const dir = tempDir('mpg-redis-');
	const port = await freePort();
	const logFile = path.join(dir, 'redis.log');
	const t0 = Date.now();
	const p = launch(
		services.redisServer,
		[
			'--bind',
			'127.0.0.1',
			'--port',
			String(port),
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
		],
		{ cwd: dir, env: services.env, logFile },
	);
	await waitFor(
		'redis-server',
		() =>
			spawnSync(services.redisCli, ['-h', '127.0.0.1', '-p', String(port), 'ping'], {
				encoding: 'utf8',
				env: { ...process.env, ...services.env },
			}).stdout?.trim() === 'PONG',
		{ exited: p.exited, logFile },
	);
	log(`redis: 127.0.0.1:${port} (pid ${p.child.pid}) ready in ${Date.now() - t0} ms`);
	return {
		port,
		pid: p.child.pid,
		dir,
		async stop() {
			await stopProcess(p.child);
			removeDir(dir);
			log(`redis: pid ${p.child.pid} stopped`);
		},
	};
}

/** uid/gid to run Postgres as: ourselves unless root; then `nobody`, else a user we create. */
function postgresUser() {
	if (process.getuid() !== 0) return undefined;
	const look = (name) => {
		const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
		if (r.status !== 0) return undefined;
		const f = r.stdout.trim().split(':');
		return { name, uid: Number(f[2]), gid: Number(f[3]) };
	};
	const found = look('nobody') ?? look(PG_USER);
	if (found) return found;
	const r = spawnSync(
		'useradd',
		['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER],
		{
			encoding: 'utf8',
		},
	);
	if (r.status !== 0) throw new Error(`useradd ${PG_USER} failed: ${r.stderr}`);
	return look(PG_USER);
}

/**
 * PostgreSQL on a free port: initdb (trust auth, 127.0.0.1 only), a database `n8n`. Durability
 * is off (fsync, synchronous_commit): a throwaway test database.
 */
export async function startPostgres(services, { log = console.log, database = 'n8n' } = {}) {
	const dir = tempDir('mpg-postgres-');
	const user = postgresUser();
	let bins = services;
	if (user) {
		// Postgres' user cannot enter /root: a hard-linked (or copied) tree under our temp folder.
		const copy = path.join(dir, 'root');
		const r = spawnSync('cp', ['-al', services.root, copy]);
		if (r.status !== 0) fs.cpSync(services.root, copy, { recursive: true, verbatimSymlinks: true });
		bins = servicePaths(copy);
	}
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { mode: 0o700 });
	if (user) fs.chownSync(data, user.uid, user.gid);
	const ids = user ? { uid: user.uid, gid: user.gid } : {};
	const env = { ...bins.env, HOME: dir };
	const dbUser = 'n8n';
	const t0 = Date.now();
	const init = spawnSync(
		bins.initdb,
		['-D', data, '-U', dbUser, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
		{ cwd: dir, env: { PATH: process.env.PATH, LANG: 'C', ...env }, encoding: 'utf8', ...ids },
	);
	if (init.status !== 0) {
		removeDir(dir);
		throw new Error(`initdb failed (exit ${init.status}): ${init.stderr || init.stdout}`);
	}
	const port = await freePort();
	const logFile = path.join(dir, 'postgres.log');
	const p = launch(
		bins.postgres,
		[
			'-D',
			data,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'unix_socket_directories=',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'jit=off',
			'-c',
			'shared_buffers=32MB',
			'-c',
			'max_connections=60',
		],
		{ cwd: dir, env, logFile, ...ids },
	);
	const psql = (sql, db = 'postgres') =>
		spawnSync(
			bins.psql,
			['-h', '127.0.0.1', '-p', String(port), '-U', dbUser, '-d', db, '-tAc', sql],
			{ encoding: 'utf8', env: { ...process.env, ...bins.env } },
		);
	try {
		await waitFor('postgres', () => psql('select 1').status === 0, {
			exited: p.exited,
			logFile,
		});
		const created = psql(`create database ${database}`);
		if (created.status !== 0) throw new Error(`create database failed: ${created.stderr}`);
	} catch (e) {
		await stopProcess(p.child, { signal: 'SIGINT' });
		removeDir(dir);
		throw e;
	}
	log(
		`postgres: 127.0.0.1:${port} (pid ${p.child.pid}${user ? `, user ${user.name}` : ''}) ready in ${Date.now() - t0} ms`,
	);
	return {
		port,
		pid: p.child.pid,
		database,
		user: dbUser,
		password: 'unused-trust-auth',
		dir,
		psql,
		async stop() {
			// SIGINT: Postgres' "fast" shutdown (ends sessions, no waiting for clients).
			await stopProcess(p.child, { signal: 'SIGINT' });
			removeDir(dir);
			log(`postgres: pid ${p.child.pid} stopped`);
		},
	};
}

/** The env vars of every queue-mode n8n process (main and workers). */
export function n8nQueueEnv({ redis, pg }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
	};
}
