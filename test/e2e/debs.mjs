// Installs (once) Redis and PostgreSQL for the queue-mode e2e and bench from Debian's own
// packages, without root's `apt install`: `apt-get download` the .debs (the packages and the
// libraries they link to, found with `apt-cache depends`) and `dpkg-deb -x` them into
// <runtime dir>/services/root. Called by ensureRuntime({ services: true }) under its lock.
//
//   <dir>/services/root/usr/bin/redis-server, usr/lib/postgresql/15/bin/{initdb,postgres,psql}
//   <dir>/services/.mpg-stamp.json   written last, once the binaries start and link completely
//
// Libraries every Debian system has (glibc, libstdc++) are left out on purpose: loading a second
// glibc next to the system's dynamic loader breaks every program. So are the packages only
// Postgres' JIT (LLVM) or the Debian wrapper scripts (Perl) need. Runs on Node 20, no deps.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const STAMP = '.mpg-stamp.json';
const STAMP_FORMAT = 1;
export const PG_MAJOR = '15';
const ROOTS = [
	'redis-server',
	'redis-tools',
	'libjemalloc2',
	'liblzf1',
	`postgresql-${PG_MAJOR}`,
	`postgresql-client-${PG_MAJOR}`,
	'libpq5',
];
// Dependencies we do not extract: the C runtime (always present, must stay the system's), LLVM
// (JIT only; we run with jit=off), Perl and what only Debian's maintainer scripts use.
const LEAVE_OUT =
	/^(libc6|libc-bin|libc-l10n|libgcc-s\d+|libstdc\+\+\d+|libcrypt\d|gcc-\d+-base|libllvm\d+|libz3-\d+|libperl|libgdbm|libdb\d|libdebian-installer|libnewt|libslang|libtextwrap|libsemanage|libsepol|libelogind|libpam-modules)|-perl$/;

