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

/** The package's five nodes, as the node picker lists them. */
const ALL_NODES = [
	'Mailprotector Get Counts',
	'Gradient Assign Customer',
	'Gradient Map Service',
	'Gradient Push Billable',
	'Gradient Alert',
];

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

/**
 * What a billing person checks in the editor (issue 13), each page one check of sync.e2e.mjs:
 * the node picker finds our nodes by the words they use, the canvas subtitles, the House Account
 * list from Gradient, the preview's Not Mapped prediction, the run summary as table rows, a
 * ticket. ids: { previewId, scheduledId, ticketTitle } (the last two may be missing).
 */
export function editorPages(workflow, ids, dir) {
	const id = (name) => workflow.nodes.find((n) => n.name === name).id;
	const creator = '[data-test-id="node-creator"]';
	const output = '[data-test-id="output-panel"]';
	// The node creator opens from the canvas's + button (shortcut N); its search field takes the text.
	const search = (words) => [
		{ type: 'waitFor', selector: '[data-test-id="canvas-wrapper"]' },
		{ type: 'sleep', ms: 1000 },
		{ type: 'click', selector: '[data-test-id="node-creator-plus-button"]' },
		{ type: 'waitFor', selector: '[data-test-id="node-creator-search-bar"]' },
		{ type: 'click', selector: '[data-test-id="node-creator-search-bar"]' },
		{ type: 'type', text: words },
	];
	// An execution's node panel on one output branch (the tabs above the data), as a table or JSON.
	// The parameters panel is dragged to the left so the output table gets the width.
	const outputOf = (branch, mode = 'table') => [
		{ type: 'waitFor', selector: output },
		{ type: 'drag', selector: '[data-test-id="panel-drag-button"]', dx: -520 },
		...(branch
			? [{ type: 'click', selector: `${output} [data-test-id="branches"] *`, text: branch }]
			: []),
		{
			type: 'click',
			selector: `${output} [data-test-id="ndv-run-data-display-mode"] [data-test-id="radio-button-${mode}"]`,
		},
	];
	return [
		{
			name: 'node picker: "Synthesize"',
			path: `/workflow/${workflow.id}`,
			actions: search('Synthesize'),
			within: creator,
			expect: ALL_NODES,
			file: path.join(dir, 'node-picker-synthesize.jpg'),
		},
		{
			name: 'node picker: "licence"',
			path: `/workflow/${workflow.id}`,
			actions: search('licence'),
			within: creator,
			expect: ALL_NODES,
			file: path.join(dir, 'node-picker-licence.jpg'),
		},
		{
			name: 'canvas subtitles',
			path: `/workflow/${workflow.id}`,
			within: '[data-test-id="canvas-wrapper"]',
			expect: ['Billable Users', 'Run summary: Not Mapped'],
			// the sync's chain, enlarged so the subtitles under the node names can be read
			clipTo: ['Mailprotector Get Counts', 'Alert: Not Mapped', 'Alert: Needs Mapping'].map(
				(name) => `.vue-flow__node[data-id="${id(name)}"]`,
			),
			file: path.join(dir, 'canvas-subtitles.jpg'),
		},
		{
			name: 'House Account list from Gradient',
			path: `/workflow/${workflow.id}/${id('Alert: Not Mapped')}`,
			actions: [
				{
					type: 'click',
					selector: '[data-test-id="resource-locator-houseAccountId"] [data-test-id="rlc-input"]',
				},
			],
			within: '[data-test-id="rlc-item"]', // the list's entries, as Gradient's accounts fill it
			expect: ['MSP House Account (msp-house)'],
			file: path.join(dir, 'house-account-picker.jpg'),
		},
		...(ids.previewId
			? [
					{
						name: 'weekly preview: Not Mapped predicted',
						path: `/workflow/${workflow.id}/executions/${ids.previewId}/${id('Preview: Push Billable')}`,
						actions: outputOf('Not Mapped'),
						within: output,
						// the node's notice (counted as customers, counts, licences) and each pair's reason
						expect: [
							'Not Mapped Branch',
							'not mapped in Synthesize yet: Gradient will refuse them',
							'is not mapped to a PSA company in Synthesize yet, so Gradient will refuse this count',
						],
						file: path.join(dir, 'preview-not-mapped.jpg'),
						width: 1800,
						settleMs: 2000,
					},
				]
			: []),
		...(ids.scheduledId
			? [
					{
						name: 'run summary rows',
						path: `/workflow/${workflow.id}/executions/${ids.scheduledId}/${id('Run Summary')}`,
						actions: outputOf(),
						within: output,
						expect: ['Billed: sent to Gradient', 'Not billed: not mapped in Synthesize yet'],
						file: path.join(dir, 'run-summary-rows.jpg'),
						width: 1800,
						settleMs: 2000,
					},
				]
			: []),
		...(ids.scheduledId && ids.ticketTitle
			? [
					{
						name: 'ticket: Not Mapped',
						path: `/workflow/${workflow.id}/executions/${ids.scheduledId}/${id('Alert: Not Mapped')}`,
						// JSON: the ticket the run sent, as one short record
						actions: outputOf(undefined, 'json'),
						within: output,
						expect: [ids.ticketTitle, 'Gradient answered 404 for these counts', '"sent"'],
						file: path.join(dir, 'ticket-not-mapped.jpg'),
						width: 1800,
						settleMs: 2000,
					},
				]
			: []),
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

// ---------------------------------------------------------------------------------------------
// Page actions: what a person does with the mouse and keyboard, sent as input events (so the
// editor's own handlers run), each waiting for its element first.
//   { type: 'click', selector, text?, double? }  the first visible match (containing text)
//   { type: 'key', key: 'Tab' | 'Enter' | 'Escape' }
//   { type: 'type', text }                        into whatever has the focus
//   { type: 'waitFor', selector, text? }          until a visible match is there
//   { type: 'drag', selector, dx }               press, move by dx pixels, release
//   { type: 'sleep', ms }

const KEYS = {
	Tab: { code: 'Tab', windowsVirtualKeyCode: 9 },
	Enter: { code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' },
	Escape: { code: 'Escape', windowsVirtualKeyCode: 27 },
};

const describe = (a) =>
	[a.type, a.selector, a.text && JSON.stringify(a.text), a.key].filter(Boolean).join(' ');

/**
 * JS that finds the first visible element matching selector, or with `text` the innermost one
 * whose text includes it (the last match in document order: its ancestors come before it).
 */
const finder = (selector, text) =>
	`[...document.querySelectorAll(${JSON.stringify(selector)})].filter((e) => e.getClientRects().length > 0 && (${JSON.stringify(text ?? '')} === '' || (e.innerText || e.value || '').includes(${JSON.stringify(text ?? '')})))${text ? '.pop()' : '[0]'}`;

async function act(cdp, a) {
	const wait = (selector, text) =>
		cdp.waitFor(`!!(${finder(selector, text)})`, a.timeoutMs ?? 30000, describe(a));
	if (a.type === 'sleep') return sleep(a.ms);
	if (a.type === 'waitFor') return wait(a.selector, a.text);
	if (a.type === 'type') return cdp.send('Input.insertText', { text: a.text });
	if (a.type === 'key') {
		const k = KEYS[a.key];
		if (!k) throw new Error(`no key code for ${a.key}`);
		const base = { key: a.key, ...k };
		await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base });
		return cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: a.key, code: k.code });
	}
	if (a.type === 'click' || a.type === 'drag') {
		await wait(a.selector, a.text);
		const box = await cdp.evaluate(`(() => {
			const e = ${finder(a.selector, a.text)};
			e.scrollIntoView({ block: 'center', inline: 'center' });
			const r = e.getBoundingClientRect();
			return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
		})()`);
		if (a.type === 'drag') {
			const to = { x: box.x + a.dx, y: box.y, button: 'left' };
			await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.x, y: box.y });
			await cdp.send('Input.dispatchMouseEvent', {
				type: 'mousePressed',
				...box,
				button: 'left',
				clickCount: 1,
			});
			for (let i = 1; i <= 10; i++) {
				const x = box.x + (a.dx * i) / 10;
				await cdp.send('Input.dispatchMouseEvent', {
					type: 'mouseMoved',
					x,
					y: box.y,
					button: 'left',
					buttons: 1,
				});
			}
			await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...to, clickCount: 1 });
			return sleep(300);
		}
		const count = a.double ? 2 : 1;
		for (let clickCount = 1; clickCount <= count; clickCount++) {
			const at = { x: box.x, y: box.y, button: 'left', clickCount };
			await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.x, y: box.y });
			await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...at });
			await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...at });
		}
		return sleep(300);
	}
	throw new Error(`unknown action ${a.type}`);
}

