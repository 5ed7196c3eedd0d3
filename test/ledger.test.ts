import type { IDataObject } from 'n8n-workflow';

import type { LedgerPair, OrgState, SeenItem } from '../nodes/shared/ledger';
import {
	STATE_KEY,
	applyOutcomes,
	emptyState,
	approvalOf,
	ledgerKey,
	parseApprovals,
	provePairGone,
	readApprovalTime,
	readOrgState,
	splitLedgerKey,
	summarizeWalks,
	tooManyZeroes,
	unusedApprovalKeys,
	walkVerdict,
	writeOrgState,
} from '../nodes/shared/ledger';
import type { WalkStamp } from '../nodes/shared/walk';

const walk = (over: Partial<WalkStamp> = {}): WalkStamp => ({
	id: 'w1',
	complete: true,
	customers: 'all',
	products: 'all',
	items: 3,
	...over,
});

const remembered = (over: Partial<LedgerPair> = {}): LedgerPair => ({
	count: 10,
	customerId: '7',
	customerName: 'Seven',
	products: ['CloudFilter'],
	at: '2024-01-01T00:00:00.000Z',
	...over,
});

describe('ledger keys', () => {
	it('joins and splits at the last bar', () => {
		expect(ledgerKey('12', '64aa')).toBe('12|64aa');
		expect(splitLedgerKey('a|b|64aa')).toEqual({
			gradientAccountId: 'a|b',
			gradientServiceId: '64aa',
		});
	});
});

describe('readOrgState / writeOrgState', () => {
	it('reports a missing ledger and starts empty', () => {
		expect(readOrgState({}, 'org1')).toEqual({ state: emptyState(), health: 'missing' });
	});

	it('keeps other nodes memory under the organization when there is no ledger yet', () => {
		const data: IDataObject = { [STATE_KEY]: { org1: { aligned: { 7: { accountName: 'X' } } } } };
		const { state, health } = readOrgState(data, 'org1');
		expect(health).toBe('missing');
		expect(state.aligned).toEqual({ 7: { accountName: 'X' } });
		expect(state.pairs).toEqual({});
	});

	it('reads numeric text as its number, keeps unreadable entries as stored, tells an empty ledger', () => {
		const data: IDataObject = {
			[STATE_KEY]: {
				org1: {
					version: 1,
					lastRunAt: 'x',
					pairs: {
						'a|s': remembered(),
						'b|s': { count: 'ten' },
						'c|s': remembered({ count: '42' as unknown as number }),
					},
					held: {},
					alerts: {},
				},
				org2: { version: 1, pairs: {}, held: {}, alerts: {} },
			},
		};
		const one = readOrgState(data, 'org1');
		expect(one.health).toBe('ok');
		expect(Object.keys(one.state.pairs)).toEqual(['a|s', 'c|s']);
		expect(one.state.pairs['c|s'].count).toBe(42);
		expect(one.unreadable).toEqual(['pairs["b|s"] = {"count":"ten"}']);
		// Written back in place, untouched, unless the run replaced it.
		writeOrgState(data, 'org1', one.state);
		const org1 = (data[STATE_KEY] as IDataObject).org1 as IDataObject;
		expect((org1.pairs as IDataObject)['b|s']).toEqual({ count: 'ten' });
		expect(org1.unreadableEntries).toBeUndefined();
		expect(readOrgState(data, 'org2').health).toBe('empty');
	});

	it('does not read a ledger of another version', () => {
		const data: IDataObject = { [STATE_KEY]: { org1: { version: 2, pairs: { x: remembered() } } } };
		const read = readOrgState(data, 'org1');
		expect(read.health).toBe('unreadable');
		expect(read.state.pairs).toEqual({});
	});

	it('writes one organization and keeps the others and unknown keys', () => {
		const data: IDataObject = {
			other: 1,
			[STATE_KEY]: { org2: { version: 1, pairs: {} }, org1: { aligned: { 1: 'a' } } },
		};
		const { state } = readOrgState(data, 'org1');
		writeOrgState(data, 'org1', { ...state, pairs: { 'a|s': remembered() } });
		const root = data[STATE_KEY] as IDataObject;
		expect(root.org2).toEqual({ version: 1, pairs: {} });
		expect((root.org1 as IDataObject).aligned).toEqual({ 1: 'a' });
		expect((root.org1 as IDataObject).version).toBe(1);
		expect(data.other).toBe(1);
	});
});

