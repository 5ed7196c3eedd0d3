import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';

import type { AccountPlan, AccountRename, CustomerInput, NewAccount } from '../shared/accounts';
import { planAccounts } from '../shared/accounts';
import { asNodeError, inputError, reasonOf, stopsTheRun } from '../shared/errors';
import { GradientClient } from '../shared/gradient/client';
import type { Account } from '../shared/gradient/schemas';
import type { OrgState } from '../shared/ledger';
import { splitLedgerKey } from '../shared/ledger';
import { assignChanges } from '../shared/memory/changes';
import { openOrganization } from '../shared/memory/organization';
import type { NamedClient } from '../shared/matching';
import { requestSettings } from '../shared/options';
import { mapConcurrent } from '../shared/pacing';
import { recordDiverted, recordExcluded, walkOf } from '../shared/walk';

interface Row {
	index: number;
	customerId: string;
	customerName: string;
	description: string;
}

interface Creation {
	ok: boolean;
	mapped: boolean | null;
	/** It turned out to exist already (a 409 race). */
	existed?: boolean;
	reason?: string;
}

const OVERRIDE_FIELD = 'Account Overrides > Gradient Account ID';

function text(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** The customer's first active domain: Get Counts puts it on the item or in its breakdown. */
export function descriptionOf(json: IDataObject): string {
	const breakdown = json.breakdown as IDataObject | undefined;
	const direct = text(json.primaryDomain) || text(breakdown?.primaryDomain);
	if (direct) return direct;
	const domains = json.domains;
	return Array.isArray(domains) && domains.length ? text(domains[0]) : '';
}

/** "1024, 2048" or an array (from an expression) -> a set of customer ids. */
export function parseIdList(value: unknown): Set<string> {
	const parts = Array.isArray(value) ? value : String(value ?? '').split(/[\s,;]+/);
	return new Set(parts.map(text).filter(Boolean));
}

function describeValue(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'empty';
	if (typeof value === 'string') return `"${value}", which is only spaces`;
	return `${JSON.stringify(value)} (a ${Array.isArray(value) ? 'list' : typeof value}), not a string`;
}

function chunk<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/** isMapped of the accounts a create answer echoes back, when it does. */
function echoedMapping(body: unknown): Map<string, boolean> {
	const out = new Map<string, boolean>();
	if (!Array.isArray(body)) return out;
	for (const entry of body as IDataObject[]) {
		if (entry && typeof entry.isMapped === 'boolean' && entry.id !== undefined) {
			out.set(String(entry.id), entry.isMapped);
		}
	}
	return out;
}

/** Customers the walks name though they may not be in this input: scope, diverted, excluded. */
function customersOfWalks(items: INodeExecutionData[]): Set<string> {
	const out = new Set<string>();
	// Items of one walk usually share one stamp; copies are told apart by their list lengths.
	const seen = new Set<string>();
	for (const item of items) {
		const walk = walkOf(item.json);
		if (!walk) continue;
		const key = `${walk.id}|${walk.diverted?.length ?? 0}|${walk.excluded?.length ?? 0}`;
		if (seen.has(key)) continue;
		seen.add(key);
		if (Array.isArray(walk.customers)) for (const id of walk.customers) out.add(String(id));
		for (const key of walk.diverted ?? []) out.add(String(key).split('::')[0]);
		for (const id of walk.excluded ?? []) out.add(String(id));
	}
	return out;
}

/** Gradient account id -> the customers Push Billable remembers billing to it (read only). */
function billedAccounts(state: OrgState): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	const add = (accountId: string, customerId: string) => {
		if (!accountId || !customerId) return;
		const set = out.get(accountId) ?? new Set<string>();
		set.add(customerId);
		out.set(accountId, set);
	};
	for (const [key, pair] of Object.entries(state.pairs)) {
		const { gradientAccountId } = splitLedgerKey(key);
		add(gradientAccountId, pair.customerId);
		for (const source of pair.sources ?? []) add(gradientAccountId, source.split('::')[0]);
	}
	for (const held of Object.values(state.held)) add(held.gradientAccountId, held.customerId);
	return out;
}

