import type { NodeExecutionHint } from 'n8n-workflow';

import type { AccountPlan } from './accounts';
import type { Written } from './write';

/** The run's closing hint: what was (or on a dry run would be) created, renamed and described. */
export function summaryHint(
	plan: AccountPlan,
	written: Written,
	run: { dryRun: boolean; statusNote: string; calls: number },
): NodeExecutionHint {
	const { creations, renamed, posts, rereads } = written;
	const { dryRun, statusNote, calls } = run;
	const created = [...creations.values()].filter((c) => c.ok && !c.existed).length;
	const renameFailures = [...renamed.values()].filter((r): r is string => r !== undefined);
	const failedRenames = renameFailures.length;
	// An update that keeps the name only sets the description: not a rename to report as one.
	const descriptionOnly = new Set(
		plan.renames.filter((r) => r.from === r.name).map((r) => r.customerId),
	);
	const nameChanges = plan.renames.filter((r) => !descriptionOnly.has(r.customerId));
	const done = [...renamed].filter(([, failure]) => failure === undefined).map(([id]) => id);
	const renamedCount = done.filter((id) => !descriptionOnly.has(id)).length;
	const describedCount = done.length - renamedCount;
	const aligned = [...plan.customers.values()].filter(
		(c) => c.alignedTo && c.action !== 'existing',
	);
	const alignedNote = aligned.length ? `, ${aligned.length} to their PSA client's spelling` : '';
	// The first few renames by name: the MSP checks those, a count alone says little.
	const renameList = nameChanges.length
		? ` (${nameChanges
				.slice(0, 5)
				.map((r) => `"${r.from}" -> "${r.name}"`)
				.join(', ')}${nameChanges.length > 5 ? ', ...' : ''})`
		: '';
	const descriptionNote = (count: number, verb: string) =>
		count ? `${verb} the description (first active domain) of ${count} account(s)` : '';
	const wouldDescribe = descriptionNote(descriptionOnly.size, 'update');
	const described = descriptionNote(describedCount, 'updated');
	return {
		message: dryRun
			? `Dry run, nothing written: would create ${plan.creates.length} account(s)${wouldDescribe ? ',' : ' and'} rename ${nameChanges.length}${renameList}${wouldDescribe ? ` and ${wouldDescribe}` : ''}${alignedNote}${statusNote}. Gradient calls: ${calls} (reads only).`
			: `Gradient calls: ${calls}. Created ${created} account(s) in ${posts} request(s)${rereads ? ` (accounts re-read ${rereads}x after "already exists")` : ''}, renamed ${renamedCount}${renameList}${described ? `, ${described}` : ''}${alignedNote}${failedRenames ? `, ${failedRenames} account update(s) failed (the accounts are still used; first: ${renameFailures[0]})` : ''}${statusNote}.`,
		location: 'outputPane',
	};
}
