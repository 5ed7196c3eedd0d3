import type { CustomerData } from '../nodes/shared/counting';
import {
	closestProduct,
	parseProductFilter,
	productNamer,
	productsCarried,
	unmatchedProducts,
} from '../nodes/shared/products';
import { group } from './harness/customerData';

describe('productNamer', () => {
	const productOf = productNamer();

	it('maps a service_type by its first word, without regard to case', () => {
		expect(productOf('CloudFilter Email Security')).toBe('CloudFilter');
		expect(productOf('SafeSend Outbound')).toBe('SafeSend');
		expect(productOf('cloudfilter')).toBe('CloudFilter');
		expect(productOf('  XTRAMAIL   Continuity ')).toBe('XtraMail');
		expect(productOf('SecureStore Archiving')).toBe('SecureStore');
		expect(productOf('CloudMail Hosted Email')).toBe('CloudMail');
		expect(productOf('Bracket Encryption')).toBe('Bracket');
	});

	it('matches bundles before Bracket, also when written as two words', () => {
		expect(productOf('BracketBundle')).toBe('BracketBundle');
		expect(productOf('Bracket Bundle')).toBe('BracketBundle');
		expect(productOf('bracket bundle premium')).toBe('BracketBundle');
		expect(productOf('ContinuityBundle')).toBe('ContinuityBundle');
		expect(productOf('Continuity Bundle')).toBe('ContinuityBundle');
	});

	it('passes unknown service types through unchanged (no partial-word matches)', () => {
		expect(productOf('Shield Advanced')).toBe('Shield Advanced');
		expect(productOf('CloudFilterPlus')).toBe('CloudFilterPlus');
		expect(productOf('Exchange+ Premium')).toBe('Exchange+ Premium');
	});

	it("adds the MSP's own names: longest first, own names first on equal length", () => {
		const own = productNamer([
			{ serviceType: 'Shield', product: 'Shield' },
			{ serviceType: 'shield advanced', product: 'Shield Pro' },
			{ serviceType: 'Bracket', product: 'Encryption' },
		]);
		expect(own('Shield Advanced')).toBe('Shield Pro');
		expect(own('Shield Basic')).toBe('Shield');
		expect(own('Bracket Encryption')).toBe('Encryption');
		// The longer built-in bundle names still beat the MSP's shorter "Bracket".
		expect(own('BracketBundle')).toBe('BracketBundle');
		expect(own('Bracket Bundle')).toBe('BracketBundle');
		expect(productNamer([{ serviceType: 'cloudfilter', product: 'CF' }])('CloudFilter X')).toBe(
			'CF',
		);
		expect(own('CloudFilter Email Security')).toBe('CloudFilter');
	});

	it('ignores incomplete rows of the table', () => {
		const own = productNamer([
			{ serviceType: '', product: 'X' },
			{ serviceType: 'Y', product: '' },
		]);
		expect(own('Y something')).toBe('Y something');
	});
});

describe('parseProductFilter', () => {
	const productOf = productNamer();
	it('spells the filter as the products are spelled, drops duplicates and blanks', () => {
		expect(parseProductFilter('cloudfilter, SafeSend ,, CLOUDFILTER', productOf)).toEqual([
			'CloudFilter',
			'SafeSend',
		]);
		expect(parseProductFilter('Shield Advanced', productOf)).toEqual(['Shield Advanced']);
	});
	it('is undefined (all products) when empty', () => {
		expect(parseProductFilter('', productOf)).toBeUndefined();
		expect(parseProductFilter(' , ', productOf)).toBeUndefined();
	});
});

describe('products carried and a filter that matches none', () => {
	const productOf = productNamer();
	const customer: CustomerData = {
		id: '1',
		name: 'One',
		domains: [
			{ id: '10', name: 'one.example', alias: false, status: 'Active' },
			{ id: '11', name: 'one-alias.example', alias: true, status: 'Active' },
		],
		groups: [
			group('g1', '10', ['SafeSend Outbound', 'CloudFilter Email Security'], null),
			// A group of an alias domain adds nothing, so its product is not carried.
			group('g2', '11', ['XtraMail'], null),
		],
	};
	const other: CustomerData = {
		id: '2',
		name: 'Two',
		domains: [{ id: '20', name: 'two.example', alias: false, status: 'Active' }],
		groups: [group('g3', '20', ['cloudfilter', 'Shield Advanced'], null)],
	};

	it('lists each product once, as the namer spells it, sorted', () => {
		expect(productsCarried([customer, other], productOf)).toEqual([
			'CloudFilter',
			'SafeSend',
			'Shield Advanced',
		]);
		expect(productsCarried([], productOf)).toEqual([]);
	});

	it('finds the filter names no product matches, without regard to case', () => {
		const carried = ['CloudFilter', 'SafeSend'];
		expect(unmatchedProducts(['CloudFiltr', 'safesend', 'Bracket'], carried)).toEqual([
			'CloudFiltr',
			'Bracket',
		]);
		expect(unmatchedProducts(undefined, carried)).toEqual([]);
	});

	it('suggests the product a mistyped name is a few letters from, and nothing for a stranger', () => {
		const carried = ['CloudFilter', 'SafeSend', 'XtraMail'];
		expect(closestProduct('CloudFiltr', carried)).toBe('CloudFilter');
		expect(closestProduct('safesnd', carried)).toBe('SafeSend');
		expect(closestProduct('Bracket', carried)).toBeUndefined();
		expect(closestProduct('CloudFiltr', [])).toBeUndefined();
	});
});
