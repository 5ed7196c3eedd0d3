/**
 * The bad-input catalogue (docs/bad-input-catalogue.md), run row by row through the real engine:
 * every bad credential field, node parameter, input item field and API answer, with the message
 * the user sees, the item and field it names, the output the item lands on with Continue On
 * Fail, and proof that no wrong number reached Gradient. A last test scans everything the suite
 * produced for the keys, the Bearer value and the GRADIENT-TOKEN.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { TEST_GRADIENT_TOKEN, TEST_KEYS, assertNoSecretsIn } from './harness/leaks';
import type { Landing, Row } from './catalogue/rows';
import { ROWS } from './catalogue/rows';
import {
	formatCatalogueDoc,
	readCatalogueDoc,
	updatingCatalogueDoc,
	writeCatalogueDoc,
} from './catalogue/docFile';
import { renderCatalogue, template } from './catalogue/markdown';
import type { Outcome } from './catalogue/world';
import {
	PRODUCED,
	SCRIPTED_SERVICE_IDS,
	SOURCES,
	allSecrets,
	runRow,
	standardItems,
} from './catalogue/world';

/** Throws when any secret (test keys, the wrong keys rows used, their Bearer and tokens) is in `value`. */
function assertClean(value: unknown): void {
	assertNoSecretsIn(value);
	const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
	const found = allSecrets().filter((secret) => text.includes(secret));
	expect(found).toEqual([]);
}

const pairedIndexes = (item: INodeExecutionData): number[] => {
	const p = item.pairedItem;
	if (p === undefined) return [];
	if (typeof p === 'number') return [p];
	return (Array.isArray(p) ? p : [p]).map((x) => x.item);
};

/** The text a failure item carries: `reason`, on every node. */
function reasonOn(json: IDataObject): string {
	return String(json.reason ?? '');
}

/** Source indexes that must never be pushed for this row. */
function badSources(row: Row): Set<number> {
	if (row.setup.bad) return new Set(row.setup.bad);
	if (row.outcome === 'accepted' || row.outcome === 'ignored') return new Set();
	return new Set(Object.keys(row.setup.patch ?? {}).map(Number));
}

/** Where each input item went: output index by item index. */
function whereItems(o: Outcome): Map<number, number[]> {
	const where = new Map<number, number[]>();
	o.outputs.forEach((items, output) => {
		for (const item of items) {
			for (const i of pairedIndexes(item)) where.set(i, [...(where.get(i) ?? []), output]);
		}
	});
	return where;
}

function checkLanding(row: Row, o: Outcome, landing: Landing): void {
	const out = o.outputs[landing.output] ?? [];
	for (const index of landing.items) {
		const item = out.find((x) => pairedIndexes(x).includes(index));
		expect({ index, landed: item !== undefined }).toEqual({ index, landed: true });
		const reason = reasonOn(item!.json);
		// A per-item message names the item it is on.
		const sees =
			row.item === undefined ? row.sees : row.sees.replace(`Item ${row.item}:`, `Item ${index}:`);
		expect(reason).toMatch(template(sees));
		// The item carries the fix too, not only what went wrong.
		if (!row.fixNotShown) expect(reason).toMatch(template(row.fix));
		if (landing.field) expect(item!.json.field).toBe(landing.field);
		assertClean(reason);
	}
	// A bad item lands on its failure output only (Alert has one output for both).
	if (o.outputs.length > 1) {
		const where = whereItems(o);
		for (const index of landing.items) expect(where.get(index)).toEqual([landing.output]);
	}
}

/**
 * Never a push of a wrong number: every count Gradient accepted is a good pair with its count,
 * none is for a bad pair, and when `expectGood` every good pair was pushed (else none at all).
 */
