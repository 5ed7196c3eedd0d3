import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { STATE_KEY, readOrgState, writeOrgState } from '../ledger';
import { readAssignMemory, writeAssignMemory } from './assignMemory';
import type { MemoryChange } from './changes';
import { applyChanges } from './changes';
import type { MemoryStore } from './store';

/**
 * Workflow static data: the zero-setup memory for one n8n with a simple schedule. n8n saves it
 * only when the execution ends (and not for editor runs, nor reliably in queue mode); the
 * writes here go through today's readOrgState/writeOrgState and readAssignMemory/writeAssignMemory.
 */
export class StaticDataStore implements MemoryStore {
	readonly name = 'staticData' as const;

	readonly label =
		'workflow static data (lost in queue mode, rolled back by schedules with a recurrence, not saved for editor runs)';

	private readonly staticData: IDataObject;

	constructor(
		ctx: IExecuteFunctions,
		private readonly organizationId: string,
	) {
		this.staticData = ctx.getWorkflowStaticData('global');
	}

	async read(): Promise<IDataObject | undefined> {
		const root = this.staticData[STATE_KEY] as IDataObject | undefined;
		const org = root && typeof root === 'object' ? root[this.organizationId] : undefined;
		return org && typeof org === 'object' ? (org as IDataObject) : undefined;
	}

	async write(changes: MemoryChange[]): Promise<void> {
		const org = this.organizationId;
		const ledger = changes.filter((c) => c.kind !== 'aligned' && c.kind !== 'adopted');
		const assign = changes.filter((c) => c.kind === 'aligned' || c.kind === 'adopted');
		if (ledger.length) {
			const { state } = readOrgState(this.staticData, org);
			const next = applyChanges(state as unknown as IDataObject, ledger);
			writeOrgState(this.staticData, org, next as unknown as typeof state);
		}
		if (assign.length) {
			const memory = readAssignMemory(this.staticData, org);
			const next = applyChanges(memory as unknown as IDataObject, assign);
			writeAssignMemory(this.staticData, org, next as unknown as typeof memory);
		}
	}
}
