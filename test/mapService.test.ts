import { readTable } from '../nodes/GradientMapService/parameters';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { GradientAssignCustomer } from '../nodes/GradientAssignCustomer/GradientAssignCustomer.node';
import { GradientMapService } from '../nodes/GradientMapService/GradientMapService.node';
import { checkRow, planServices } from '../nodes/GradientMapService/services';
import type { WalkStamp } from '../nodes/shared/walkStamp';
import { sourceKey } from '../nodes/shared/walkStamp';
import type { GradientEmulator } from './emulators';
import { makeDataset, startGradient } from './emulators';
import type { RunResult } from './harness/engine';
import { runWorkflow } from './harness/engine';
import { chain, credentialsFor, nodeType } from './harness/fixtures';

const NODE = 'Map';
const nodeTypes = {
	[nodeType('gradientAssignCustomer')]: new GradientAssignCustomer(),
	[nodeType('gradientMapService')]: new GradientMapService(),
};

const PRODUCTS = ['CloudFilter', 'SafeSend', 'BracketBundle', 'Bracket', 'ContinuityBundle'];

function itemsFor(customers: number, products: string[] = PRODUCTS): IDataObject[] {
	const walk: WalkStamp = {
		id: 'walk-1',
		complete: true,
		customers: 'all',
		products: 'all',
		items: customers * products.length,
	};
	return Array.from({ length: customers }, (_, n) =>
		products.map((product) => ({
			customerId: String(1001 + n),
			customerName: `Customer ${1001 + n}`,
			domains: [`c${1001 + n}.example`],
			product,
			count: 2,
			breakdown: {},
			walk,
			gradientAccountId: String(1001 + n),
			gradientAccountMapped: null,
		})),
	).flat();
}

async function runMap(
	g: { url: string },
	items: IDataObject[],
	parameters: IDataObject = {},
	continueOnFail = false,
): Promise<RunResult> {
	const workflow = chain(
		[
			{
				name: NODE,
				type: 'gradientMapService',
				parameters: parameters as never,
				credentials: ['gradientApi'],
				continueOnFail,
			},
		],
		{ startItems: items },
	);
	return await runWorkflow({
		workflow,
		nodeTypes,
		credentials: credentialsFor({ gradientUrl: g.url }),
		mode: 'cli',
	});
}

const mapped = (r: RunResult, node = NODE) => r.output(node, 0);
const unmapped = (r: RunResult, node = NODE) => r.output(node, 1);
const hints = (r: RunResult, node = NODE): string[] =>
	(r.run.data.resultData.runData[node]?.[0]?.hints ?? []).map((h) => h.message);
const posts = (g: GradientEmulator) => g.log.filter((e) => e.method === 'POST');
const serviceOf = (items: INodeExecutionData[], product: string) =>
	items.find((i) => i.json.product === product)?.json;

function expectNoError(r: RunResult) {
	if (r.error) throw new Error(`Run failed: ${r.error.message} ${r.error.description ?? ''}`);
}

const emulators: GradientEmulator[] = [];
async function gradient(opts: Parameters<typeof startGradient>[0] = {}): Promise<GradientEmulator> {
	const g = await startGradient({ dataset: makeDataset({ customers: 5 }), ...opts });
	emulators.push(g);
	return g;
}
afterAll(async () => {
	await Promise.all(emulators.map(async (e) => await e.close()));
});

// --- pure: the service plan -------------------------------------------------------------------

