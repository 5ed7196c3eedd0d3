import type { IDataObject } from 'n8n-workflow';

import { applyOutcomes } from '../nodes/GradientPushBillable/ledgerOutcomes';
import type { OrgState } from '../nodes/shared/ledger';
import {
	STATE_KEY,
	emptyState,
	ledgerKey,
	readOrgState,
	splitLedgerKey,
	writeOrgState,
} from '../nodes/shared/ledger';
import { remembered } from './harness/ledger';

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