function checkPushes(row: Row, o: Outcome, expectGood: boolean): void {
	const posts = o.countPosts;
	if (row.setup.node === 'alert') {
		expect(posts).toEqual([]);
		return;
	}
	if (row.setup.node === 'getCounts') {
		// A bad walk never changes what the good run pushed (no zeroes, no other numbers).
		const before = new Map(o.baseline.map((p) => [`${p.accountId}|${p.serviceId}`, p.unitCount]));
		expect(o.baseline.length).toBeGreaterThan(0);
		for (const p of posts) {
			const pair = `${p.accountId}|${p.serviceId}`;
			expect({ pair, unitCount: p.unitCount }).toEqual({ pair, unitCount: before.get(pair) });
		}
		if (!expectGood) expect(posts).toEqual([]);
		return;
	}
	const bad = badSources(row);
	const key = (account: string, service: string, count: unknown) =>
		`${account}|${service}|${String(count)}`;
	// The product the item carries (a row may change it, e.g. to one Map Service creates).
	const productOf = (i: number) => {
		const product = o.items[i]?.product;
		return typeof product === 'string' && row.setup.node === 'map' ? product : SOURCES[i].product;
	};
	const good = SOURCES.map((s, i) => ({ i, s }))
		.filter(({ i }) => !bad.has(i))
		.map(({ i, s }) => key(s.customerId, o.serviceIds[productOf(i)], row.pushed?.[i] ?? s.count));
	const badPairs = SOURCES.filter((_, i) => bad.has(i)).map(
		(s) => `${s.customerId}|${o.serviceIds[s.product]}`,
	);
	for (const p of posts) {
		expect(good).toContain(key(p.accountId, p.serviceId, p.unitCount));
		expect(badPairs).not.toContain(`${p.accountId}|${p.serviceId}`);
	}
	if (expectGood) {
		const sent = new Set(
			posts.filter((p) => p.noBuild).map((p) => key(p.accountId, p.serviceId, p.unitCount)),
		);
		expect([...sent].sort()).toEqual([...good].sort());
	} else {
		expect(posts).toEqual([]);
	}
}

/** Whether the good pairs must reach Gradient in this run. */
function expectsGoodPushes(row: Row, continueOnFail: boolean): boolean {
	const node = row.setup.node;
	if (node === 'alert') return false;
	if (node === 'getCounts') {
		return (
			continueOnFail &&
			(row.outcome === 'ignored' || row.outcome === 'warns' || row.outcome === 'accepted')
		);
	}
	const good = SOURCES.length - [...badSources(row)].filter((i) => i < SOURCES.length).length;
	if (good === 0) return false;
	if (!continueOnFail) {
		// Only the node under test runs: pushes happen when it is Push and it did not stop.
		return node === 'push' && row.outcome !== 'stops' && row.outcome !== 'refused';
	}
	return !row.cofStops && row.outcome !== 'refused';
}

function checkError(row: Row, o: Outcome): void {
	expect(o.error).toBeDefined();
	const { message, description, itemIndex } = o.error!;
	assertClean(message);
	assertClean(description);
	if (row.poor && row.fixNotShown) return; // the poor message is reported, not asserted
	expect(message).toMatch(template(row.sees, true));
	if (!row.fixNotShown) expect(`${message}\n${description}`).toMatch(template(row.fix));
	if (row.item !== undefined) expect(itemIndex).toBe(row.item);
	if (row.field) expect(message).toContain(row.field);
}

function checkHint(row: Row, o: Outcome): void {
	if (row.hint) expect(o.hints.some((h) => template(row.hint!, true).test(h))).toBe(true);
	if (row.outcome === 'warns') {
		// The warning names the value and carries the fix.
		const warned = o.hints.find((h) => template(row.sees).test(h));
		expect({ warned }).toEqual({ warned: expect.any(String) });
		expect(warned).toMatch(template(row.fix));
	}
	for (const hint of o.hints) assertClean(hint);
}