/**
 * A screenshot clip around the elements the selectors match, enlarged (at most 2x, at most the
 * window's width) so small text such as canvas subtitles can be read.
 */
async function clipAround(cdp, selectors) {
	const r = await cdp.evaluate(`(() => {
		const boxes = ${JSON.stringify(selectors)}
			.flatMap((s) => [...document.querySelectorAll(s)])
			.map((e) => e.getBoundingClientRect());
		if (!boxes.length) return null;
		const x = Math.max(0, Math.min(...boxes.map((b) => b.left)) - 60);
		const y = Math.max(0, Math.min(...boxes.map((b) => b.top)) - 60);
		return {
			x, y,
			width: Math.max(...boxes.map((b) => b.right)) + 60 - x,
			height: Math.max(...boxes.map((b) => b.bottom)) + 60 - y,
			view: window.innerWidth,
		};
	})()`);
	if (!r) throw new Error(`nothing on the page matches ${selectors.join(', ')}`);
	const scale = Math.min(2, r.view / r.width);
	return { x: r.x, y: r.y, width: r.width, height: r.height, scale };
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
			// Tables of the node panel get a wider window (page.width), the rest 1400 pixels.
			await cdp.send('Emulation.setDeviceMetricsOverride', {
				width: page.width ?? 1400,
				height: 900,
				deviceScaleFactor: 1,
				mobile: false,
			});
			await cdp.send('Page.navigate', { url: `${job.baseUrl}${page.path}` });
			const missing = [];
			for (const action of page.actions ?? []) {
				try {
					await act(cdp, action);
				} catch (error) {
					missing.push(`action ${describe(action)}: ${error.message}`);
					break;
				}
			}
			// The texts are looked for inside `within` (default the whole page): the node creator and
			// the node panel open over the canvas, whose node names must not count.
			const within = JSON.stringify(page.within ?? 'body');
			const inside = `[...document.querySelectorAll(${within})].map((e) => e.innerText).join(' | ')`;
			const expectList = JSON.stringify(page.expect);
			try {
				await cdp.waitFor(
					`${expectList}.every((t) => (${inside}).includes(t))`,
					job.timeoutMs ?? 45000,
					`${page.name}: ${page.expect.join(', ')}`,
				);
			} catch {
				missing.push(
					...(await cdp
						.evaluate(`${expectList}.filter((t) => !(${inside}).includes(t))`)
						.catch(() => page.expect)),
				);
			}
			await sleep(page.settleMs ?? 1500); // let the canvas finish fitting and the icons load
			// JPEG, not PNG: `n8n-node build` copies every **/*.png of the repo into dist/ (so into
			// the npm package); *.jpg is left alone.
			const shot = await cdp.send('Page.captureScreenshot', {
				format: 'jpeg',
				quality: 90,
				...(page.clipTo ? { clip: await clipAround(cdp, page.clipTo) } : {}),
			});
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
