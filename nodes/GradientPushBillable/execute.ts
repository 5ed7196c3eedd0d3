import { NodeOperationError, randomString } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';

import { asNodeError, inputError } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import { ledgerKey } from '../shared/ledger';
import { openOrganization } from '../shared/memory/organization';
import { requestSettings } from '../shared/options';
import { parseApprovals, readApprovalTime, unusedApprovalKeys } from './approvals';
import { LedgerRecorder, memoryWarnings } from './memory';
import { itemFailureJson, outputOf, resultJson, tally } from './outputs';
import type { PlanSettings } from './plan';
import { itemFailure, planPush } from './plan';
import type { FieldNames, ReadItem } from './read';
import { DEFAULT_FIELDS, readItem, valuesOf } from './read';
import { runPlan } from './run';

const FIELD_OPTIONS: Array<{ name: string; field: keyof FieldNames; label: string }> = [
	{ name: 'accountIdField', field: 'gradientAccountId', label: 'Account ID Field' },
	{ name: 'serviceIdField', field: 'gradientServiceId', label: 'Service ID Field' },
	{ name: 'countField', field: 'count', label: 'Count Field' },
	{ name: 'customerIdField', field: 'customerId', label: 'Customer ID Field' },
	{ name: 'customerNameField', field: 'customerName', label: 'Customer Name Field' },
	{ name: 'productField', field: 'product', label: 'Product Field' },
	{ name: 'walkField', field: 'walk', label: 'Walk Field' },
];

function fieldNames(options: IDataObject): FieldNames {
	const fields = { ...DEFAULT_FIELDS };
	for (const o of FIELD_OPTIONS) {
		const value = options[o.name];
		if (typeof value === 'string' && value.trim()) fields[o.field] = value.trim();
	}
	return fields;
}

function numberOption(options: IDataObject, name: string, fallback: number): number {
	const value = options[name];
	return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function paired(items: number[]): IPairedItemData | IPairedItemData[] {
	return items.length === 1 ? { item: items[0] } : items.map((item) => ({ item }));
}

/** Reads and checks the items, plans the pairs against the ledger, pushes them, shapes the four outputs. */
export async function pushBillable(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	// Pushed, Not Mapped, Failed, Held for Review (the contract's four), then Memory Warnings.
	const out: INodeExecutionData[][] = [[], [], [], [], []];
	const hint = (message: string, type: 'info' | 'warning' = 'info') =>
		this.addExecutionHints({ message, type, location: 'outputPane' });

	const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
	// Three collections in the editor (Billing Safety, Options, Input Fields), one set of settings here.
	const options = {
		...(this.getNodeParameter('options', 0, {}) as IDataObject),
		...(this.getNodeParameter('billingSafety', 0, {}) as IDataObject),
		...(this.getNodeParameter('inputFields', 0, {}) as IDataObject),
	};
	// An unreadable date would silently release nothing: refuse it before anything is sent.
	const approveTime = readApprovalTime(options.approveHeldBefore);
	let approveBefore =
		approveTime === undefined ? undefined : String(options.approveHeldBefore).trim();
	if (Number.isNaN(approveTime)) {
		const shown = String(options.approveHeldBefore).trim().slice(0, 40);
		const error = new NodeOperationError(
			node,
			`Billing Safety > Approve All Held Before is not a date ("${shown}")`,
			{
				description:
					'Enter a date and time (ISO 8601, e.g. 2025-01-31T00:00:00Z), or clear the option.',
			},
		);
		if (!this.continueOnFail()) throw error;
		hint(
			`${error.message}. ${error.description} Nothing held was released by date this run.`,
			'warning',
		);
		approveBefore = undefined;
	}
	const guardOn = this.getNodeParameter('changeGuard', 0, false) as boolean;
	const settings: PlanSettings = {
		zeroVanished: this.getNodeParameter('zeroVanished', 0, true) as boolean,
		skipUnchanged: options.skipUnchanged === true,
		guard: guardOn
			? {
					maxChangePercent: this.getNodeParameter('maxChangePercent', 0, 50) as number,
					holdDropsToZero: this.getNodeParameter('holdDropsToZero', 0, true) as boolean,
				}
			: undefined,
		massZero: {
			hold: options.holdMassZeroing !== false,
			maxSharePercent: numberOption(options, 'maxZeroSharePercent', 10),
			maxPairs: numberOption(options, 'maxZeroPairs', 25),
		},
		approvals: parseApprovals(
			typeof options.approveHeldKeys === 'string' ? options.approveHeldKeys : '',
			approveBefore,
		),
	};

	const fields = fieldNames(options);
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
	if (unreadable?.length) {
		hint(
			`${unreadable.length} ledger entr${unreadable.length === 1 ? 'y is' : 'ies are'} not readable and ${unreadable.length === 1 ? 'was' : 'were'} kept as stored, unused: ${unreadable.slice(0, 5).join('; ')}${unreadable.length > 5 ? '; ...' : ''}. Fix the count (a number) in the workflow's static data, or remove the entry.`,
			'warning',
		);
	}
	const plan = planPush(read, state, health, settings);
	const planned = new Map(plan.pairs.map((p) => [p.key, p]));
	const ledger = new LedgerRecorder(memory, state);
	if (!dryRun) await ledger.recordHeld(plan.pairs);
	const unused = unusedApprovalKeys(
		settings.approvals,
		state,
		plan.pairs.filter((p) => p.approved === 'key').map((p) => p.key),
	);
	if (unused.length) {
		const heldNow = Object.keys(state.held);
		hint(
			`Approve Held Pairs released nothing for ${unused.map((u) => `"${u.key.slice(0, 80)}" (${u.why})`).join(', ')}; held now: ${heldNow.length ? `${heldNow.slice(0, 5).join(', ')}${heldNow.length > 5 ? `, and ${heldNow.length - 5} more` : ''}` : 'none'}. ` +
				'Copy the ledgerKey of a Held for Review item (<account id>|<service id>) into Billing Safety > Approve Held Pairs; it releases that held count once.',
			'warning',
		);
	}
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
			pairedItem: paired(r.pair.items),
		});
	}

	const t = tally(report.results);
	const stats = client.stats;
	hint(
		`${dryRun ? 'Dry run (nothing sent, ledger unchanged): ' : ''}${report.results.length} pair(s) from ${items.length} item(s): ` +
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
	if (this.getMode() === 'manual' && !dryRun && memory.storeName === 'staticData') {
		hint(
			'Started from the editor: n8n does not save workflow static data for such runs, so this run is not remembered in the ledger (production and "n8n execute" runs are).',
			'warning',
		);
	}

	if (report.stopped && !this.continueOnFail()) {
		const error = asNodeError(node, report.stopped);
		error.description =
			`${error.description ?? ''} ${t.pushed + t.zeroed} pair(s) were pushed before the stop and are remembered; the rest were not sent.`.trim();
		throw error;
	}
	return out;
}