describe('planServices', () => {
	const services = [
		{ id: 's1', name: 'cloudfilter' },
		{ id: 's2', name: 'SafeSend' },
	];

	it('uses an existing service whatever its case, and creates each missing name once', () => {
		const plan = planServices({
			products: ['CloudFilter', 'BracketBundle', 'Bracket', 'XtraMail'],
			services,
			table: [{ row: 1, product: 'bracketbundle', action: 'map', serviceName: 'Bracket' }],
		});
		expect(plan.products.get('CloudFilter')).toEqual({
			product: 'CloudFilter',
			outcome: 'existing',
			serviceId: 's1',
			serviceName: 'cloudfilter',
		});
		expect(plan.creates).toEqual([
			{
				key: 'bracket',
				products: ['BracketBundle', 'Bracket'],
				service: {
					name: 'Bracket',
					description: 'Mailprotector Bracket',
					category: 'security',
					subcategory: 'email security',
				},
			},
			{
				key: 'xtramail',
				products: ['XtraMail'],
				service: {
					name: 'XtraMail',
					description: 'Mailprotector XtraMail',
					category: 'security',
					subcategory: 'email security',
				},
			},
		]);
	});

	it('prefers an exact match over one differing in case', () => {
		const plan = planServices({
			products: ['SafeSend'],
			services: [{ id: 'x', name: 'safesend' }, ...services],
		});
		expect(plan.products.get('SafeSend')).toMatchObject({ serviceId: 's2' });
	});

	it('excludes, refuses to create when told, and takes a row category', () => {
		const plan = planServices({
			products: ['ContinuityBundle', 'SecureStore', 'CloudMail'],
			services: [],
			table: [
				{ row: 1, product: 'ContinuityBundle', action: 'exclude' },
				{
					row: 2,
					product: 'SecureStore',
					action: 'map',
					category: 'backup',
					subcategory: 'data archiving',
				},
			],
		});
		expect(plan.products.get('ContinuityBundle')).toMatchObject({
			outcome: 'excluded',
			reason: 'Excluded by Service Table row 1',
		});
		expect(
			plan.creates.map((c) => [c.service.name, c.service.category, c.service.subcategory]),
		).toEqual([
			['SecureStore', 'backup', 'data archiving'],
			['CloudMail', 'security', 'email security'],
		]);
		const off = planServices({ products: ['CloudMail'], services: [], createMissing: false });
		expect(off.products.get('CloudMail')).toMatchObject({ outcome: 'not_creatable' });
		expect(off.creates).toEqual([]);
	});

	it('names the field of an unknown category, with the right spelling when only the case is off', () => {
		expect(
			checkRow(
				{ row: 3, product: 'X', action: 'map', category: 'Security', subcategory: 'email securty' },
				{ category: 'security', subcategory: 'email security' },
			),
		).toEqual([
			{
				field: 'Service Table row 3 > New Service > Category',
				problem: 'is "Security", which is not a Gradient category',
				fix: 'Gradient compares the category case-sensitively: use "security".',
			},
			expect.objectContaining({ field: 'Service Table row 3 > New Service > Subcategory' }),
		]);
		const plan = planServices({
			products: ['CloudFilter', 'SafeSend'],
			services: [],
			table: [
				{ row: 1, product: 'CloudFilter', action: 'map' },
				{ row: 2, product: 'cloudfilter', action: 'exclude' },
			],
		});
		expect(plan.products.get('CloudFilter')).toMatchObject({
			outcome: 'invalid',
			problem: { field: 'Service Table rows 1, 2 > Product' },
		});
	});

	it('tells a typo in the table from a known product that is merely absent', () => {
		const plan = planServices({
			products: ['CloudFilter'],
			services: [],
			table: [
				{ row: 1, product: 'CloudFiltre', action: 'map' },
				{ row: 2, product: 'Bracket', action: 'exclude' },
			],
			knownProducts: ['CloudFilter', 'Bracket'],
		});
		expect(plan.unusedRows.map((u) => [u.row.product, u.unknown])).toEqual([
			['CloudFiltre', true],
			['Bracket', false],
		]);
	});
});

// --- through the engine, against the Gradient emulator ----------------------------------------

