#!/usr/bin/env node
// Vendored from the team's shared/tools/check-contract.mjs (../shared/tools/ beside the package
// root), unchanged below these header lines. Refresh: copy that file over this one and put these
// three comment lines back under the #! line; test/tools/run-tests.mjs runs both while it exists.
// Checks the built package against the contract in ../DESIGN.md: package.json's n8n section,
// node and credential type names, export names (n8n loads only the export named like the file),
// output counts, and credential fields. Run from the package root after `npm run build`:
//   node ../shared/tools/check-contract.mjs
// Exits 0 when everything holds; prints one line per check and a closing 'N passed, N failed'.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const require = createRequire(path.join(root, 'package.json'));
const results = [];
const check = (name, ok, detail = '') => results.push({ name, ok: Boolean(ok), detail });

const nodesWanted = {
  mailprotectorGetCounts: { displayName: 'Mailprotector Get Counts', outputs: 1 },
  gradientAssignCustomer: { displayName: 'Gradient Assign Customer', outputs: 2 },
  gradientMapService: { displayName: 'Gradient Map Service', outputs: 2 },
  gradientPushBillable: { displayName: 'Gradient Push Billable', outputs: 4 },
  gradientAlert: { displayName: 'Gradient Alert', outputs: 1 },
};
const credsWanted = {
  mailprotectorApi: ['apiKey', 'resellerId', 'baseUrl'],
  gradientApi: ['vendorApiKey', 'partnerApiKey', 'baseUrl'],
};

let pkg = {};
try { pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')); } catch { /* reported below */ }
check('package.json is readable', pkg.name, pkg.name || 'missing');
check('package name', pkg.name === 'n8n-nodes-mailprotector-gradient', pkg.name);
check('no runtime dependencies', !Object.keys(pkg.dependencies || {}).length, Object.keys(pkg.dependencies || {}).join(', '));
check('peerDependencies is exactly n8n-workflow "*"',
  JSON.stringify(pkg.peerDependencies || {}) === JSON.stringify({ 'n8n-workflow': '*' }), JSON.stringify(pkg.peerDependencies));
check('n8n.strict is true', pkg.n8n?.strict === true);

function load(file) {
  const abs = path.join(root, file);
  if (!fs.existsSync(abs)) return { error: `${file} does not exist (run npm run build)` };
  const base = path.basename(file).split('.')[0];
  try {
    const mod = require(abs);
    if (typeof mod[base] !== 'function') return { error: `${file} does not export a class named ${base}` };
    return { instance: new mod[base]() };
  } catch (e) {
    return { error: `${file} failed to load: ${e.message}` };
  }
}

const seenNodes = new Set();
for (const file of pkg.n8n?.nodes || []) {
  const { instance, error } = load(file);
  if (error) { check(`node file ${file}`, false, error); continue; }
  const d = instance.description || {};
  const want = nodesWanted[d.name];
  if (!want) { check(`node ${d.name} is an extra node (allowed; the contract does not cover it)`, true); continue; }
  check(`node ${d.name} is part of the contract`, true, file);
  seenNodes.add(d.name);
  check(`node ${d.name} display name`, d.displayName === want.displayName, d.displayName);
  const outs = Array.isArray(d.outputs) ? d.outputs.length : null;
  // The contract's outputs come first, in their order; a node may append more after them.
  check(`node ${d.name} has its ${want.outputs} contract output(s) first`, outs !== null && outs >= want.outputs, String(d.outputs));
  if (want.outputs > 1) check(`node ${d.name} names its outputs`, (d.outputNames || []).length === outs, JSON.stringify(d.outputNames));
  check(`node ${d.name} declares usableAsTool`, 'usableAsTool' in d);
  check(`node ${d.name} has a subtitle and themed icon`, d.subtitle && d.icon && typeof d.icon === 'object' && d.icon.light && d.icon.dark);
}
for (const name of Object.keys(nodesWanted)) check(`node ${name} is listed in package.json`, seenNodes.has(name));

const seenCreds = new Set();
for (const file of pkg.n8n?.credentials || []) {
  const { instance, error } = load(file);
  if (error) { check(`credential file ${file}`, false, error); continue; }
  const want = credsWanted[instance.name];
  if (!want) { check(`credential ${instance.name} is an extra credential (allowed)`, true); continue; }
  check(`credential ${instance.name} is part of the contract`, true, file);
  seenCreds.add(instance.name);
  const props = new Map((instance.properties || []).map((p) => [p.name, p]));
  for (const field of want) check(`credential ${instance.name} has field ${field}`, props.has(field));
  for (const [name, p] of props) {
    if (/key|secret|token|password/i.test(name)) check(`credential ${instance.name}.${name} is a password field`, p.typeOptions?.password === true);
  }
  check(`credential ${instance.name} has a test request`, instance.test?.request);
  check(`credential ${instance.name} authenticates`, instance.authenticate);
}
for (const name of Object.keys(credsWanted)) check(`credential ${name} is listed in package.json`, seenCreds.has(name));

let passed = 0;
for (const r of results) {
  if (r.ok) passed++;
  console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}${r.detail && !r.ok ? `  (${r.detail})` : ''}`);
}
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
