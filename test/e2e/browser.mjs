// Editor screenshots with headless Debian Chromium over the DevTools protocol (no puppeteer).
//
// Two halves in one file:
//  - imported (machine Node 20): ensureChromium() finds /usr/bin/chromium or installs the
//    Debian package with apt when it can; takeScreenshots(runtime, opts) runs this file under
//    Node 24 (built-in fetch and WebSocket) and returns its JSON result.
//  - run as a script under Node 24: logs in, opens the workflow and node panels, checks that our
//    node names are on screen, saves JPEGs (docs/screenshots), kills Chromium by its PID.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Resolves { path } when Chromium is there (installing it with apt-get when missing and apt is
 * usable as root), or { skip: 'reason' }.
 */
export function ensureChromium({ log = console.log } = {}) {
	if (fs.existsSync(CHROMIUM)) return { path: CHROMIUM };
	if (process.env.MPG_E2E_INSTALL_CHROMIUM === '0')
		return { skip: `${CHROMIUM} is missing (MPG_E2E_INSTALL_CHROMIUM=0)` };
	const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).stdout.trim();
	if (!aptGet) return { skip: `${CHROMIUM} is missing and apt-get is not available` };
	if (process.getuid?.() !== 0)
		return { skip: `${CHROMIUM} is missing and installing it needs root` };
	const t0 = Date.now();
	log('browser: installing chromium with apt-get (about 1 min, ~480 MB)');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env });
	if (update.status !== 0)
		return { skip: `apt-get update failed: ${(update.stderr || '').trim().slice(-300)}` };
	const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
		encoding: 'utf8',
		env,
	});
	if (install.status !== 0 || !fs.existsSync(CHROMIUM)) {
		return {
			skip: `apt-get install chromium failed: ${(install.stderr || '').trim().slice(-300)}`,
		};
	}
	log(`browser: chromium installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return { path: CHROMIUM };
}

/**
 * Runs the screenshot script under Node 24.
 * opts: { baseUrl, owner: {email, password}, workflowId, pages: [{ name, path, expect: [text],
 *   file }], timeoutMs }. Resolves { ok, shots: [{ name, file, found, missing }], error? }.
 */
export function takeScreenshots(runtime, opts) {
	return new Promise((resolve) => {
		const child = spawn(runtime.nodeBin, [self], {
			env: { ...runtime.env, MPG_BROWSER_JOB: JSON.stringify(opts) },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => (err += c));
		child.on('close', (code) => {
			const line = out.split('\n').find((l) => l.startsWith('RESULT '));
			if (line) resolve(JSON.parse(line.slice(7)));
			else
				resolve({
					ok: false,
					shots: [],
					error: `browser script exit ${code}: ${err.slice(-2000)}`,
				});
		});
	});
}

/**
 * The editor pages worth capturing for the nightly sync: the canvas, one run, two parameter
 * panels (JPEGs under `dir`: the build copies *.png and *.svg into dist, not *.jpg).
 */
export function nightlyPages(workflow, executionId, dir) {
	const id = (name) => workflow.nodes.find((n) => n.name === name).id;
	const ours = [
		'Mailprotector Get Counts',
		'Gradient Assign Customer',
		'Gradient Map Service',
		'Gradient Push Billable',
	];
	return [
		{
			name: 'nightly sync canvas',
			path: `/workflow/${workflow.id}`,
			expect: ours,
			file: path.join(dir, 'nightly-sync-workflow.jpg'),
		},
		...(executionId
			? [
					{
						name: 'a scheduled run',
						path: `/workflow/${workflow.id}/executions/${executionId}`,
						expect: ['Gradient Push Billable'],
						file: path.join(dir, 'nightly-sync-execution.jpg'),
						settleMs: 3000,
					},
				]
			: []),
		{
			name: 'Get Counts parameters',
			path: `/workflow/${workflow.id}/${id('Mailprotector Get Counts')}`,
			expect: ['Mailprotector Get Counts', 'Count Rule'],
			file: path.join(dir, 'get-counts-parameters.jpg'),
		},
		{
			name: 'Push Billable parameters',
			path: `/workflow/${workflow.id}/${id('Gradient Push Billable')}`,
			expect: ['Gradient Push Billable', 'Dry Run', 'Zero Vanished Pairs'],
			file: path.join(dir, 'push-billable-parameters.jpg'),
		},
	];
}

// ---------------------------------------------------------------------------------------------
// The script half (Node 24).

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
	const net = await import('node:net');
	return new Promise((resolve) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

class Cdp {
	constructor(ws) {
		this.ws = ws;
		this.seq = 0;
		this.pending = new Map();
		ws.addEventListener('message', (ev) => {
			const msg = JSON.parse(
				typeof ev.data === 'string' ? ev.data : Buffer.from(ev.data).toString(),
			);
			const p = msg.id && this.pending.get(msg.id);
			if (!p) return;
			this.pending.delete(msg.id);
			if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
			else p.resolve(msg.result);
		});
	}

	static async connect(url) {
		const ws = new WebSocket(url);
		await new Promise((resolve, reject) => {
			ws.addEventListener('open', resolve, { once: true });
			ws.addEventListener('error', () => reject(new Error('DevTools WebSocket failed')), {
				once: true,
			});
		});
		return new Cdp(ws);
	}

	send(method, params = {}) {
		const id = ++this.seq;
		this.ws.send(JSON.stringify({ id, method, params }));
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject, method });
			setTimeout(() => {
				if (this.pending.delete(id)) reject(new Error(`${method}: no answer in 30 s`));
			}, 30000).unref();
		});
	}

	async evaluate(expression) {
		const r = await this.send('Runtime.evaluate', {
			expression,
			awaitPromise: true,
			returnByValue: true,
		});
		if (r.exceptionDetails)
			throw new Error(
				`evaluate: ${r.exceptionDetails.text} ${r.exceptionDetails.exception?.description ?? ''}`,
			);
		return r.result.value;
	}

	async waitFor(expression, timeoutMs, label) {
		const t0 = Date.now();
		for (;;) {
			try {
				if (await this.evaluate(expression)) return true;
			} catch {
				// the page is navigating
			}
			if (Date.now() - t0 > timeoutMs)
				throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${label}`);
			await sleep(500);
		}
	}

	close() {
		this.ws.close();
	}
}

