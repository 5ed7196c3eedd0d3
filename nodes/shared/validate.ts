import type { INode } from 'n8n-workflow';
import type { z } from 'zod';

import type { ApiName } from './errors';
import { apiError } from './errors';

/**
 * Checks an answer against what the code needs. Unknown extra fields pass through; a missing or
 * mistyped field the code reads fails with an error that names the endpoint and the field.
 */
export function parseAnswer<S extends z.ZodTypeAny>(
	node: INode,
	api: ApiName,
	endpoint: string,
	schema: S,
	body: unknown,
	itemIndex?: number,
): z.infer<S> {
	const result = schema.safeParse(body);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const field = issue.path.length
		? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.')
		: '(the whole answer)';
	throw apiError(
		node,
		{
			api,
			endpoint,
			kind: 'shape',
			attempts: 1,
			apiMessage: `Field ${field.replace(/\.\[/g, '[')}: ${issue.message}.`,
		},
		itemIndex,
	);
}