export async function assignCustomers(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
	const align = this.getNodeParameter('alignNames', 0, false) as boolean;
	const adoptByName = this.getNodeParameter('adoptByName', 0, false) as boolean;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const idField = text(options.customerIdField) || 'customerId';
	const nameField = text(options.customerNameField) || 'customerName';
	const batchSize = Math.max(1, Math.floor(Number(options.batchSize) || 100));
	const hints: NodeExecutionHint[] = [];

	const assigned: INodeExecutionData[] = [];
	const needsMapping: INodeExecutionData[] = [];
	const diverted: INodeExecutionData[] = [];

	const toNeedsMapping = (index: number, reason: string, extra: IDataObject = {}) => {
		needsMapping.push({
			json: { ...items[index].json, ...extra, reason },
			pairedItem: { item: index },
		});
	};
	const badInput = (error: NodeOperationError, index: number) => {
		if (!continueOnFail) throw error;
		toNeedsMapping(index, reasonOf(error));
	};

	// --- parameters ---------------------------------------------------------------------------
	const excluded = parseIdList(this.getNodeParameter('excludeCustomerIds', 0, ''));
	const overrides = new Map<string, string>();
	const badOverrides = new Map<string, unknown>();
	const overrideRows = this.getNodeParameter('overrides.override', 0, []) as IDataObject[];
	overrideRows.forEach((row, position) => {
		const customerId = text(row.customerId);
		const accountId = row.gradientAccountId;
		if (!customerId) {
			if (text(accountId) === '') return; // an empty row the user added and left blank
			const error = new NodeOperationError(
				node,
				`Account Overrides row ${position + 1}: field "Customer ID" is empty`,
				{ description: 'Enter the Mailprotector customer ID the Gradient account is for.' },
			);
			if (!continueOnFail) throw error;
			hints.push({ message: error.message, type: 'warning', location: 'outputPane' });
			return;
		}
		if (typeof accountId === 'string' && accountId.trim() !== '') {
			overrides.set(customerId, accountId.trim());
		} else {
			badOverrides.set(customerId, accountId);
		}
	});

	// --- items -> customers ---------------------------------------------------------------------
	const rows: Row[] = [];
	const customers = new Map<string, CustomerInput>();
	for (let index = 0; index < items.length; index++) {
		const json = items[index].json;
		const customerId = text(json[idField]);
		if (!customerId) {
			badInput(
				inputError(
					node,
					index,
					idField,
					'is missing or empty',
					`Every item needs the Mailprotector customer ID in "${idField}" (Mailprotector Get Counts sets it). Set Options > Customer ID Field if it is under another name.`,
				),
				index,
			);
			continue;
		}
		if (excluded.has(customerId)) {
			diverted.push(items[index]);
			continue;
		}
		if (badOverrides.has(customerId)) {
			badInput(
				inputError(
					node,
					index,
					OVERRIDE_FIELD,
					`for customer ${customerId} is ${describeValue(badOverrides.get(customerId))}`,
					'Gradient account IDs are text: enter the ID exactly as Gradient shows it, e.g. "329" (an expression must return a string).',
				),
				index,
			);
			continue;
		}
		const customerName = text(json[nameField]);
		if (!customerName && !customers.has(customerId)) {
			badInput(
				inputError(
					node,
					index,
					nameField,
					'is missing or empty',
					`Gradient accounts need a name: pass the customer's name in "${nameField}", or set Options > Customer Name Field.`,
				),
				index,
			);
			continue;
		}
		if (!customers.has(customerId)) {
			customers.set(customerId, { customerId, customerName, description: descriptionOf(json) });
		}
		const customer = customers.get(customerId)!;
		rows.push({ index, ...customer });
	}

	const finish = (): INodeExecutionData[][] => {
		const away = [...needsMapping, ...diverted].map((item) => ({
			json: {
				customerId: text(item.json[idField]),
				product: item.json.product,
				walk: item.json.walk,
			},
		}));
		if (hints.length) this.addExecutionHints(...hints);
		// Every excluded id rides on the stamp, also those that sent nothing: Push never zeroes them.
		return [recordExcluded(recordDiverted(assigned, away), excluded), needsMapping];
	};
	if (excluded.size && diverted.length) {
		hints.push({
			message: `${diverted.length} item(s) of excluded customers left the flow (Push Billable will not zero them).`,
			location: 'outputPane',
		});
	}
	if (rows.length === 0) return finish();

	// --- Gradient ------------------------------------------------------------------------------
	const client = new GradientClient(this, requestSettings(options));
	const fatal = (error: unknown): INodeExecutionData[][] => {
		if (!continueOnFail) throw asNodeError(node, error);
		const reason = reasonOf(error);
		for (const row of rows) toNeedsMapping(row.index, reason);
		return finish();
	};

	const opened = await openOrganization(this, client);
	if ('reason' in opened) {
		for (const row of rows) toNeedsMapping(row.index, opened.reason);
		return finish();
	}
	const { organization, memory } = opened;
	let accounts: Account[];
	let psaClients: NamedClient[] | undefined;
	let statusNote = '';
	try {
		if (organization.status === 'inactive') {
			if (dryRun) {
				statusNote = '; would set the integration status to pending';
			} else {
				try {
					await client.setIntegrationStatus('pending');
					statusNote = '; integration status set to pending';
				} catch (error) {
					if (stopsTheRun(error)) throw asNodeError(node, error);
					hints.push({
						message: `The integration status is inactive and could not be set to pending: ${reasonOf(error)}`,
						type: 'warning',
						location: 'outputPane',
					});
				}
			}
		}
		accounts = await client.listAccounts();
		if (align) {
			try {
				psaClients = (await client.listPsaClients()).map((c) => ({ id: c.id, name: c.name }));
			} catch (error) {
				if (stopsTheRun(error)) throw asNodeError(node, error);
				hints.push({
					message: `Names were not aligned this run: the PSA clients could not be read (Gradient's clients route is deprecated). ${reasonOf(error)}`,
					type: 'warning',
					location: 'outputPane',
				});
			}
		}
	} catch (error) {
		return fatal(error);
	}

	const plan = planAccounts({
		customers: [...customers.values()],
		accounts,
		overrides,
		adoptByName,
		psaClients,
		memory: memory.assign,
		excluded,
		knownCustomers: adoptByName ? customersOfWalks(items) : undefined,
		billedTo: adoptByName ? billedAccounts(memory.ledger.state) : undefined,
	});

	const creations = new Map<string, Creation>();
	const renamed = new Map<string, string | undefined>();
	let postCount = 0;
	let rereads = 0;
	if (!dryRun) {
		try {
			const extraRenames: AccountRename[] = [];
			await mapConcurrent(chunk(plan.creates, batchSize), client.concurrency, async (batch) => {
				const result = await createBatch(client, batch);
				postCount += result.posts;
				rereads += result.rereads;
				for (const [id, creation] of result.created) creations.set(id, creation);
				extraRenames.push(...result.renames);
			});
			await mapConcurrent(
				[...plan.renames, ...extraRenames],
				client.concurrency,
				async (rename) => {
					try {
						await client.updateAccount(rename.accountId, {
							name: rename.name,
							...(rename.description !== undefined ? { description: rename.description } : {}),
						});
						renamed.set(rename.customerId, undefined);
					} catch (error) {
						if (stopsTheRun(error)) throw asNodeError(node, error);
						renamed.set(rename.customerId, reasonOf(error));
					}
				},
			);
		} catch (error) {
			return fatal(error);
		}
		// Per entry: what another run remembered meanwhile is kept.
		await memory.record(assignChanges(memory.assign, plan.memory));
		await memory.flush();
		if (memory.unsaved) {
			hints.push({
				message: `${memory.unsaved} aligned or adopted account(s) could not be remembered (${memory.unsavedReason ?? 'unknown reason'}): the next run may rename them back.`,
				type: 'warning',
				location: 'outputPane',
			});
		}
	}

	shapeOutputs(plan, rows, items, dryRun, creations, renamed, assigned, toNeedsMapping);

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
	hints.push({
		message: dryRun
			? `Dry run, nothing written: would create ${plan.creates.length} account(s)${wouldDescribe ? ',' : ' and'} rename ${nameChanges.length}${renameList}${wouldDescribe ? ` and ${wouldDescribe}` : ''}${alignedNote}${statusNote}. Gradient calls: ${client.stats.calls} (reads only).`
			: `Gradient calls: ${client.stats.calls}. Created ${created} account(s) in ${postCount} request(s)${rereads ? ` (accounts re-read ${rereads}x after "already exists")` : ''}, renamed ${renamedCount}${renameList}${described ? `, ${described}` : ''}${alignedNote}${failedRenames ? `, ${failedRenames} account update(s) failed (the accounts are still used; first: ${renameFailures[0]})` : ''}${statusNote}.`,
		location: 'outputPane',
	});
	return finish();
}

