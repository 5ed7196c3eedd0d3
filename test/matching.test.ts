import { alignNames, looseName, matchName } from '../nodes/GradientAssignCustomer/matching';

const client = (id: string, name: string) => ({ id, name });
const customer = (customerId: string, customerName: string) => ({ customerId, customerName });

describe('looseName', () => {
	it.each([
		['ACME corp.', 'acme corp'],
		['Acme Corp', 'acme corp'],
		['Smith & Sons LLC', 'smith and sons llc'],
		['Smith and Sons, LLC', 'smith and sons llc'],
		['Müller GmbH', 'muller gmbh'],
		["O'Brien & Partners", 'obrien and partners'],
		['  Contoso   (EU)  Ltd. ', 'contoso eu ltd'],
		['L.L.C.', 'llc'],
	])('%j -> %j', (name, expected) => {
		expect(looseName(name)).toBe(expected);
	});
});

describe('matchName', () => {
	it.each([
		['Acme Corporation', 'acme'],
		['ACME corp.', 'acme'],
		['Acme, Inc.', 'acme'],
		['The Acme Co.', 'acme'],
		['Muller GmbH & Co. KG', 'muller'],
		['Smith & Sons LLC', 'smith and sons'],
		['Smith & Co.', 'smith'],
		['Acme Dental Group', 'acme dental group'],
		// A name that is nothing but a suffix keeps it, rather than becoming empty.
		['Company', 'company'],
	])('%j -> %j', (name, expected) => {
		expect(matchName(name)).toBe(expected);
	});
});

describe('alignNames', () => {
	it('takes the one client whose name matches after case and punctuation', () => {
		const result = alignNames([customer('1', 'ACME corp.')], [client('c1', 'Acme Corp')]);
		expect(result.get('1')).toEqual({ kind: 'aligned', client: client('c1', 'Acme Corp') });
	});

	it('ignores legal suffixes when nothing closer matches', () => {
		const result = alignNames(
			[customer('1', 'Contoso Ltd')],
			[client('c1', 'Contoso, Inc.'), client('c2', 'Contoso Pharmaceuticals')],
		);
		expect(result.get('1')).toEqual({ kind: 'aligned', client: client('c1', 'Contoso, Inc.') });
	});

	it('reports every candidate when several clients match equally well', () => {
		const result = alignNames(
			[customer('2', 'Smith & Sons LLC')],
			[
				client('c1', 'Smith and Sons Inc'),
				client('c2', 'Smith & Sons Ltd'),
				client('c3', 'Smithers'),
			],
		);
		expect(result.get('2')).toMatchObject({
			kind: 'ambiguous',
			candidates: ['Smith and Sons Inc', 'Smith & Sons Ltd'],
		});
	});

	it('prefers the closer spelling over a suffix-only match', () => {
		// "ACME corp." matches "Acme Corp" at tier 1; "Acme Corporation" only at tier 2.
		const result = alignNames(
			[customer('1', 'ACME corp.'), customer('6', 'Acme Corporation')],
			[client('c1', 'Acme Corp')],
		);
		expect(result.get('1')).toEqual({ kind: 'aligned', client: client('c1', 'Acme Corp') });
		expect(result.get('6')).toEqual({ kind: 'none' });
	});

	it('aligns nobody when two customers claim one client equally', () => {
		const result = alignNames(
			[customer('1', 'Acme Corp.'), customer('9', 'ACME CORP')],
			[client('c1', 'Acme Corp')],
		);
		for (const id of ['1', '9']) {
			expect(result.get(id)).toMatchObject({ kind: 'ambiguous', candidates: ['Acme Corp'] });
		}
		expect((result.get('1') as { why: string }).why).toContain('"ACME CORP" (9)');
	});

	it('leaves a name alone when another account already carries the client spelling', () => {
		const taken = new Map([['Acme Corp', 'native-7']]);
		const result = alignNames([customer('1', 'ACME corp.')], [client('c1', 'Acme Corp')], taken);
		expect(result.get('1')).toMatchObject({ kind: 'ambiguous', candidates: ['Acme Corp'] });
		// ...but not when that account is the customer's own (aligned on an earlier run).
		const own = alignNames(
			[customer('1', 'ACME corp.')],
			[client('c1', 'Acme Corp')],
			new Map([['Acme Corp', '1']]),
		);
		expect(own.get('1')).toMatchObject({ kind: 'aligned' });
	});

	it('finds nothing for an unrelated name', () => {
		const result = alignNames([customer('3', 'Northwind Traders')], [client('c1', 'Acme Corp')]);
		expect(result.get('3')).toEqual({ kind: 'none' });
	});
});