async function runJob(job) {
	const port = await freePort();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mpg-chromium-'));
	const chromium = spawn(
		CHROMIUM,
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--hide-scrollbars',
			`--user-data-dir=${profile}`,
			'--window-size=1400,900',
			`--remote-debugging-port=${port}`,
			'about:blank',
		],
		{ stdio: 'ignore', detached: true },
	);
	const shots = [];
	let cdp;
	try {
		let target;
		for (let i = 0; i < 60 && !target; i++) {
			try {
				const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
				target = list.find((t) => t.type === 'page');
			} catch {
				// not up yet
			}
			if (!target) await sleep(500);
		}
		if (!target) throw new Error('Chromium did not open a DevTools page target');
		cdp = await Cdp.connect(target.webSocketDebuggerUrl);
		await cdp.send('Page.enable');
		await cdp.send('Runtime.enable');
		await cdp.send('Emulation.setDeviceMetricsOverride', {
			width: 1400,
			height: 900,
			deviceScaleFactor: 1,
			mobile: false,
		});

		await cdp.send('Page.navigate', { url: `${job.baseUrl}/signin` });
		await cdp.waitFor(
			`!!document.querySelector('input[type="email"], input[name="emailOrLdapLoginId"], input[autocomplete="email"]')`,
			60000,
			'the sign-in form',
		);
		// Log in from inside the page, so the cookie is bound to the page's browser id.
		const status = await cdp.evaluate(`fetch('/rest/login', {
			method: 'POST', credentials: 'same-origin',
			headers: { 'content-type': 'application/json', 'browser-id': localStorage.getItem('n8n-browserId') || '' },
			body: JSON.stringify(${JSON.stringify({ emailOrLdapLoginId: job.owner.email, password: job.owner.password })}),
		}).then((r) => r.status)`);
		if (status !== 200) throw new Error(`login from the page answered HTTP ${status}`);

		for (const page of job.pages) {
			await cdp.send('Page.navigate', { url: `${job.baseUrl}${page.path}` });
			const expectList = JSON.stringify(page.expect);
			let missing = [];
			try {
				await cdp.waitFor(
					`${expectList}.every((t) => document.body && document.body.innerText.includes(t))`,
					job.timeoutMs ?? 45000,
					`${page.name}: ${page.expect.join(', ')}`,
				);
			} catch {
				missing = await cdp
					.evaluate(
						`${expectList}.filter((t) => !(document.body && document.body.innerText.includes(t)))`,
					)
					.catch(() => page.expect);
			}
			await sleep(page.settleMs ?? 1500); // let the canvas finish fitting and the icons load
			// JPEG, not PNG: `n8n-node build` copies every **/*.png of the repo into dist/ (so into
			// the npm package); *.jpg is left alone.
			const shot = await cdp.send('Page.captureScreenshot', { format: 'jpeg', quality: 90 });
			fs.mkdirSync(path.dirname(page.file), { recursive: true });
			fs.writeFileSync(page.file, Buffer.from(shot.data, 'base64'));
			shots.push({
				name: page.name,
				file: page.file,
				found: page.expect.filter((t) => !missing.includes(t)),
				missing,
			});
		}
		return { ok: shots.every((s) => s.missing.length === 0), shots };
	} catch (error) {
		return { ok: false, shots, error: error.message };
	} finally {
		cdp?.close();
		try {
			process.kill(-chromium.pid, 'SIGTERM'); // its process group: the browser and its helpers
		} catch {
			// already gone
		}
		await new Promise((r) => (chromium.exitCode !== null ? r() : chromium.once('exit', r)));
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === self && process.env.MPG_BROWSER_JOB) {
	if (typeof WebSocket === 'undefined') {
		console.log(
			`RESULT ${JSON.stringify({ ok: false, shots: [], error: `Node ${process.version} has no WebSocket; run under Node 24` })}`,
		);
	} else {
		const result = await runJob(JSON.parse(process.env.MPG_BROWSER_JOB));
		console.log(`RESULT ${JSON.stringify(result)}`);
	}
}
