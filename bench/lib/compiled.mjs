// Where the benches load a node from: dist/ when it is newer than the node's sources, else a
// fresh `n8n-node build`; if that fails (another node mid-edit), tsc into a scratch folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

function newestSource(root, dirs) {
	let newest = 0;
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(p);
			else if (p.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
		}
	};
	for (const dir of dirs) walk(path.join(root, dir));
	return newest;
}

/** Returns the folder holding nodes/<nodeName>/<nodeName>.node.js, built from current sources. */
export function compiledNode(root, nodeName) {
	const rel = `nodes/${nodeName}/${nodeName}.node.js`;
	const dist = path.join(root, 'dist');
	const built = path.join(dist, rel);
	const sources = [`nodes/${nodeName}`, 'nodes/shared', 'credentials'];
	if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newestSource(root, sources))
		return dist;
	console.log('dist/ is missing or older than the sources: running n8n-node build ...');
	const build = spawnSync('npx', ['n8n-node', 'build'], { cwd: root, encoding: 'utf8' });
	if (build.status === 0 && fs.existsSync(built)) return dist;
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-node-'));
	console.log(`n8n-node build failed; tsc into ${scratch}`);
	spawnSync(
		'npx',
		[
			'tsc',
			'-p',
			'tsconfig.json',
			'--outDir',
			scratch,
			'--incremental',
			'false',
			'--declaration',
			'false',
		],
		{ cwd: root, stdio: 'inherit' },
	);
	if (!fs.existsSync(path.join(scratch, rel))) throw new Error(`could not compile ${nodeName}`);
	return scratch;
}
