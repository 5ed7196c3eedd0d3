import type { NodeExecutionHint } from 'n8n-workflow';

import { asNodeError, reasonOf, stopsTheRun } from '../shared/errors';
import type { GradientClient } from '../shared/gradient/client';
import type { Account, Organization } from '../shared/gradient/schemas';
import type { NamedClient } from './matching';

export interface GradientView {
	accounts: Account[];
	/** Undefined when names are not aligned, or the PSA clients could not be read. */
	psaClients?: NamedClient[];
	/** What became of an inactive integration status, for the run's hint ('' when active). */
	statusNote: string;
}

/**
 * What the plan needs from Gradient: the accounts and, for alignment, the PSA clients. An
 * inactive integration is set to pending first. The status and the PSA clients are optional:
 * their failure is a warning in `hints`; anything else that fails throws.
 */
export async function readGradient(
	client: GradientClient,
	organization: Organization,
	settings: { dryRun: boolean; align: boolean },
	hints: NodeExecutionHint[],
): Promise<GradientView> {
	const node = client.node;
	let psaClients: NamedClient[] | undefined;
	let statusNote = '';
	if (organization.status === 'inactive') {
		if (settings.dryRun) {
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
	const accounts = await client.listAccounts();
	if (settings.align) {
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
	return { accounts, psaClients, statusNote };
}