describe('Gradient Map Service against the emulator', () => {
	it('creates each service once over two runs and reuses it after', async () => {
		const g = await gradient();
		const items = itemsFor(3);
		const first = await runMap(g, items);
		expectNoError(first);
		expect(mapped(first)).toHaveLength(15);
		expect(unmapped(first)).toEqual([]);
		expect(g.state.vendor.skus.map((s) => s.name).sort()).toEqual([...PRODUCTS].sort());
		for (const sku of g.state.vendor.skus) {
			expect(sku).toMatchObject({ category: 'security', subcategory: 'email security' });
		}
		const cloudFilter = g.state.vendor.skus.find((s) => s.name === 'CloudFilter')!;
		expect(serviceOf(mapped(first), 'CloudFilter')).toMatchObject({
			...items[0],
			gradientServiceId: cloudFilter.id,
			gradientServiceName: 'CloudFilter',
			gradientServiceAction: 'created',
		});
		expect(mapped(first).map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(posts(g)).toHaveLength(5);

		g.clearLog();
		const second = await runMap(g, items);
		expectNoError(second);
		expect(g.log.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /api/vendor-api']);
		expect(g.state.duplicates().services).toEqual([]);
		expect(g.state.vendor.skus).toHaveLength(5);
		expect(serviceOf(mapped(second), 'CloudFilter')).toMatchObject({
			gradientServiceId: cloudFilter.id,
			gradientServiceAction: 'existing',
		});
	});

	it('uses a service whose name differs only in case instead of creating a second', async () => {
		const g = await gradient({ services: ['cloudfilter'] });
		const r = await runMap(g, itemsFor(1, ['CloudFilter']));
		expectNoError(r);
		expect(posts(g)).toEqual([]);
		expect(mapped(r)[0].json).toMatchObject({
			gradientServiceId: g.state.vendor.skus[0].id,
			gradientServiceName: 'cloudfilter',
		});
		expect(g.state.duplicates().services).toEqual([]);
	});

	it('merges, excludes and categorises through the Service Table', async () => {
		const g = await gradient();
		const items = itemsFor(2, [...PRODUCTS, 'SecureStore']);
		const r = await runMap(g, items, {
			serviceTable: {
				rules: [
					{ product: 'BracketBundle', handling: 'map', serviceName: 'Bracket' },
					{ product: 'ContinuityBundle', handling: 'exclude' },
					{
						product: 'securestore',
						handling: 'map',
						serviceName: 'Email Archive',
						newService: { category: 'backup', subcategory: 'data archiving' },
					},
					{}, // a row added and left empty
				],
			},
		});
		expectNoError(r);
		expect(hints(r)).toContain(
			'Service Table row 4 is empty and does nothing: fill in the Product or remove it.',
		);
		expect(g.state.vendor.skus.map((s) => [s.name, s.category, s.subcategory])).toEqual([
			['CloudFilter', 'security', 'email security'],
			['SafeSend', 'security', 'email security'],
			['Bracket', 'security', 'email security'],
			['Email Archive', 'backup', 'data archiving'],
		]);
		const out = mapped(r);
		const bundle = serviceOf(out, 'BracketBundle')!;
		expect(bundle.gradientServiceId).toBe(serviceOf(out, 'Bracket')!.gradientServiceId);
		expect(bundle.product).toBe('BracketBundle');
		expect(unmapped(r).map((i) => [i.json.customerId, i.json.product, i.json.reason])).toEqual([
			['1001', 'ContinuityBundle', 'Excluded by Service Table row 2'],
			['1002', 'ContinuityBundle', 'Excluded by Service Table row 2'],
		]);
		expect((out[0].json.walk as WalkStamp).diverted?.sort()).toEqual([
			sourceKey('1001', 'ContinuityBundle'),
			sourceKey('1002', 'ContinuityBundle'),
		]);
		expect(out.length + unmapped(r).length).toBe(items.length);
	});

	it('reads a row saved before New Service held the category', () => {
		expect(
			readTable([
				{ product: 'X', handling: 'map', category: 'backup', subcategory: 'data archiving' },
			]),
		).toEqual([
			{
				row: 1,
				product: 'X',
				action: 'map',
				serviceName: '',
				category: 'backup',
				subcategory: 'data archiving',
			},
		]);
	});

	it('writes nothing on a dry run', async () => {
		const g = await gradient({ services: ['SafeSend'] });
		const r = await runMap(g, itemsFor(1, ['CloudFilter', 'SafeSend']), { dryRun: true });
		expectNoError(r);
		expect(posts(g)).toEqual([]);
		expect(serviceOf(mapped(r), 'CloudFilter')).toMatchObject({
			gradientServiceId: null,
			gradientServiceName: 'CloudFilter',
			gradientServiceAction: 'would_create',
		});
		expect(serviceOf(mapped(r), 'SafeSend')?.gradientServiceAction).toBe('existing');
		expect(hints(r)[0]).toBe(
			'Dry run, nothing written: would create CloudFilter. Gradient calls: 1 (reads only).',
		);
	});

	it('sends a product to Unmapped when creating is off or Gradient refuses it', async () => {
		const g = await gradient();
		const off = await runMap(g, itemsFor(1, ['CloudFilter']), { createMissing: false });
		expectNoError(off);
		expect(unmapped(off)[0].json.reason).toContain('Create Missing Services is off');
		// An emulator that refuses every request body (413) stands for Gradient refusing the create.
		const refusing = await gradient({ maxBodyBytes: 10 });
		const r = await runMap(refusing, itemsFor(2, ['CloudFilter']));
		expectNoError(r);
		expect(unmapped(r)).toHaveLength(2);
		expect(unmapped(r)[0].json.reason).toContain(
			'Creating the Gradient service "CloudFilter" failed',
		);
		expect(refusing.state.vendor.skus).toEqual([]);
	});

	describe('bad input', () => {
		const unknownCategory = {
			serviceTable: {
				rules: [
					{ product: 'SafeSend', handling: 'map', newService: { category: '={{ "securty" }}' } },
				],
			},
		};

		it('stops on an unknown category, naming the item and field', async () => {
			const g = await gradient();
			const r = await runMap(g, itemsFor(1, ['CloudFilter', 'SafeSend']), unknownCategory);
			expect(r.error?.message).toBe(
				'Item 1: field "Service Table row 1 > New Service > Category" (product "SafeSend") is "securty", which is not a Gradient category',
			);
			expect(r.error?.description).toContain('Use one of: security, backup');
		});

		it('routes it to Unmapped with Continue On Fail, losing nothing', async () => {
			const g = await gradient();
			const r = await runMap(g, itemsFor(1, ['CloudFilter', 'SafeSend']), unknownCategory, true);
			expectNoError(r);
			expect(mapped(r).map((i) => i.json.product)).toEqual(['CloudFilter']);
			expect(unmapped(r).map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
			expect(unmapped(r)[0].json.reason).toContain('Service Table row 1 > New Service > Category');
			expect(g.state.vendor.skus.map((s) => s.name)).toEqual(['CloudFilter']);
		});

		it('stops on a table row for a product no item has, unless it is a known product', async () => {
			const g = await gradient();
			const table = {
				serviceTable: {
					rules: [
						{ product: 'CloudFiltre', handling: 'map', serviceName: 'Email Security' },
						{ product: 'XtraMail', handling: 'exclude' },
					],
				},
			};
			const r = await runMap(g, itemsFor(1, ['CloudFilter']), table);
			expect(r.error?.message).toBe(
				'Service Table row 1: field "Product" names "CloudFiltre", which no input item has',
			);
			expect(r.error?.description).toBe(
				'Products in the input: CloudFilter. Correct the spelling, or remove the row.',
			);
			expect(g.log).toEqual([]);
			const kept = await runMap(g, itemsFor(1, ['CloudFilter']), table, true);
			expectNoError(kept);
			expect(mapped(kept)).toHaveLength(1);
			expect(hints(kept)[0]).toContain('"CloudFiltre", which no input item has');
		});

		it('names a missing product field', async () => {
			const g = await gradient();
			const items = itemsFor(1, ['CloudFilter', 'SafeSend']);
			items[1] = { ...items[1], product: undefined };
			const r = await runMap(g, items);
			expect(r.error?.message).toBe('Item 1: field "product" is missing or empty');
		});
	});

	it('2,000 customers and 5 products: Assign then Map, calls counted', async () => {
		const dataset = makeDataset({ customers: 2000 });
		const g = await gradient({ dataset });
		const items = dataset.customers.flatMap((c) =>
			PRODUCTS.map((product) => ({
				customerId: String(c.id),
				customerName: c.name,
				domains: [],
				product,
				count: 1,
			})),
		);
		const workflow = chain(
			[
				{ name: 'Assign', type: 'gradientAssignCustomer', credentials: ['gradientApi'] },
				{ name: NODE, type: 'gradientMapService', credentials: ['gradientApi'] },
			],
			{ startItems: items },
		);
		const run = async (staticData?: IDataObject) =>
			await runWorkflow({
				workflow,
				nodeTypes,
				credentials: credentialsFor({ gradientUrl: g.url }),
				staticData,
				mode: 'cli',
			});
		const first = await run();
		expectNoError(first);
		expect(mapped(first)).toHaveLength(10_000);
		// Assign: organization, status, accounts, 20 creates. Map: the services, 5 creates.
		expect(hints(first, 'Assign')[0]).toMatch(/^Gradient calls: 23\./);
		expect(hints(first)[0]).toMatch(/^Gradient calls: 6 /);
		expect(g.log).toHaveLength(23 + 6);
		expect(g.log.length).toBeLessThanOrEqual(4 + Math.ceil(2000 / 100) + 1 + 5);
		g.clearLog();
		const second = await run(first.staticData);
		expectNoError(second);
		expect(hints(second, 'Assign')[0]).toMatch(/^Gradient calls: 2\./);
		expect(hints(second)[0]).toMatch(/^Gradient calls: 1 /);
		expect(g.log).toHaveLength(3);
		expect(g.state.vendor.skus).toHaveLength(5);
		expect(g.state.accounts).toHaveLength(2000);
	});
});
