import type { IExecuteFunctions } from 'n8n-workflow';

import type { TransportStats } from '../shared/transport';
import type { Approvals } from './approvals';
import { unusedApprovalKeys } from './approvals';
import type { OrgState } from '../shared/ledger';
import type { PushPlan } from './plan';
import type { RunReport } from './run';
import { tally } from './outputs';

type Hint = (message: string, type?: 'info' | 'warning') => void;

/** A hint under the node's output (never an extra item). */
export function hinter(ctx: IExecuteFunctions): Hint {
	return (message, type = 'info') =>
		ctx.addExecutionHints({ message, type, location: 'outputPane' });
}

export function unreadableHint(hint: Hint, unreadable: string[] | undefined): void {
	if (!unreadable?.length) return;
	const one = unreadable.length === 1;
	hint(
		`${unreadable.length} ledger entr${one ? 'y is' : 'ies are'} not readable and ${one ? 'was' : 'were'} kept as stored, unused: ${unreadable.slice(0, 5).join('; ')}${unreadable.length > 5 ? '; ...' : ''}. Fix the count (a number) in the workflow's static data, or remove the entry.`,
		'warning',
	);
}

/** Approval keys that released nothing, and why, so a typo is not mistaken for a release. */
export function unusedApprovalsHint(
	hint: Hint,
	approvals: Approvals,
	state: OrgState,
	plan: PushPlan,
): void {
	const unused = unusedApprovalKeys(
		approvals,
		state,
		plan.pairs.filter((p) => p.approved === 'key').map((p) => p.key),
	);
	if (!unused.length) return;
	const heldNow = Object.keys(state.held);
	hint(
		`Approve Held Pairs released nothing for ${unused.map((u) => `"${u.key.slice(0, 80)}" (${u.why})`).join(', ')}; held now: ${heldNow.length ? `${heldNow.slice(0, 5).join(', ')}${heldNow.length > 5 ? `, and ${heldNow.length - 5} more` : ''}` : 'none'}. ` +
			'Copy the ledgerKey of a Held for Review item (<account id>|<service id>) into Billing Safety > Approve Held Pairs; it releases that held count once.',
		'warning',
	);
}

/** What the run did, in the hints a billing person reads under the output. */
export function runHints(
	hint: Hint,
	run: { dryRun: boolean; items: number; plan: PushPlan; report: RunReport; stats: TransportStats },
): void {
	const { dryRun, plan, report, stats } = run;
	const t = tally(report.results);
	hint(
		`${dryRun ? 'Dry run (nothing sent, ledger unchanged): ' : ''}${report.results.length} pair(s) from ${run.items} item(s): ` +
			`${dryRun ? `${t.dry_run} would be pushed` : `${t.pushed} pushed, ${t.zeroed} zeroed`}, ${t.unchanged} unchanged, ` +
			`${t.not_mapped} not mapped, ${t.failed + plan.itemFailures.length} failed, ${t.held} held for review. ` +
			`${stats.calls} Gradient API call(s), ${stats.retries} retried, ${stats.throttled} rate-limited (429).`,
	);
	const refused = report.results.filter((r) => r.predicted);
	if (refused.length) {
		const customers = new Set(refused.flatMap((r) => r.pair.customerIds)).size;
		const licences = refused.reduce((sum, r) => sum + r.pair.unitCount, 0);
		hint(
			`${customers} customer(s) (${refused.length} count(s), ${licences} licence(s)) are not mapped in Synthesize yet: Gradient will refuse them (see Not Mapped). Map them before the first run.`,
			'warning',
		);
	}
	if (report.rebuild.status === 'sent') {
		hint(`Gradient was asked to rebuild its billing view once (pair ${report.rebuild.key}).`);
	} else if (report.rebuild.status === 'failed' || report.rebuild.status === 'stopped') {
		hint(
			`Gradient's billing view was not rebuilt: ${report.rebuild.reason ?? 'the rebuild call failed'}. The counts are set; the view updates on the next push.`,
			'warning',
		);
	}
	for (const note of plan.notes) hint(note, note.startsWith('Zero Vanished') ? 'info' : 'warning');
}