/**
 * POSTs one batch. A 409 means some of it exists already (a race with another writer): the
 * accounts are re-read, the ones now present count as existing (renamed if their name differs),
 * and the rest are sent once more.
 */
async function createBatch(
	client: GradientClient,
	batch: NewAccount[],
): Promise<{
	created: Map<string, Creation>;
	renames: AccountRename[];
	posts: number;
	rereads: number;
}> {
	const created = new Map<string, Creation>();
	const renames: AccountRename[] = [];
	let pending = batch;
	let posts = 0;
	let rereads = 0;
	for (let round = 0; round < 2 && pending.length; round++) {
		posts++;
		let answer;
		try {
			answer = await client.createAccounts(pending);
		} catch (error) {
			if (stopsTheRun(error)) throw asNodeError(client.node, error);
			for (const account of pending) {
				created.set(account.id, { ok: false, mapped: null, reason: reasonOf(error) });
			}
			return { created, renames, posts, rereads };
		}
		if (answer.status !== 409) {
			const echoed = echoedMapping(answer.body);
			for (const account of pending) {
				created.set(account.id, { ok: true, mapped: echoed.get(account.id) ?? null });
			}
			return { created, renames, posts, rereads };
		}
		rereads++;
		const now = new Map((await client.listAccounts()).map((a) => [a.id, a]));
		const still: NewAccount[] = [];
		for (const account of pending) {
			const existing = now.get(account.id);
			if (!existing) {
				still.push(account);
				continue;
			}
			created.set(account.id, {
				ok: true,
				existed: true,
				mapped: typeof existing.isMapped === 'boolean' ? existing.isMapped : null,
			});
			if (existing.name !== account.name) {
				renames.push({
					accountId: account.id,
					customerId: account.id,
					name: account.name,
					description: account.description || undefined,
					from: existing.name,
				});
			}
		}
		pending = still;
	}
	for (const account of pending) {
		created.set(account.id, {
			ok: false,
			mapped: null,
			reason: `Gradient answered 409 (already exists) when creating account ${account.id}, but does not list it. Run the workflow again; if it persists, check the account in Gradient.`,
		});
	}
	return { created, renames, posts, rereads };
}

