// How the e2e suites report: one line per check, and a closing `<label>: N passed, N failed`
// line, which test/tools/run-tests.mjs reads. No side effects on import.
import crypto from 'node:crypto';

const results = [];

export const log = (line) => console.log(line);

export function check(name, ok, detail = '') {
	results.push({ name, ok: Boolean(ok) });
	log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail && !ok ? ` (${detail})` : ''}`);
	return Boolean(ok);
}

export function eq(name, actual, expected) {
	const ok = JSON.stringify(actual) === JSON.stringify(expected);
	return check(name, ok, `got ${short(actual)}, expected ${short(expected)}`);
}

export function short(v) {
	const s = JSON.stringify(v);
	return s && s.length > 400 ? s.slice(0, 400) + '...' : s;
}

/** A fresh key for a credential, so a leak of it can be searched for. */
export const secret = (prefix) => `${prefix}-${crypto.randomBytes(12).toString('hex')}`;

/** The run's error as one line (message, description, node), '' when it has none. */
export const errorOf = (run) => {
	const e = run?.data?.resultData?.error;
	return e ? `${e.message} ${e.description ?? ''} (node ${e.node?.name ?? '?'})` : '';
};

/** Prints the closing line and exits: 1 when a check failed. */
export function finish(label) {
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	console.log(`${label}: ${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}