describe('walks and proof', () => {
	const items = (walkStamp: WalkStamp, rows: Array<[string, string]>): SeenItem[] =>
		rows.map(([customerId, product], index) => ({ index, walk: walkStamp, customerId, product }));

	it('accepts a complete walk whose items are all accounted for', () => {
		const w = walk({ items: 3, diverted: ['9::SafeSend'] });
		const summary = summarizeWalks(
			items(w, [
				['1', 'CloudFilter'],
				['2', 'CloudFilter'],
			]),
		);
		expect(walkVerdict(summary.walks.get('w1')!)).toEqual({ usable: true });
	});

	it('refuses a walk with items unaccounted for (a Filter removed some)', () => {
		const summary = summarizeWalks(items(walk({ items: 3 }), [['1', 'CloudFilter']]));
		const verdict = walkVerdict(summary.walks.get('w1')!);
		expect(verdict.usable).toBe(false);
		expect(verdict.reason).toMatch(/2 of the 3 items .* unaccounted/);
	});

	it('refuses an incomplete walk, even when one stale stamp says complete', () => {
		const summary = summarizeWalks([
			{ index: 0, walk: walk({ items: 2 }), customerId: '1', product: 'A' },
			{ index: 1, walk: walk({ items: 2, complete: false }), customerId: '2', product: 'A' },
		]);
		expect(walkVerdict(summary.walks.get('w1')!).usable).toBe(false);
	});

	it('proves a product gone when its customer is present without it', () => {
		const w = walk({ items: 1 });
		const summary = summarizeWalks(items(w, [['7', 'SafeSend']]));
		const usable = [summary.walks.get('w1')!];
		expect(provePairGone(remembered(), summary, usable)).toBe(0);
	});

	it('never proves gone what is diverted', () => {
		const w = walk({ items: 2, diverted: ['7::CloudFilter'] });
		const summary = summarizeWalks(items(w, [['7', 'SafeSend']]));
		expect(provePairGone(remembered(), summary, [summary.walks.get('w1')!])).toBeUndefined();
	});

	it('proves an absent customer gone only when the walk covered all customers', () => {
		const all = summarizeWalks(items(walk({ items: 1 }), [['1', 'CloudFilter']]));
		expect(provePairGone(remembered(), all, [all.walks.get('w1')!])).toBe(0);
		const some = summarizeWalks(
			items(walk({ items: 1, customers: ['1', '7'] }), [['1', 'CloudFilter']]),
		);
		expect(provePairGone(remembered(), some, [some.walks.get('w1')!])).toBeUndefined();
	});

	it('needs the product inside the walk product scope', () => {
		const summary = summarizeWalks(
			items(walk({ items: 1, products: ['safesend'] }), [['7', 'SafeSend']]),
		);
		expect(provePairGone(remembered(), summary, [summary.walks.get('w1')!])).toBeUndefined();
		const covered = summarizeWalks(
			items(walk({ items: 1, products: ['safesend', 'cloudfilter'] }), [['7', 'SafeSend']]),
		);
		expect(provePairGone(remembered(), covered, [covered.walks.get('w1')!])).toBe(0);
	});

	it('zeroes a merged pair only when every source is gone', () => {
		const pair = remembered({ products: ['CloudFilter', 'SafeSend'] });
		const one = summarizeWalks(items(walk({ items: 1 }), [['7', 'SafeSend']]));
		expect(provePairGone(pair, one, [one.walks.get('w1')!])).toBeUndefined();
		const none = summarizeWalks(items(walk({ items: 1 }), [['7', 'Bracket']]));
		expect(provePairGone(pair, none, [none.walks.get('w1')!])).toBe(0);
	});
});

