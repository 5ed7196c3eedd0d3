import type { Kind, Row } from './rows';
import { NODES } from './world';

/**
 * A template as a RegExp: `<...>` matches any text, the rest literally. Anchored: the whole
 * string must match; otherwise the template may sit anywhere in it.
 */
export function template(text: string, anchored = false): RegExp {
	const body = text
		.split(/<[^<>]+>/)
		.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
		.join('[\\s\\S]*?');
	return new RegExp(anchored ? `^${body}$` : body);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function sees(row: Row): string {
	const node = NODES[row.setup.node];
	const message = code(row.sees).replace(/\n/g, '`<br>`');
	switch (row.outcome) {
		case 'stops':
			return `${node.name} stops: ${message}${row.item !== undefined ? ` (item ${row.item})` : ''}`;
		case 'refused':
			return `n8n refuses to run the workflow: ${message}`;
		case 'routes': {
			const output = node.outputs[row.routes!.output];
			return `${node.name} sends the item(s) to **${output}** with ${message}`;
		}
		case 'accepted':
			return `${node.name}: ${row.sees}`;
		case 'warns':
			return `${node.name} goes on and warns: ${message}`;
		case 'ignored':
			return `${node.name}: ${row.sees.startsWith('(') ? row.sees : message}`;
	}
}

function withContinueOnFail(row: Row): string {
	const node = NODES[row.setup.node];
	if (row.outcome === 'refused') return 'n8n refuses to run as well';
	if (row.cofStops) return 'still stops (n8n passes the input items on unchanged)';
	if (row.cof) {
		const output = node.outputs[row.cof.output];
		const items =
			row.cof.items.length === 1 ? `item ${row.cof.items[0]}` : `items ${row.cof.items.join(', ')}`;
		const where =
			row.setup.node === 'getCounts' || row.setup.node === 'alert'
				? `${output} output, as an item with \`reason\``
				: `**${output}**, with \`reason\`${row.cof.field ? ` and \`field: "${row.cof.field}"\`` : ''}`;
		return `${items} → ${where}`;
	}
	if (row.hint && row.outcome === 'stops') return 'goes on; the message becomes a warning hint';
	return 'same as without';
}

function fix(row: Row): string {
	const poor = row.poor ? ` **Gap (reported):** ${row.poor}` : '';
	return `${row.fix}${poor}`;
}

const KINDS: Array<[Kind, string]> = [
	['Credential', 'Credentials'],
	['Node parameter', 'Node parameters'],
	['Input item', 'Input item fields'],
	['API answer', 'API answers'],
];

/** The catalogue as Markdown: one table per kind of mistake. */
export function renderCatalogue(rows: Row[]): string {
	const out: string[] = [
		'# Bad-input catalogue',
		'',
		'What a user (or an API) can get wrong, what the user then sees, and how to fix it.',
		'Every row is a test in `test/catalogue.test.ts` (table: `test/catalogue/rows.ts`): it runs',
		"through n8n's engine against the API emulators or a scripted API, checks the message (and",
		'that it names the item and the field where there is one), where the item lands with',
		'"Continue On Fail" (node setting *On Error: Continue*), that Gradient received no count for a',
		'bad pair and no other number than the right one, and that no key, Bearer value or',
		'GRADIENT-TOKEN appears in any message, item or hint.',
		'',
		'This file is rendered from the rows and checked by the suite; after changing a row, regenerate',
		'it with `UPDATE_CATALOGUE=1 npx jest test/catalogue.test.ts -t renders`.',
		'',
		'In messages, `<...>` stands for a value that varies (a service id, a count of calls).',
		`"Item N" counts from 0, as n8n does. A row that falls short is marked **Gap** and reported (${rows.filter((r) => r.poor).length || 'none'} at present).`,
		'',
	];
	for (const [kind, title] of KINDS) {
		const mine = rows.filter((r) => r.kind === kind);
		if (!mine.length) continue;
		out.push(`## ${title}`, '');
		out.push('| ID | What is wrong | What the user sees | With Continue On Fail | How to fix |');
		out.push('|---|---|---|---|---|');
		for (const row of mine) {
			out.push(
				`| \`${row.id}\` | ${cell(row.wrong)} | ${cell(sees(row))} | ${cell(withContinueOnFail(row))} | ${cell(fix(row))} |`,
			);
		}
		out.push('');
	}
	out.push(
		'## Writes whose answer was garbled',
		'',
		'A write Gradient answers 2xx with a body that is not JSON was done: it is never sent again (tests in `test/catalogue.test.ts`, "writes whose answer was garbled are done once").',
		'',
		'- Map Service creates the service once and finds it by reading the service list again; Gradient allows two services of one name, so a create whose outcome is unknown is never simply repeated (`api-gr-create-service-malformed`).',
		'- Push Billable sends the count once, reports it on Pushed and remembers it in the ledger, so a later run whose complete walk no longer has the pair zeroes it (`api-gr-count-malformed`).',
		'',
	);
	return out.join('\n');
}
