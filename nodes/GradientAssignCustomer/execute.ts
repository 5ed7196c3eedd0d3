import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, reasonOf } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import { assignChanges } from '../shared/memory/changes';
import { openOrganization } from '../shared/memory/organization';
import { requestSettings } from '../shared/options';
import { readCustomers } from './customers';
import { AssignOutputs } from './outputs';
import { billedAccounts, customersOfWalks } from './owners';
import { readParameters } from './parameters';
import { planAccounts } from './plan';
import type { GradientView } from './readGradient';
import { readGradient } from './readGradient';
import { summaryHint } from './summary';
import type { Written } from './write';
import { nothingWritten, writeAccounts } from './write';

/**
 * Gives every customer a Gradient account: reads the parameters and items, reads Gradient,
 * plans (pure), writes the plan unless it is a dry run, and sends each item to its output.
 */
export async function assignCustomers(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const out = new AssignOutputs(items, continueOnFail);
	const params = readParameters(this, out.hints);
	const { dryRun, excluded } = params;
	const { rows, customers } = readCustomers(items, node, params, out);
	const finish = () => out.finish(this, params.idField, excluded);
	if (excluded.size && out.diverted.length) {
		out.hints.push({
			message: `${out.diverted.length} item(s) of excluded customers left the flow (Push Billable will not zero them).`,
			location: 'outputPane',
		});
	}
	if (rows.length === 0) return finish();

	// --- Gradient ------------------------------------------------------------------------------
	const client = new GradientClient(this, requestSettings(params.options));
	const fatal = (error: unknown): INodeExecutionData[][] => {
		if (!continueOnFail) throw asNodeError(node, error);
		const reason = reasonOf(error);
		for (const row of rows) out.toNeedsMapping(row.index, reason);
		return finish();
	};

	const opened = await openOrganization(this, client);
	if ('reason' in opened) {
		for (const row of rows) out.toNeedsMapping(row.index, opened.reason);
		return finish();
	}
	const { organization, memory } = opened;
	let gradient: GradientView;
	try {
		gradient = await readGradient(client, organization, params, out.hints);
	} catch (error) {
		return fatal(error);
	}

	const { adoptByName } = params;
	const plan = planAccounts({
		customers: [...customers.values()],
		accounts: gradient.accounts,
		overrides: params.overrides,
		adoptByName,
		psaClients: gradient.psaClients,
		memory: memory.assign,
		excluded,
		knownCustomers: adoptByName ? customersOfWalks(items) : undefined,
		billedTo: adoptByName ? billedAccounts(memory.ledger.state) : undefined,
	});

	let written: Written = nothingWritten();
	if (!dryRun) {
		try {
			written = await writeAccounts(client, plan, params.batchSize);
		} catch (error) {
			return fatal(error);
		}
		// Per entry: what another run remembered meanwhile is kept.
		await memory.record(assignChanges(memory.assign, plan.memory));
		await memory.flush();
		if (memory.unsaved) {
			out.hints.push({
				message: `${memory.unsaved} aligned or adopted account(s) could not be remembered (${memory.unsavedReason ?? 'unknown reason'}): the next run may rename them back.`,
				type: 'warning',
				location: 'outputPane',
			});
		}
	}

	out.place(plan, rows, dryRun, written);
	out.hints.push(
		summaryHint(plan, written, {
			dryRun,
			statusNote: gradient.statusNote,
			calls: client.stats.calls,
		}),
	);
	return finish();
}