describe('mass zeroing and approvals', () => {
	it('holds more than 10% of the ledger or more than 25 pairs', () => {
		const limits = { maxSharePercent: 10, maxPairs: 25 };
		expect(tooManyZeroes(1, 20, limits)).toBe(false); // 5%
		expect(tooManyZeroes(2, 20, limits)).toBe(false); // 10%, not more
		expect(tooManyZeroes(3, 20, limits)).toBe(true); // 15%
		expect(tooManyZeroes(26, 1000, limits)).toBe(true);
		expect(tooManyZeroes(25, 1000, limits)).toBe(false);
		expect(tooManyZeroes(0, 0, limits)).toBe(false);
	});

	it('approves by key or by the time a pair was first held', () => {
		const held: OrgState['held'] = {
			'a|s': {
				count: 0,
				previousCount: 5,
				customerId: '1',
				customerName: '',
				products: [],
				gradientAccountId: 'a',
				gradientServiceId: 's',
				reason: '',
				at: '2024-03-01T00:00:00.000Z',
			},
		};
		const state = { held, approvalsUsed: {} };
		// Only the held change, at the held count: a key of a pair not held releases nothing.
		expect(approvalOf('x|y', 4, state, parseApprovals('x|y,\n z|w'))).toBeUndefined();
		expect(approvalOf('a|s', 0, state, parseApprovals('x|y, a|s'))).toBe('key');
		expect(approvalOf('a|s', 7, state, parseApprovals('a|s'))).toBeUndefined();
		expect(approvalOf('a|s', 0, state, parseApprovals('a|s=0'))).toBe('key');
		expect(approvalOf('a|s', 0, state, parseApprovals('a|s=5'))).toBeUndefined();
		expect(approvalOf('a|s', 0, state, parseApprovals('', '2024-03-02T00:00:00Z'))).toBe('date');
		expect(approvalOf('a|s', 0, state, parseApprovals('', '2024-02-28T00:00:00Z'))).toBeUndefined();
		expect(approvalOf('a|s', 0, state, parseApprovals(''))).toBeUndefined();
		// A key that released a change is spent until it leaves the option.
		const spent = { held, approvalsUsed: { 'a|s': { count: 0, at: '2024-03-05T00:00:00Z' } } };
		expect(approvalOf('a|s', 0, spent, parseApprovals('a|s'))).toBeUndefined();

		// Keys that release nothing, and why.
		const approvals = parseApprovals('a|s, x|y, 1001, a|s');
		expect(unusedApprovalKeys(approvals, state, ['a|s'])).toEqual([
			{ key: 'x|y', why: 'no pair is held for review under it' },
			{ key: '1001', why: 'no pair is held for review under it' },
		]);
		expect(unusedApprovalKeys(parseApprovals('a|s'), spent, [])[0].why).toMatch(
			/already released 0 on 2024-03-05; remove it and add it again/,
		);
		expect(unusedApprovalKeys(parseApprovals(''), state, [])).toEqual([]);
	});

	it('reads Approve All Held Before: empty is none, a date a time, anything else NaN', () => {
		expect(readApprovalTime('')).toBeUndefined();
		expect(readApprovalTime('  ')).toBeUndefined();
		expect(readApprovalTime(undefined)).toBeUndefined();
		expect(readApprovalTime('2024-03-02T00:00:00Z')).toBe(Date.UTC(2024, 2, 2));
		expect(readApprovalTime('last tuesday')).toBeNaN();
	});
});

describe('applyOutcomes', () => {
	const base = (): OrgState => ({
		...emptyState(),
		pairs: { 'a|s': remembered(), 'b|s': remembered({ customerId: '8' }) },
		aligned: { keep: true },
	});
	const outcome = (key: string, kind: 'pushed' | 'zeroed' | 'failed' | 'held' | 'not_mapped') => ({
		key,
		outcome: kind,
		count: kind === 'zeroed' ? 0 : 4,
		previousCount: 10,
		customerId: '7',
		customerName: 'Seven',
		products: ['CloudFilter'],
		sources: ['7::CloudFilter'],
		reason: kind === 'held' ? 'drops' : undefined,
		at: '2024-05-01T00:00:00.000Z',
	});

	it('records pushes, forgets zeroed pairs, keeps failed and 404 ones, and remembers holds', () => {
		const next = applyOutcomes(
			base(),
			[
				outcome('a|s', 'zeroed'),
				outcome('b|s', 'failed'),
				outcome('c|s', 'pushed'),
				outcome('d|s', 'held'),
				outcome('e|s', 'not_mapped'),
			],
			'2024-05-01T00:00:01.000Z',
		);
		expect(Object.keys(next.pairs).sort()).toEqual(['b|s', 'c|s']);
		// A 404 on a pair Gradient accepted before keeps what Gradient still holds.
		const refused = applyOutcomes(base(), [outcome('a|s', 'not_mapped')], 't');
		expect(refused.pairs['a|s']).toEqual(base().pairs['a|s']);
		expect(next.pairs['b|s'].count).toBe(10);
		expect(next.pairs['c|s']).toEqual({
			count: 4,
			customerId: '7',
			customerName: 'Seven',
			products: ['CloudFilter'],
			at: '2024-05-01T00:00:00.000Z',
		});
		expect(next.held['d|s']).toMatchObject({
			count: 4,
			previousCount: 10,
			gradientAccountId: 'd',
			gradientServiceId: 's',
			reason: 'drops',
		});
		expect(next.lastRunAt).toBe('2024-05-01T00:00:01.000Z');
		expect(next.aligned).toEqual({ keep: true });
	});

	it('keeps the first held time, and clears a hold once pushed', () => {
		const first = applyOutcomes(base(), [outcome('d|s', 'held')], 't1');
		const again = applyOutcomes(
			first,
			[{ ...outcome('d|s', 'held'), at: '2024-06-01T00:00:00.000Z' }],
			't2',
		);
		expect(again.held['d|s'].at).toBe('2024-05-01T00:00:00.000Z');
		// Another count is another change: "held before" approvals compare with its own time.
		const changed = applyOutcomes(
			again,
			[{ ...outcome('d|s', 'held'), count: 9, at: '2024-07-01T00:00:00.000Z' }],
			't2b',
		);
		expect(changed.held['d|s'].at).toBe('2024-07-01T00:00:00.000Z');
		const pushed = applyOutcomes(again, [outcome('d|s', 'pushed')], 't3');
		expect(pushed.held['d|s']).toBeUndefined();
	});
});