function shapeOutputs(
	plan: AccountPlan,
	rows: Row[],
	items: INodeExecutionData[],
	dryRun: boolean,
	creations: Map<string, Creation>,
	renamed: Map<string, string | undefined>,
	assigned: INodeExecutionData[],
	toNeedsMapping: (index: number, reason: string, extra?: IDataObject) => void,
): void {
	for (const row of rows) {
		const customer = plan.customers.get(row.customerId)!;
		let mapped = customer.gradientAccountMapped;
		let action: string = customer.action;
		if (customer.action === 'create') {
			const creation = creations.get(row.customerId);
			if (dryRun) {
				action = 'would_create';
			} else if (!creation?.ok) {
				toNeedsMapping(
					row.index,
					`Creating Gradient account ${row.customerId} failed: ${creation?.reason ?? 'no answer'}`,
				);
				continue;
			} else {
				mapped = creation.mapped;
				action = !creation.existed
					? 'created'
					: !renamed.has(row.customerId)
						? 'existing'
						: renamed.get(row.customerId) === undefined
							? 'renamed'
							: 'rename_failed';
			}
		} else if (customer.action === 'rename') {
			if (dryRun) action = 'would_rename';
			else action = renamed.get(row.customerId) === undefined ? 'renamed' : 'rename_failed';
		} else if (customer.action === 'adopt') {
			action = 'adopted';
		}
		const fields: IDataObject = {
			gradientAccountId: customer.gradientAccountId ?? null,
			gradientAccountMapped: mapped,
			gradientAccountName: customer.accountName ?? null,
			gradientAccountAction: action,
		};
		if (customer.needsMapping) {
			toNeedsMapping(row.index, customer.needsMapping.reason, {
				...(customer.gradientAccountId ? fields : {}),
				...(customer.needsMapping.candidates
					? { candidates: customer.needsMapping.candidates }
					: {}),
			});
			continue;
		}
		assigned.push({
			json: { ...items[row.index].json, ...fields },
			pairedItem: { item: row.index },
		});
	}
}
