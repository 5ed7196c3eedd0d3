import { randomString } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, inputError } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import { ledgerKey } from '../shared/ledger';
import { openOrganization } from '../shared/memory/organization';
import { pairedWith, requestSettings } from '../shared/options';
import { hinter, runHints, unreadableHint, unusedApprovalsHint } from './hints';
import { LedgerRecorder } from './ledgerRecorder';
import { memoryWarnings } from './memoryWarnings';
import { itemFailureJson, outputOf, resultJson, tally } from './outputs';
import { readParameters } from './parameters';
import { itemFailure, planPush } from './plan';
import type { ReadItem } from './readItems';
import { readItem, valuesOf } from './readItems';
import { runPlan } from './run';

/** Reads and checks the items, plans the pairs against the ledger, pushes them, shapes the four outputs. */
export async function pushBillable(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	// Pushed, Not Mapped, Failed, Held for Review (the contract's four), then Memory Warnings.
	const out: INodeExecutionData[][] = [[], [], [], [], []];
	const hint = hinter(this);
	const { dryRun, options, fields, settings } = readParameters(this);
	const read: ReadItem[] = items.map((item, i) => readItem(item.json, i, fields, dryRun));
	if (!this.continueOnFail()) {
		// Bad input stops the node before anything is sent: never a push of a wrong number.
		for (const r of read) {
			if ('bad' in r) {
				throw inputError(node, r.bad.index, r.bad.field, r.bad.problem, r.bad.fix);
			}
		}
	}
	if (items.length === 0) {
		hint('No input items: nothing was pushed and nothing was zeroed.', 'warning');
		return out;
	}

	const runId = this.getExecutionId() || randomString(12);
	const client = new GradientClient(this, requestSettings(options));
	// A memory that cannot be read or written stops the node before anything is sent.
	const opened = await openOrganization(this, client, { writable: !dryRun });
	if ('reason' in opened) {
		// Nothing can be sent without the organization and the memory: every item gets this reason.
		const at = new Date().toISOString();
		out[2] = read.map((r) => {
			const v = valuesOf(r);
			const json = itemFailureJson(runId, itemFailure(v, opened.reason, null), at);
			json.httpStatus = opened.httpStatus;
			return { json, pairedItem: { item: v.index } };
		});
		return out;
	}
	const { memory } = opened;

	const { state, health, unreadable } = memory.ledger;
	unreadableHint(hint, unreadable);
	const plan = planPush(read, state, health, settings);
	const planned = new Map(plan.pairs.map((p) => [p.key, p]));
	const ledger = new LedgerRecorder(memory, state);
	if (!dryRun) await ledger.recordHeld(plan.pairs);
	unusedApprovalsHint(hint, settings.approvals, state, plan);
	const report = await runPlan(
		{
			pushCount: async (serviceId, accountId, unitCount, noBuild, itemIndex) => {
				const answer = await client.pushCount(serviceId, accountId, unitCount, noBuild, itemIndex);
				// Each count Gradient accepts is remembered at once (in batches), not at the end.
				const pair = planned.get(ledgerKey(accountId, serviceId));
				if (!dryRun && noBuild && answer.outcome === 'pushed' && pair) {
					await ledger.recordAccepted(pair, answer.status);
				}
				return answer;
			},
			halt: (error) => client.halt(error),
		},
		plan,
		{ dryRun, concurrency: client.concurrency },
	);
	const now = new Date().toISOString();
	if (!dryRun) await ledger.recordRun(report.results, settings.approvals, now);
	await memory.flush();
	out[4] = memoryWarnings(memory, items, runId, now);

	for (const f of plan.itemFailures) {
		out[2].push({ json: itemFailureJson(runId, f, now), pairedItem: { item: f.index } });
	}
	for (const r of report.results) {
		out[outputOf(r.outcome)].push({
			json: resultJson(runId, r),
			pairedItem: pairedWith(r.pair.items),
		});
	}

	runHints(hint, { dryRun, items: items.length, plan, report, stats: client.stats });
	if (this.getMode() === 'manual' && !dryRun && memory.storeName === 'staticData') {
		hint(
			'Started from the editor: n8n does not save workflow static data for such runs, so this run is not remembered in the ledger (production and "n8n execute" runs are).',
			'warning',
		);
	}

	if (report.stopped && !this.continueOnFail()) {
		const t = tally(report.results);
		const error = asNodeError(node, report.stopped);
		error.description =
			`${error.description ?? ''} ${t.pushed + t.zeroed} pair(s) were pushed before the stop and are remembered; the rest were not sent.`.trim();
		throw error;
	}
	return out;
}
