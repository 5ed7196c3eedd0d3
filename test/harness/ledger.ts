import type { LedgerPair } from '../../nodes/shared/ledger';

/** A remembered pair as the ledger holds it, for the ledger and zeroing tests. */
export const remembered = (over: Partial<LedgerPair> = {}): LedgerPair => ({
	count: 10,
	customerId: '7',
	customerName: 'Seven',
	products: ['CloudFilter'],
	at: '2024-01-01T00:00:00.000Z',
	...over,
});
