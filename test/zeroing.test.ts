import { tooManyZeroes, provePairGone } from '../nodes/GradientPushBillable/zeroing';
import type { SeenItem } from '../nodes/GradientPushBillable/walkSummary';
import { summarizeWalks, walkVerdict } from '../nodes/GradientPushBillable/walkSummary';
import type { WalkStamp } from '../nodes/shared/walkStamp';
import { remembered } from './harness/ledger';

const walk = (over: Partial<WalkStamp> = {}): WalkStamp => ({
	id: 'w1',
	complete: true,
	customers: 'all',
	products: 'all',
	items: 3,
	...over,
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

describe('mass zeroing', () => {
	it('holds more than 10% of the ledger or more than 25 pairs', () => {
		const limits = { maxSharePercent: 10, maxPairs: 25 };
		expect(tooManyZeroes(1, 20, limits)).toBe(false); // 5%
		expect(tooManyZeroes(2, 20, limits)).toBe(false); // 10%, not more
		expect(tooManyZeroes(3, 20, limits)).toBe(true); // 15%
		expect(tooManyZeroes(26, 1000, limits)).toBe(true);
		expect(tooManyZeroes(25, 1000, limits)).toBe(false);
		expect(tooManyZeroes(0, 0, limits)).toBe(false);
	});
});
