import type { IDataObject } from 'n8n-workflow';

import type { MemoryChange } from './changes';

export type MemoryStoreName = 'staticData' | 'dataTable';

/** Where the billing memory lives; the door (door.ts) is the only user. */
export interface MemoryStore {
	readonly name: MemoryStoreName;
	/** How messages name it, e.g. n8n data table "mailprotector_gradient_memory". */
	readonly label: string;
	/** One organization's memory as static data would hold it; undefined when there is none. */
	read(): Promise<IDataObject | undefined>;
	/** Writes per-entry changes; other entries (another run's) are left as they are. */
	write(changes: MemoryChange[]): Promise<void>;
}