async function withoutContinueOnFail(row: Row): Promise<void> {
	const o = await runRow(row.setup, false);
	assertClean(o.produced);
	switch (row.outcome) {
		case 'refused':
			expect(o.refused).toBe(true);
			expect(o.error?.message).toMatch(template(row.sees, true));
			expect(o.countAttempts).toBe(0);
			return;
		case 'stops':
			checkError(row, o);
			expect(o.countPosts).toEqual([]);
			return;
		case 'routes':
			expect(o.error).toBeUndefined();
			checkLanding(row, o, row.routes!);
			if (!row.fixNotShown) {
				const item = o.outputs[row.routes!.output].find((x) =>
					pairedIndexes(x).includes(row.routes!.items[0]),
				)!;
				expect(reasonOn(item.json)).toMatch(template(row.fix));
			}
			checkPushes(row, o, expectsGoodPushes(row, false));
			return;
		case 'ignored':
			// A gap: if the node learns to refuse the value, that is the fix, as long as nothing is pushed.
			if (o.error) {
				expect(o.countPosts).toEqual([]);
				return;
			}
			checkHint(row, o);
			checkPushes(row, o, expectsGoodPushes(row, false));
			return;
		case 'accepted':
		case 'warns':
			expect(o.error).toBeUndefined();
			checkHint(row, o);
			checkPushes(row, o, expectsGoodPushes(row, false));
			return;
	}
}

async function withContinueOnFail(row: Row): Promise<void> {
	const o = await runRow(row.setup, true);
	assertClean(o.produced);
	if (row.outcome === 'refused') {
		expect(o.refused).toBe(true);
		return;
	}
	if (row.cofStops) {
		// The node still stops; nothing is pushed (see the report for Gradient Alert).
		expect(o.error).toBeDefined();
		assertClean(o.error);
		checkPushes(row, o, false);
		return;
	}
	if (row.outcome === 'ignored' && o.error) {
		expect(o.countPosts).toEqual([]);
		return;
	}
	expect(o.error).toBeUndefined();
	checkHint(row, o);
	if (row.cof) checkLanding(row, o, row.cof);
	checkPushes(row, o, expectsGoodPushes(row, true));
}

describe('bad-input catalogue', () => {
	it('has unique ids and a row for every kind of mistake', () => {
		const ids = ROWS.map((r) => r.id);
		expect(new Set(ids).size).toBe(ids.length);
		const kinds = new Set(ROWS.map((r) => r.kind));
		expect([...kinds].sort()).toEqual(['API answer', 'Credential', 'Input item', 'Node parameter']);
		for (const status of ['401', '403', '404', '409', '422', '500']) {
			expect(ROWS.some((r) => r.kind === 'API answer' && r.id.includes(status))).toBe(true);
		}
	});

	describe.each(ROWS.map((row) => [`${row.id}: ${row.wrong}`, row] as const))('%s', (_, row) => {
		it(`${row.outcome === 'refused' ? 'n8n refuses to start' : 'without Continue On Fail'}`, async () => {
			await withoutContinueOnFail(row);
		});
		it('with Continue On Fail', async () => {
			await withContinueOnFail(row);
		});
	});

	// Regenerate the document with: UPDATE_CATALOGUE=1 npx jest test/catalogue.test.ts -t renders
	it('renders the documented table from the rows (docs/bad-input-catalogue.md is up to date)', () => {
		const markdown = formatCatalogueDoc(renderCatalogue(ROWS));
		for (const row of ROWS) expect(markdown).toContain(`\`${row.id}\``);
		assertClean(markdown);
		if (updatingCatalogueDoc()) writeCatalogueDoc(markdown);
		expect(readCatalogueDoc()).toBe(markdown);
	});
});

