#!/usr/bin/env node
// The community-package scanner's rules, run locally (its CLI only takes published packages):
// once on the tarball users install (compiled .js + package.json), once on the source it was
// built from. Fails on any error or warning. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import { glob } from 'glob';
import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = process.cwd();
if (!fs.existsSync(path.join(root, 'dist'))) {
	console.error('scan: dist/ is missing; run npm run build first');
	process.exit(1);
}

async function lint(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	const formatter = await eslint.loadFormatter('stylish');
	const errors = results.reduce((n, r) => n + r.errorCount, 0);
	const warnings = results.reduce((n, r) => n + r.warningCount, 0);
	return { files: files.length, errors, warnings, text: await formatter.format(results) };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mpg-scan-'));
try {
	const out = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', tmp], {
		cwd: root,
		encoding: 'utf8',
	});
	const tarball = path.join(tmp, out.trim().split('\n').pop());
	execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
	const packed = await lint(path.join(tmp, 'package'), ['**/*.js', '**/*.json']);
	const source = await lint(root, ['package.json', '{nodes,credentials}/**/*.{js,ts,json}']);
	let failed = false;
	for (const [name, r] of [
		['tarball', packed],
		['source', source],
	]) {
		console.log(`scan ${name}: ${r.files} files, ${r.errors} errors, ${r.warnings} warnings`);
		if (r.errors || r.warnings) {
			failed = true;
			console.log(r.text);
		}
	}
	process.exit(failed ? 1 : 0);
} finally {
	fs.rmSync(tmp, { recursive: true, force: true });
}
