import type { INodeExecutionData } from 'n8n-workflow';

import type { MemoryHandle } from '../shared/memory/door';

/** Accounts this sync created on an earlier run (account id = customer id) that Assign found existing. */
function earlierRunEvidence(items: INodeExecutionData[]): { accounts: number; notices: string[] } {
	const accounts = new Set<string>();
	const notices = new Set<string>();
	for (const { json } of items) {
		const id = json.gradientAccountId;
		if (
			json.gradientAccountAction === 'existing' &&
			id !== undefined &&
			id !== null &&
			String(id) === String(json.customerId)
		) {
			accounts.add(String(id));
		}
		if (typeof json.memoryNotice === 'string' && json.memoryNotice) notices.add(json.memoryNotice);
	}
	return { accounts: accounts.size, notices: [...notices] };
}

/**
 * The Memory Warnings output: one item when the memory is empty, missing or unreadable while the
 * input shows this sync ran before (zeroing was off for this run), and one when changes could
 * not be written. An alert branch wired to it tells the MSP; a hint alone would go unseen.
 */
export function memoryWarnings(
	memory: MemoryHandle,
	items: INodeExecutionData[],
	runId: string,
	at: string,
): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	const health = memory.ledger.health;
	const where = memory.store.label;
	const advice =
		memory.storeName === 'dataTable'
			? 'This run starts the memory table again (a first run on a new or renamed table, or one that was emptied); the next run zeroes as usual.'
			: 'Use the n8n Data Table memory (README, Scaling out) where static data is lost.';
	const evidence = earlierRunEvidence(items);
	if (
		health === 'unreadable' ||
		(health !== 'ok' && (evidence.accounts || evidence.notices.length))
	) {
		const why =
			health === 'unreadable'
				? 'holds a ledger this version cannot read'
				: health === 'missing'
					? 'holds no ledger for this Gradient organization'
					: 'holds no pushed pairs';
		const seen = evidence.accounts
			? ` while ${evidence.accounts} Gradient account(s) this sync created on an earlier run already exist`
			: '';
		out.push({
			json: {
				runId,
				warning: 'memory_empty',
				memory: memory.storeName,
				ledgerHealth: health,
				accountsSeen: evidence.accounts,
				notices: evidence.notices,
				message: `The billing memory (${where}) ${why}${seen}. Zeroing was off this run: services cancelled since the memory was lost stay billed in Gradient, and previousCount is empty. ${advice} Check Gradient's counts for customers cancelled since the last remembered run.`,
				at,
			},
			pairedItem: { item: 0 },
		});
	}
	if (memory.unsaved > 0) {
		out.push({
			json: {
				runId,
				warning: 'memory_unsaved',
				memory: memory.storeName,
				ledgerHealth: health,
				unsaved: memory.unsaved,
				message: `${memory.unsaved} change(s) to the billing memory could not be written (${memory.unsavedReason ?? 'unknown reason'}). Gradient holds the counts pushed this run; the next run may show no previousCount for them and will not zero them. Fix the Billing Memory credential and run again.`,
				at,
			},
			pairedItem: { item: 0 },
		});
	}
	return out;
}