function sh(cmd, args, { cwd, label } = {}) {
	const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (r.status !== 0)
		throw new Error(
			`${label ?? cmd} failed (exit ${r.status ?? r.error?.code}): ${(r.stderr || r.stdout || '').slice(-2000)}`,
		);
	return r.stdout;
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/** Paths inside an extracted root. */
export function servicePaths(root) {
	const pgBin = path.join(root, 'usr', 'lib', 'postgresql', PG_MAJOR, 'bin');
	const libDirs = [
		path.join(root, 'usr', 'lib', 'x86_64-linux-gnu'),
		path.join(root, 'lib', 'x86_64-linux-gnu'),
	].filter((d) => fs.existsSync(d));
	return {
		root,
		redisServer: path.join(root, 'usr', 'bin', 'redis-server'),
		redisCli: path.join(root, 'usr', 'bin', 'redis-cli'),
		initdb: path.join(pgBin, 'initdb'),
		postgres: path.join(pgBin, 'postgres'),
		psql: path.join(pgBin, 'psql'),
		libDirs,
		env: { LD_LIBRARY_PATH: [...libDirs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
	};
}

function versionOf(bin, env) {
	const r = spawnSync(bin, ['--version'], {
		encoding: 'utf8',
		env: { ...process.env, ...env },
	});
	return r.status === 0 ? r.stdout.trim().split('\n')[0] : undefined;
}

/** Shared objects a binary cannot find with our LD_LIBRARY_PATH (`ldd` says "not found"). */
function unresolved(bin, env) {
	const r = spawnSync('ldd', [bin], { encoding: 'utf8', env: { ...process.env, ...env } });
	return (r.stdout ?? '')
		.split('\n')
		.filter((l) => /not found/.test(l))
		.map((l) => l.trim().split(' ')[0]);
}

function check(p) {
	const problems = [];
	const versions = {};
	for (const [name, bin] of [
		['redis-server', p.redisServer],
		['redis-cli', p.redisCli],
		['initdb', p.initdb],
		['postgres', p.postgres],
		['psql', p.psql],
	]) {
		const missing = fs.existsSync(bin) ? unresolved(bin, p.env) : ['(binary missing)'];
		if (missing.length) problems.push(`${name}: ${missing.join(', ')}`);
		else {
			versions[name] = versionOf(bin, p.env);
			if (!versions[name]) problems.push(`${name}: --version fails`);
		}
	}
	return { problems, versions };
}

/** The root packages and every library package they pull in, minus LEAVE_OUT. */
function closure(log) {
	const ask = () =>
		spawnSync(
			'apt-cache',
			[
				'depends',
				'--recurse',
				'--no-recommends',
				'--no-suggests',
				'--no-conflicts',
				'--no-breaks',
				'--no-replaces',
				'--no-enhances',
				...ROOTS,
			],
			{ encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
		);
	let r = ask();
	if (r.status !== 0 || !r.stdout.includes(`postgresql-${PG_MAJOR}`)) {
		log('runtime: apt-cache knows no postgresql/redis packages; running apt-get update');
		sh('apt-get', ['update'], { label: 'apt-get update' });
		r = ask();
	}
	if (r.status !== 0) throw new Error(`apt-cache depends failed: ${r.stderr}`);
	const names = new Set(
		r.stdout
			.split('\n')
			.filter((l) => l && !l.startsWith(' ') && !l.startsWith('<'))
			.map((l) => l.trim()),
	);
	return [...names]
		.filter((n) => ROOTS.includes(n) || (n.startsWith('lib') && !LEAVE_OUT.test(n)))
		.sort();
}

/**
 * Makes sure Redis and PostgreSQL are extracted under <base>/services; returns servicePaths()
 * plus versions.
 */
export async function ensureServices(base, log = console.log) {
	const dir = path.join(base, 'services');
	const stamp = readJson(path.join(dir, STAMP));
	if (stamp?.format === STAMP_FORMAT && stamp.roots?.join(' ') === ROOTS.join(' ')) {
		const p = servicePaths(path.join(dir, 'root'));
		const { problems, versions } = check(p);
		if (!problems.length) {
			log(`runtime: Redis and PostgreSQL ${PG_MAJOR} ready (${dir})`);
			return { ...p, versions };
		}
		log(`runtime: cached Redis/PostgreSQL do not run (${problems.join('; ')}); reinstalling`);
	}
	const t0 = Date.now();
	const tmp = `${dir}.tmp-${process.pid}`;
	fs.rmSync(tmp, { recursive: true, force: true });
	const debs = path.join(tmp, 'debs');
	const root = path.join(tmp, 'root');
	fs.mkdirSync(debs, { recursive: true });
	fs.mkdirSync(root, { recursive: true });
	const packages = closure(log);
	log(
		`runtime: downloading ${packages.length} Debian packages for Redis and PostgreSQL ${PG_MAJOR} (apt-get download)`,
	);
	// `_apt` cannot write into a folder under /root; apt then downloads as root and says so.
	sh('apt-get', ['download', ...packages], { cwd: debs, label: 'apt-get download' });
	const files = fs.readdirSync(debs).filter((f) => f.endsWith('.deb'));
	for (const f of files)
		sh('dpkg-deb', ['-x', path.join(debs, f), root], { label: `dpkg-deb -x ${f}` });
	fs.rmSync(debs, { recursive: true, force: true });
	const p = servicePaths(root);
	const { problems, versions } = check(p);
	if (problems.length)
		throw new Error(`Redis/PostgreSQL extracted but incomplete: ${problems.join('; ')}`);
	fs.writeFileSync(
		path.join(tmp, STAMP),
		JSON.stringify(
			{
				format: STAMP_FORMAT,
				roots: ROOTS,
				packages: files.sort(),
				versions,
				at: new Date().toISOString(),
			},
			null,
			2,
		) + '\n',
	);
	const old = `${dir}.old-${process.pid}`;
	if (fs.existsSync(dir)) fs.renameSync(dir, old);
	fs.renameSync(tmp, dir);
	fs.rmSync(old, { recursive: true, force: true });
	log(
		`runtime: Redis and PostgreSQL installed from ${files.length} .debs in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
			`(${versions['redis-server']}; ${versions.postgres})`,
	);
	return { ...servicePaths(path.join(dir, 'root')), versions };
}