describe('writes whose answer was garbled are done once', () => {
	const row = (id: string) => ROWS.find((r) => r.id === id)!;

	it('Map Service sends a service create once when Gradient answers it 2xx with an unreadable body, and maps the item to it', async () => {
		const o = await runRow(row('api-gr-create-service-malformed').setup, false);
		expect(o.error).toBeUndefined();
		const creates = o.arrivals.filter(
			(a) => a.method === 'POST' && a.path.split('?')[0] === '/api/vendor-api/service',
		);
		expect(creates).toHaveLength(1);
		const mapped = o.outputs[0].find((item) => pairedIndexes(item).includes(1));
		expect(mapped?.json).toMatchObject({
			product: 'Bracket',
			gradientServiceId: o.serviceIds.Bracket,
			gradientServiceName: 'Bracket',
			gradientServiceAction: 'created',
		});
		expect(o.outputs[1]).toEqual([]);
	});

	it('Push Billable sends a count once when Gradient answers it 2xx with an unreadable body, and puts it on Pushed', async () => {
		const o = await runRow(row('api-gr-count-malformed').setup, false);
		expect(o.error).toBeUndefined();
		// Three counts with no_build, then one rebuild call: nothing is sent twice.
		expect(o.countAttempts).toBe(SOURCES.length + 1);
		expect(o.outputs[0].map((item) => item.json.status)).toEqual(['pushed', 'pushed', 'pushed']);
		expect(o.outputs[2]).toEqual([]);
	});

	it('Push Billable remembers a count Gradient answered 2xx with an unreadable body, so a later vanish zeroes it', async () => {
		const first = await runRow(row('api-gr-count-malformed').setup, false);
		const ledger = (first.staticData.global as IDataObject).mailprotectorGradient as IDataObject;
		const pairs = (ledger['org-catalogue'] as IDataObject).pairs as IDataObject;
		const key = (i: number) => `${SOURCES[i].customerId}|${first.serviceIds[SOURCES[i].product]}`;
		expect(Object.keys(pairs).sort()).toEqual([0, 1, 2].map(key).sort());
		expect((pairs[key(1)] as IDataObject).count).toBe(SOURCES[1].count);

		// The next run's complete walk still has customer 1001, but without SafeSend: it is gone.
		const walk = { id: 'walk-2', complete: true, customers: 'all', products: 'all', items: 2 };
		const items = standardItems('push')
			.filter((_, i) => i !== 1)
			.map((json) => ({ ...json, walk }));
		const second = await runRow(
			{
				node: 'push',
				items,
				gradient: [],
				staticData: first.staticData,
				// One of three pairs is over the default share for mass zeroing: no hold here.
				parameters: { billingSafety: { holdMassZeroing: false } },
			},
			false,
		);
		expect(second.error).toBeUndefined();
		const zeroed = second.outputs[0].filter((item) => item.json.status === 'zeroed');
		expect(zeroed.map((item) => item.json)).toEqual([
			expect.objectContaining({
				customerId: '1001',
				product: 'SafeSend',
				previousCount: SOURCES[1].count,
				unitCount: 0,
			}),
		]);
		expect(second.countPosts).toContainEqual(
			expect.objectContaining({
				accountId: '1001',
				serviceId: SCRIPTED_SERVICE_IDS.SafeSend,
				unitCount: 0,
			}),
		);
	});
});

describe('leak scan', () => {
	it('finds no key, Bearer value or GRADIENT-TOKEN in anything the catalogue produced', () => {
		expect(PRODUCED.length).toBeGreaterThan(ROWS.length);
		const secrets = allSecrets();
		expect(secrets).toEqual(
			expect.arrayContaining([
				TEST_KEYS.mailprotectorApiKey,
				`Bearer ${TEST_KEYS.mailprotectorApiKey}`,
				TEST_GRADIENT_TOKEN,
			]),
		);
		// The scan itself works: a planted token is found.
		expect(() => assertNoSecretsIn({ planted: `GRADIENT-TOKEN ${TEST_GRADIENT_TOKEN}` })).toThrow();
		for (const value of PRODUCED) assertClean(value);
	});
});
