import {
	approvalOf,
	parseApprovals,
	readApprovalTime,
	unusedApprovalKeys,
} from '../nodes/GradientPushBillable/approvals';
import type { OrgState } from '../nodes/shared/ledger';

describe('approvals', () => {
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

