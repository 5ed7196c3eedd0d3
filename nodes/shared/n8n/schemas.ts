import { z } from 'zod';

/**
 * n8n's public data-table API (n8n 2.41.1, `public-api/v1/openapi.yml`): only the fields this
 * package reads. Lists are offset pages behind an opaque `nextCursor` (null on the last page).
 */
export const dataTableSchema = z
	.object({
		id: z.string().min(1),
		name: z.string(),
		columns: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()).default([]),
	})
	.passthrough();

export const dataTableListSchema = z.object({
	data: z.array(dataTableSchema),
	nextCursor: z.string().nullable().optional(),
});

/** A row: system columns id, createdAt, updatedAt, then the user columns. */
export const dataTableRowSchema = z.object({ id: z.number() }).passthrough();

export const dataTableRowListSchema = z.object({
	data: z.array(dataTableRowSchema),
	nextCursor: z.string().nullable().optional(),
});

export type DataTable = z.infer<typeof dataTableSchema>;
export type DataTableRow = z.infer<typeof dataTableRowSchema>;

export type ColumnType = 'string' | 'number' | 'boolean' | 'date';

export type FilterCondition = 'eq' | 'neq' | 'like' | 'ilike' | 'gt' | 'gte' | 'lt' | 'lte';

export interface RowFilter {
	type: 'and' | 'or';
	filters: Array<{
		columnName: string;
		condition: FilterCondition;
		value: string | number | boolean | null;
	}>;
}
