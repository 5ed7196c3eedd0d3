/**
 * The bad-input catalogue: one row per thing a user (or an API) can get wrong, what the user
 * then sees, and how to fix it. test/catalogue.test.ts runs every row through the real engine;
 * docs/bad-input-catalogue.md is rendered from this table (see markdown.ts).
 *
 * Templates: in `sees` and `fix`, `<...>` stands for any text (a port, a service id).
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeKey, Route, Setup } from './world';
import { svc } from './world';

export type Kind = 'Credential' | 'Node parameter' | 'Input item' | 'API answer';

/**
 * - stops: without Continue On Fail the node ends with an error (message `sees`, description
 *   holding `fix`); nothing is pushed.
 * - refused: n8n itself refuses to start the workflow (a required parameter is empty).
 * - routes: even without Continue On Fail the bad items go to a failure output, with a reason.
 * - accepted: the value is read as it is meant (e.g. "12" as 12) and pushed.
 * - warns: the node goes on (the value does no harm) and a warning hint (`sees`, then `fix`)
 *   names the value and says how to fix it.
 * - ignored: the value changes nothing and nothing says so (a gap, see `poor`).
 */
export type Outcome = 'stops' | 'refused' | 'routes' | 'accepted' | 'warns' | 'ignored';

export interface Landing {
	/** Output index of the node under test. */
	output: number;
	/** Input item indexes (pairedItem) that land there. */
	items: number[];
	/** The `field` the items carry (Push Billable's Failed output). */
	field?: string;
}

export interface Row {
	id: string;
	kind: Kind;
	/** What is wrong, in the user's words. */
	wrong: string;
	setup: Setup;
	outcome: Outcome;
	/** Template of the message the user sees (the error, or the reason on the routed items). */
	sees: string;
	/** Template of the fix, found in the error's message or description (or the item's reason). */
	fix: string;
	/** The fix is only in the documentation, not in what the node shows (a gap, see `poor`). */
	fixNotShown?: boolean;
	/** The item the error names (its itemIndex, and "Item N" when the message says it). */
	item?: number;
	/** A field name the message must contain. */
	field?: string;
	/** Where the bad items land without Continue On Fail (outcome 'routes'). */
	routes?: Landing;
	/** Where the bad items land with Continue On Fail. */
	cof?: Landing;
	/** The node stops even with Continue On Fail (n8n then passes its input items on unchanged). */
	cofStops?: boolean;
	/** Outcome 'accepted': source index -> the count pushed for it. */
	pushed?: Record<number, number>;
	/** An execution hint the node shows (template). */
	hint?: string;
	/** Why the message or behaviour falls short (reported; the poor text is not asserted). */
	poor?: string;
}

const ALL = [0, 1, 2];

/** A wrong key of the right look ("vk-wrong-key-0001"); the leak scan looks for it too. */
const wrongKey = (prefix: string) => `${prefix}-wrong-key-0001`;

// --- route helpers ---------------------------------------------------------------------------

const GR_ORG = /^\/api\/vendor-api\/organization$/;
const GR_ACCOUNTS = /^\/api\/vendor-api\/organization\/accounts$/;
const GR_VENDOR = /^\/api\/vendor-api$/;
const GR_SERVICE = /^\/api\/vendor-api\/service$/;
const GR_COUNT = /^\/api\/vendor-api\/service\/[^/]+\/count$/;
const GR_ALERT = /^\/api\/vendor-api\/alerting\/[^/]+$/;
const MP_RESELLER = /^\/api\/v1\/resellers\/1$/;
const MP_CUSTOMERS = /^\/api\/v1\/resellers\/1\/customers$/;
const MP_USERS = /^\/api\/v1\/resellers\/1\/users$/;
const MP_SERVICES = /^\/api\/v1\/user_groups\/3001\/services$/;

const on = (method: string, path: RegExp, answer: Route['answer']): Route[] => [
	{ method, path, answer },
];
const status = (code: number, message: unknown): Route['answer'] => ({
	status: code,
	body: { statusCode: code, message },
});
const mpStatus = (code: number, error: string): Route['answer'] => ({
	status: code,
	body: { error },
});
const truncated = (text: string): Route['answer'] => ({
	status: 200,
	headers: { 'Content-Type': 'application/json' },
	body: text,
});

// --- row helpers -----------------------------------------------------------------------------

const MP_KEY_FIX =
	'Check the API Key in the Mailprotector credential: in the Mailprotector console open Edit my profile, click "..." on your role and choose View API Key.';
const GR_KEY_FIX =
	'Check the Vendor API Key and the Partner API Key in the Gradient credential: in Synthesize, Integrations > Custom > Generate API Tokens';
const NOT_JSON_FIX = (api: string) =>
	`Check that the Base URL in the ${api} credential points at the API (not a web page or proxy login), then run again.`;
const DEFAULT_URL: Record<string, string> = {
	Mailprotector: 'https://emailservice.io',
	Gradient: 'https://app.usegradient.com',
};
const UNREACHABLE_FIX = (api: string) =>
	`Nothing answered at the credential's Base URL. Check the Base URL in the ${api} credential (by default ${DEFAULT_URL[api]}), its port, and that n8n can reach it.`;
const UNTRUSTED_FIX = (api: string) =>
	`If a TLS-inspecting proxy sits between n8n and ${api}, give n8n that proxy's CA certificate (NODE_EXTRA_CA_CERTS)`;
const API_PATH_NOTE = (api: string, path: string) =>
	`The ${api} credential's Base URL ends in the API path "${path}"; the package adds the paths itself, so it used <url>.`;
const TRIMMED = 'Nothing to fix: spaces around keys and IDs are trimmed.';
const SHAPE_FIX = 'The API may have changed; please report this with the field named above.';
const RETRY_LATER = (api: string) =>
	`${api} did not recover within the retries. Run the workflow again later`;
const RESELLER_FIX =
	'Enter the numeric ID of your own reseller account (from the console URL of your reseller overview).';

/** The node's failure output with Continue On Fail, for a failure that takes every item. */
const ALL_FAIL: Record<NodeKey, Landing> = {
	getCounts: { output: 0, items: [0] },
	assign: { output: 1, items: ALL },
	map: { output: 1, items: ALL },
	push: { output: 2, items: ALL },
	alert: { output: 0, items: ALL },
};

function mpCredential(
	id: string,
	wrong: string,
	credentials: IDataObject,
	sees: string,
	fix: string,
): Row {
	return {
		id,
		kind: 'Credential',
		wrong,
		setup: { node: 'getCounts', credentials: { mailprotectorApi: credentials } },
		outcome: 'stops',
		sees,
		fix,
		item: 0,
		cof: ALL_FAIL.getCounts,
	};
}

function grCredential(
	id: string,
	wrong: string,
	node: NodeKey,
	credentials: IDataObject,
	sees: string,
	fix: string,
): Row {
	return {
		id,
		kind: 'Credential',
		wrong,
		setup: { node, credentials: { gradientApi: credentials }, bad: ALL },
		outcome: 'stops',
		sees,
		fix,
		cof: ALL_FAIL[node],
	};
}

function mpAnswer(id: string, wrong: string, routes: Route[], sees: string, fix: string): Row {
	return {
		id,
		kind: 'API answer',
		wrong,
		setup: { node: 'getCounts', mailprotector: routes },
		outcome: 'stops',
		sees,
		fix,
		item: 0,
		cof: ALL_FAIL.getCounts,
	};
}

function grAnswer(
	id: string,
	wrong: string,
	node: NodeKey,
	routes: Route[],
	sees: string,
	fix: string,
	extra: Partial<Row> = {},
): Row {
	return {
		id,
		kind: 'API answer',
		wrong,
		setup: { node, gradient: routes, bad: ALL },
		outcome: 'stops',
		sees,
		fix,
		cof: ALL_FAIL[node],
		...extra,
	};
}

/** A bad value in one field of Push Billable's item 1 (customer 1001, SafeSend). */
function pushField(
	id: string,
	wrong: string,
	patch: IDataObject,
	sees: string,
	field: string,
): Row {
	return {
		id,
		kind: 'Input item',
		wrong,
		setup: { node: 'push', patch: { 1: patch } },
		outcome: 'stops',
		sees,
		fix: COUNT_FIX_BY_FIELD[field] ?? '',
		item: 1,
		field,
		cof: { output: 2, items: [1], field },
	};
}

const COUNT_FIX_BY_FIELD: Record<string, string> = {
	count:
		'Each item needs a unit count that is a number of 0 or more (as Get Counts emits). Check the node before Push, or set the field name under Input Fields > Count Field.',
	gradientAccountId:
		'Connect Push Billable after Gradient Assign Customer (output Assigned), or set the field name under Input Fields > Account ID Field.',
	gradientServiceId:
		'Connect Push Billable after Gradient Map Service (output Mapped), or set the field name under Input Fields > Service ID Field.',
	units:
		'Each item needs a unit count that is a number of 0 or more (as Get Counts emits). Check the node before Push, or set the field name under Input Fields > Count Field.',
};

const CATEGORIES_LIST =
	'Use one of: security, backup, productivity, infrastructure, service delivery, consulting, other.';

// --- the table -------------------------------------------------------------------------------

export const ROWS: Row[] = [
	// Credentials: Mailprotector (through Get Counts, then the chain with a ledger to protect).
	mpCredential(
		'cred-mp-key-empty',
		'Mailprotector API Key empty',
		{ apiKey: '' },
		'Mailprotector rejected the credentials (401) on GET /api/v1/resellers/1',
		MP_KEY_FIX,
	),
	mpCredential(
		'cred-mp-key-wrong',
		'Mailprotector API Key wrong',
		{ apiKey: wrongKey('mp') },
		'Mailprotector rejected the credentials (401) on GET /api/v1/resellers/1',
		MP_KEY_FIX,
	),
	mpCredential(
		'cred-mp-reseller-empty',
		'Reseller ID empty',
		{ resellerId: '' },
		'The Mailprotector credential has no Reseller ID',
		'Open the Mailprotector credential and enter the Reseller ID (a number).',
	),
	mpCredential(
		'cred-mp-reseller-text',
		'Reseller ID not a number ("acme")',
		{ resellerId: 'acme' },
		'Mailprotector does not know reseller acme (404): check the Reseller ID field of the Mailprotector credential',
		RESELLER_FIX,
	),
	mpCredential(
		'cred-mp-reseller-unknown',
		'Reseller ID unknown to the key (999)',
		{ resellerId: '999' },
		'Mailprotector does not know reseller 999 (404): check the Reseller ID field of the Mailprotector credential',
		RESELLER_FIX,
	),
	mpCredential(
		'cred-mp-url-empty',
		'Mailprotector Base URL empty',
		{ baseUrl: '' },
		'The Mailprotector credential has no Base URL. Open the credential and enter the API address, e.g. https://...',
		'Open the credential and enter the API address',
	),
	mpCredential(
		'cred-mp-url-not-url',
		'Mailprotector Base URL not a URL',
		{ baseUrl: 'emailservice dot io' },
		'The Mailprotector credential\'s Base URL "emailservice dot io" is not a valid URL. Enter it as https://host, without a path.',
		'Enter it as https://host, without a path.',
	),
	mpCredential(
		'cred-mp-url-http',
		'Mailprotector Base URL is http:// to a public host',
		{ baseUrl: 'http://emailservice.io' },
		'The Mailprotector credential\'s Base URL "http://emailservice.io" must use https (plain http is allowed only for 127.0.0.1, localhost or [::1]). Change it to https://emailservice.io.',
		'Change it to https://emailservice.io.',
	),
	mpCredential(
		'cred-mp-url-nothing',
		'Mailprotector Base URL where nothing listens',
		{ baseUrl: '$nothing' },
		'Cannot reach 127.0.0.1:<port>: nothing answers at that address (ECONNREFUSED), on GET /api/v1/resellers/1',
		UNREACHABLE_FIX('Mailprotector'),
	),
	mpCredential(
		'cred-mp-url-html',
		'Mailprotector Base URL points at a web page (HTML)',
		{ baseUrl: '$html' },
		'Mailprotector answered GET /api/v1/resellers/1 with something that is not JSON (after 3 attempts)',
		NOT_JSON_FIX('Mailprotector'),
	),
	{
		...mpCredential(
			'cred-mp-url-api-path',
			'Mailprotector Base URL ends in the API path (https://emailservice.io/api/v1/)',
			{ baseUrl: '$same/api/v1/' },
			API_PATH_NOTE('Mailprotector', '/api/v1'),
			'Enter <url> in the credential to remove this note.',
		),
		outcome: 'warns',
		item: undefined,
		cof: undefined,
	},
	mpCredential(
		'cred-mp-url-other-path',
		'Mailprotector Base URL has another path (a console page)',
		{ baseUrl: 'https://emailservice.io/login' },
		'The Mailprotector credential\'s Base URL "https://emailservice.io/login" has a path (/login). Enter only the address, without a path: https://emailservice.io.',
		'Enter only the address, without a path: https://emailservice.io.',
	),
	mpCredential(
		'cred-mp-url-unknown-host',
		'Mailprotector Base URL host does not exist (a typo)',
		{ baseUrl: 'https://mailprotector.example.invalid' },
		'Cannot reach mailprotector.example.invalid: the host name does not resolve (<code>), on GET /api/v1/resellers/1',
		'Check the spelling of the Base URL in the Mailprotector credential (by default https://emailservice.io), and that the n8n host can resolve names (DNS).',
	),
	mpCredential(
		'cred-mp-url-untrusted',
		'Mailprotector Base URL presents a certificate nobody trusts (self-signed, a TLS proxy)',
		{ baseUrl: '$untrusted' },
		'Cannot reach 127.0.0.1:<port>: its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT), on GET /api/v1/resellers/1',
		UNTRUSTED_FIX('Mailprotector'),
	),
	{
		...mpCredential(
			'cred-mp-key-spaces',
			'Mailprotector API Key or Reseller ID pasted with spaces around it',
			{ apiKey: ' mp-test-key \n', resellerId: ' 1 ' },
			'(used without the spaces)',
			TRIMMED,
		),
		outcome: 'accepted',
		fixNotShown: true,
		item: undefined,
		cof: undefined,
	},

	// Credentials: Gradient (through Push Billable, and the other Gradient nodes once each).
	grCredential(
		'cred-gr-vendor-wrong',
		'Gradient Vendor API Key wrong',
		'push',
		{ vendorApiKey: wrongKey('vk') },
		'Gradient rejected the credentials (401) on GET /api/vendor-api/organization',
		GR_KEY_FIX,
	),
	grCredential(
		'cred-gr-vendor-empty',
		'Gradient Vendor API Key empty',
		'push',
		{ vendorApiKey: '' },
		'Gradient rejected the credentials (401) on GET /api/vendor-api/organization',
		GR_KEY_FIX,
	),
	grCredential(
		'cred-gr-partner-wrong',
		'Gradient Partner API Key wrong (e.g. regenerated)',
		'push',
		{ partnerApiKey: wrongKey('pk') },
		'Gradient rejected the credentials (401) on GET /api/vendor-api/organization',
		GR_KEY_FIX,
	),
	grCredential(
		'cred-gr-partner-empty',
		'Gradient Partner API Key empty',
		'push',
		{ partnerApiKey: '' },
		'Gradient rejected the credentials (401) on GET /api/vendor-api/organization',
		GR_KEY_FIX,
	),
	grCredential(
		'cred-gr-url-empty',
		'Gradient Base URL empty',
		'push',
		{ baseUrl: '' },
		'The Gradient credential has no Base URL. Open the credential and enter the API address, e.g. https://...',
		'Open the credential and enter the API address',
	),
	grCredential(
		'cred-gr-url-not-url',
		'Gradient Base URL not a URL',
		'push',
		{ baseUrl: 'app.usegradient' },
		'The Gradient credential\'s Base URL "app.usegradient" is not a valid URL. Enter it as https://host, without a path.',
		'Enter it as https://host, without a path.',
	),
	grCredential(
		'cred-gr-url-http',
		'Gradient Base URL is http:// to a public host',
		'push',
		{ baseUrl: 'http://app.usegradient.com' },
		'The Gradient credential\'s Base URL "http://app.usegradient.com" must use https (plain http is allowed only for 127.0.0.1, localhost or [::1]). Change it to https://app.usegradient.com.',
		'Change it to https://app.usegradient.com.',
	),
	grCredential(
		'cred-gr-url-nothing',
		'Gradient Base URL where nothing listens',
		'push',
		{ baseUrl: '$nothing' },
		'Cannot reach 127.0.0.1:<port>: nothing answers at that address (ECONNREFUSED), on GET /api/vendor-api/organization',
		UNREACHABLE_FIX('Gradient'),
	),
	grCredential(
		'cred-gr-url-html',
		'Gradient Base URL points at a web page (HTML)',
		'push',
		{ baseUrl: '$html' },
		'Gradient answered GET /api/vendor-api/organization with something that is not JSON (after 3 attempts)',
		NOT_JSON_FIX('Gradient'),
	),
	{
		...grCredential(
			'cred-gr-url-api-path',
			'Gradient Base URL ends in the API path (https://app.usegradient.com/api/vendor-api/)',
			'push',
			{ baseUrl: '$same/api/vendor-api/' },
			API_PATH_NOTE('Gradient', '/api/vendor-api'),
			'Enter <url> in the credential to remove this note.',
		),
		setup: { node: 'push', credentials: { gradientApi: { baseUrl: '$same/api/vendor-api/' } } },
		outcome: 'warns',
		cof: undefined,
	},
	grCredential(
		'cred-gr-url-other-path',
		'Gradient Base URL has another path (a page of the web app)',
		'push',
		{ baseUrl: 'https://app.usegradient.com/dashboard' },
		'The Gradient credential\'s Base URL "https://app.usegradient.com/dashboard" has a path (/dashboard). Enter only the address, without a path: https://app.usegradient.com.',
		'Enter only the address, without a path: https://app.usegradient.com.',
	),
	grCredential(
		'cred-gr-url-untrusted',
		'Gradient Base URL presents a certificate nobody trusts (self-signed, a TLS proxy)',
		'push',
		{ baseUrl: '$untrusted' },
		'Cannot reach 127.0.0.1:<port>: its TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT), on GET /api/vendor-api/organization',
		UNTRUSTED_FIX('Gradient'),
	),
	{
		...grCredential(
			'cred-gr-keys-spaces',
			'Gradient Vendor or Partner API Key pasted with spaces around it',
			'push',
			{ vendorApiKey: ' vk-test ', partnerApiKey: 'pk-test\n' },
			'(used without the spaces)',
			TRIMMED,
		),
		setup: {
			node: 'push',
			credentials: { gradientApi: { vendorApiKey: ' vk-test ', partnerApiKey: 'pk-test\n' } },
		},
		outcome: 'accepted',
		fixNotShown: true,
		cof: undefined,
	},
	grCredential(
		'cred-gr-vendor-wrong-assign',
		'Gradient key wrong, in Assign Customer',
		'assign',
		{ vendorApiKey: wrongKey('vk') },
		'Gradient rejected the credentials (401) on GET /api/vendor-api/organization',
		GR_KEY_FIX,
	),
	grCredential(
		'cred-gr-vendor-wrong-map',
		'Gradient key wrong, in Map Service',
		'map',
		{ vendorApiKey: wrongKey('vk') },
		'Gradient rejected the credentials (401) on GET /api/vendor-api',
		GR_KEY_FIX,
	),
	grCredential(
		'cred-gr-vendor-wrong-alert',
		'Gradient key wrong, in Gradient Alert',
		'alert',
		{ vendorApiKey: wrongKey('vk') },
		'Gradient rejected the credentials (401) on GET /api/vendor-api/organization',
		GR_KEY_FIX,
	),

	// Node parameters.
	{
		id: 'param-gc-customer-id-text',
		kind: 'Node parameter',
		wrong: 'Get Counts: Selected Customers "By ID" is not a number',
		setup: {
			node: 'getCounts',
			parameters: {
				customerScope: 'selected',
				selectedCustomers: { customer: [{ customer: { mode: 'id', value: 'acme' } }] },
			},
		},
		outcome: 'refused',
		sees: "The 'Get Counts' node has issues:\n- A Mailprotector customer ID is a number",
		fix: 'A Mailprotector customer ID is a number',
	},
	{
		id: 'param-gc-customer-id-expression',
		kind: 'Node parameter',
		wrong: 'Get Counts: a selected customer ID from an expression is not a number',
		setup: {
			node: 'getCounts',
			parameters: {
				customerScope: 'selected',
				selectedCustomers: { customer: [{ customer: { mode: 'id', value: '={{ "acme" }}' } }] },
			},
		},
		outcome: 'stops',
		sees: '"acme" in "Selected Customers" is not a Mailprotector customer ID [item 0]',
		fix: 'Add at least one customer under Selected Customers (from the list, or by its numeric ID), or set Customers to All.',
		item: 0,
		field: 'Selected Customers',
		cof: ALL_FAIL.getCounts,
	},
	{
		id: 'param-gc-no-customer',
		kind: 'Node parameter',
		wrong: 'Get Counts: Customers is Selected but none is chosen',
		setup: { node: 'getCounts', parameters: { customerScope: 'selected', selectedCustomers: {} } },
		outcome: 'stops',
		sees: 'No customer is chosen in "Selected Customers" [item 0]',
		fix: 'Add at least one customer under Selected Customers (from the list, or by its numeric ID), or set Customers to All.',
		item: 0,
		field: 'Selected Customers',
		cof: ALL_FAIL.getCounts,
	},
	{
		id: 'param-gc-products-typo',
		kind: 'Node parameter',
		wrong: 'Get Counts: Products names a product that does not exist ("CloudFiltr")',
		setup: { node: 'getCounts', parameters: { options: { products: 'CloudFiltr' } } },
		outcome: 'warns',
		sees: 'Products filter "CloudFiltr" matched nothing; products seen: Bracket, BracketBundle, CloudFilter, CloudMail, ContinuityBundle, SafeSend, SecureStore, Shield Advanced, XtraMail.',
		fix: 'Correct the name under Options > Products: "CloudFiltr" -> "CloudFilter", or leave it empty for all products.',
	},
	{
		id: 'param-gc-rule-unknown',
		kind: 'Node parameter',
		wrong: 'Get Counts: Count Rule from an expression is not a known rule ("everything")',
		setup: { node: 'getCounts', parameters: { rule: 'everything' } },
		outcome: 'stops',
		sees: 'Item 0: field "Count Rule" is "everything", which is not a count rule',
		fix: 'Choose one of: Billable Users (billableUsers), User Group User Count (groupUserCount), Billable Users Plus Aliases (billableUsersPlusAliases). An expression must return the value in brackets.',
		item: 0,
		field: 'Count Rule',
		cof: ALL_FAIL.getCounts,
	},
	{
		id: 'param-assign-override-no-customer',
		kind: 'Node parameter',
		wrong: 'Assign Customer: an Account Override row without a Customer ID',
		setup: {
			node: 'assign',
			parameters: { overrides: { override: [{ customerId: '', gradientAccountId: '77' }] } },
		},
		outcome: 'stops',
		sees: 'Account Overrides row 1: field "Customer ID" is empty',
		fix: 'Enter the Mailprotector customer ID the Gradient account is for.',
		field: 'Customer ID',
		hint: 'Account Overrides row 1: field "Customer ID" is empty',
	},
	{
		id: 'param-assign-override-number',
		kind: 'Node parameter',
		wrong: 'Assign Customer: an override Gradient Account ID that is a number (from an expression)',
		setup: {
			node: 'assign',
			parameters: { overrides: { override: [{ customerId: '1001', gradientAccountId: 77 }] } },
			bad: [0, 1],
		},
		outcome: 'stops',
		sees: 'Item 0: field "Account Overrides > Gradient Account ID" for customer 1001 is 77 (a number), not a string',
		fix: 'Gradient account IDs are text: enter the ID exactly as Gradient shows it, e.g. "329" (an expression must return a string).',
		item: 0,
		field: 'Account Overrides > Gradient Account ID',
		cof: { output: 1, items: [0, 1] },
	},
	{
		id: 'param-assign-override-blank',
		kind: 'Node parameter',
		wrong: 'Assign Customer: an override Gradient Account ID of only spaces',
		setup: {
			node: 'assign',
			parameters: { overrides: { override: [{ customerId: '1001', gradientAccountId: '  ' }] } },
			bad: [0, 1],
		},
		outcome: 'stops',
		sees: 'Item 0: field "Account Overrides > Gradient Account ID" for customer 1001 is "  ", which is only spaces',
		fix: 'Gradient account IDs are text: enter the ID exactly as Gradient shows it',
		item: 0,
		field: 'Account Overrides > Gradient Account ID',
		cof: { output: 1, items: [0, 1] },
	},
	{
		id: 'param-assign-override-unknown',
		kind: 'Node parameter',
		wrong: 'Assign Customer: an override names a Gradient account that does not exist',
		setup: {
			node: 'assign',
			parameters: {
				overrides: { override: [{ customerId: '1001', gradientAccountId: 'no-such-account' }] },
			},
			bad: [0, 1],
		},
		outcome: 'routes',
		sees: 'The Account Override for customer 1001 names Gradient account "no-such-account", which does not exist in Gradient.',
		fix: 'Correct the account ID in Account Overrides, or remove the row to let the node create the account.',
		routes: { output: 1, items: [0, 1] },
		cof: { output: 1, items: [0, 1] },
	},
	{
		id: 'param-map-category',
		kind: 'Node parameter',
		wrong: 'Map Service: a Service Table row with an unknown category (from an expression)',
		setup: {
			node: 'map',
			parameters: {
				serviceTable: {
					rules: [
						{
							handling: 'map',
							product: 'SafeSend',
							serviceName: 'Outbound',
							newService: { category: 'securty' },
						},
					],
				},
			},
			bad: [1],
		},
		outcome: 'stops',
		sees: 'Item 1: field "Service Table row 1 > New Service > Category" (product "SafeSend") is "securty", which is not a Gradient category',
		fix: CATEGORIES_LIST,
		item: 1,
		field: 'Service Table row 1 > New Service > Category',
		cof: { output: 1, items: [1] },
	},
	{
		id: 'param-map-subcategory-case',
		kind: 'Node parameter',
		wrong: 'Map Service: a subcategory with the wrong case ("Email Security")',
		setup: {
			node: 'map',
			parameters: {
				serviceTable: {
					rules: [
						{
							handling: 'map',
							product: 'SafeSend',
							serviceName: 'Outbound',
							newService: { subcategory: 'Email Security' },
						},
					],
				},
			},
			bad: [1],
		},
		outcome: 'stops',
		sees: 'Item 1: field "Service Table row 1 > New Service > Subcategory" (product "SafeSend") is "Email Security", which is not a Gradient subcategory',
		fix: 'Gradient compares the subcategory case-sensitively: use "email security".',
		item: 1,
		field: 'Service Table row 1 > New Service > Subcategory',
		cof: { output: 1, items: [1] },
	},
	{
		id: 'param-map-subcategory-unknown',
		kind: 'Node parameter',
		wrong: 'Map Service: an unknown subcategory ("mail filtering")',
		setup: {
			node: 'map',
			parameters: {
				serviceTable: {
					rules: [
						{
							handling: 'map',
							product: 'SafeSend',
							serviceName: 'Outbound',
							newService: { subcategory: 'mail filtering' },
						},
					],
				},
			},
			bad: [1],
		},
		outcome: 'stops',
		sees: 'Item 1: field "Service Table row 1 > New Service > Subcategory" (product "SafeSend") is "mail filtering", which is not a Gradient subcategory',
		fix: 'Use one of: endpoint detection and response (EDR), email security, <list>',
		item: 1,
		field: 'Service Table row 1 > New Service > Subcategory',
		cof: { output: 1, items: [1] },
	},
	{
		id: 'param-map-default-category',
		kind: 'Node parameter',
		wrong:
			'Map Service: Options > Default Category unknown (from an expression), for a service to create',
		setup: {
			node: 'map',
			parameters: { options: { defaultCategory: 'mail' } },
			patch: { 1: { product: 'Bracket' } },
		},
		outcome: 'stops',
		sees: 'Item 1: field "Options > Default Category" (product "Bracket") is "mail", which is not a Gradient category',
		fix: CATEGORIES_LIST,
		item: 1,
		field: 'Options > Default Category',
		cof: { output: 1, items: [1] },
	},
	{
		id: 'param-map-row-unknown-product',
		kind: 'Node parameter',
		wrong: 'Map Service: a Service Table row for a product no item has ("CloudFiltr")',
		setup: {
			node: 'map',
			parameters: {
				serviceTable: { rules: [{ handling: 'map', product: 'CloudFiltr', serviceName: 'CF' }] },
			},
		},
		outcome: 'stops',
		sees: 'Service Table row 1: field "Product" names "CloudFiltr", which no input item has',
		fix: 'Products in the input: CloudFilter, SafeSend. Correct the spelling, or remove the row.',
		field: 'Product',
		hint: 'Service Table row 1: field "Product" names "CloudFiltr", which no input item has',
	},
	{
		id: 'param-map-row-no-product',
		kind: 'Node parameter',
		wrong: 'Map Service: a Service Table row without a product',
		setup: {
			node: 'map',
			parameters: {
				serviceTable: { rules: [{ handling: 'map', product: '', serviceName: 'CF' }] },
			},
		},
		outcome: 'stops',
		sees: 'Service Table row 1: field "Product" is empty',
		fix: 'Enter the product the row is for, as Get Counts names it, e.g. CloudFilter.',
		field: 'Product',
		hint: 'Service Table row 1: field "Product" is empty',
	},
	{
		id: 'param-map-row-twice',
		kind: 'Node parameter',
		wrong: 'Map Service: two Service Table rows for one product',
		setup: {
			node: 'map',
			parameters: {
				serviceTable: {
					rules: [
						{ handling: 'map', product: 'SafeSend', serviceName: 'A' },
						{ handling: 'map', product: 'safesend', serviceName: 'B' },
					],
				},
			},
			bad: [1],
		},
		outcome: 'stops',
		sees: 'Item 1: field "Service Table rows 1, 2 > Product" (product "SafeSend") all name the product "SafeSend"',
		fix: 'Keep one row per product; to merge products, give each its own row with the same service name.',
		item: 1,
		field: 'Service Table rows 1, 2 > Product',
		cof: { output: 1, items: [1] },
	},
	{
		id: 'param-push-count-field',
		kind: 'Node parameter',
		wrong: 'Push Billable: Input Fields > Count Field names a field the items lack',
		setup: { node: 'push', parameters: { inputFields: { countField: 'units' } }, bad: ALL },
		outcome: 'stops',
		sees: 'Item 0: field "units" is missing',
		fix: COUNT_FIX_BY_FIELD.units,
		item: 0,
		field: 'units',
		cof: { output: 2, items: ALL, field: 'units' },
	},
	{
		id: 'param-push-approve-key',
		kind: 'Node parameter',
		wrong: 'Push Billable: Approve Held Pairs holds a key that matches nothing ("1001")',
		setup: { node: 'push', parameters: { billingSafety: { approveHeldKeys: 'not-a-key, 1001' } } },
		outcome: 'warns',
		sees: 'Approve Held Pairs released nothing for "not-a-key" (no pair is held for review under it), "1001" (no pair is held for review under it); held now: none.',
		fix: 'Copy the ledgerKey of a Held for Review item (<account id>|<service id>) into Billing Safety > Approve Held Pairs; it releases that held count once.',
	},
	{
		id: 'param-push-approve-before',
		kind: 'Node parameter',
		wrong: 'Push Billable: Approve All Held Before is not a date (from an expression)',
		setup: { node: 'push', parameters: { billingSafety: { approveHeldBefore: 'last tuesday' } } },
		outcome: 'stops',
		sees: 'Billing Safety > Approve All Held Before is not a date ("last tuesday")',
		fix: 'Enter a date and time (ISO 8601, e.g. 2025-01-31T00:00:00Z), or clear the option.',
		field: 'Approve All Held Before',
		hint: 'Billing Safety > Approve All Held Before is not a date ("last tuesday"). Enter a date and time (ISO 8601, e.g. 2025-01-31T00:00:00Z), or clear the option. Nothing held was released by date this run.',
	},
	{
		id: 'param-alert-priority-range',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: Priority out of range (7, from an expression)',
		setup: { node: 'alert', parameters: { priority: 7 }, bad: ALL },
		outcome: 'stops',
		sees: 'Item 0: field "Priority" is 7, not a whole number from 1 to 4',
		fix: 'Choose Low (1), Medium (2), High (3) or Very High (4); an expression must return a number from 1 to 4.',
		item: 0,
		field: 'Priority',
		cof: ALL_FAIL.alert,
	},
	{
		id: 'param-alert-priority-text',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: Priority not a number ("high", from an expression)',
		setup: { node: 'alert', parameters: { priority: 'high' }, bad: ALL },
		outcome: 'stops',
		sees: 'Item 0: field "Priority" is "high", not a whole number from 1 to 4',
		fix: 'Choose Low (1), Medium (2), High (3) or Very High (4); an expression must return a number from 1 to 4.',
		item: 0,
		field: 'Priority',
		cof: ALL_FAIL.alert,
	},
	{
		id: 'param-alert-status-range',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: Ticket Status out of range (9, from an expression)',
		setup: { node: 'alert', parameters: { ticketStatus: 9 }, bad: ALL },
		outcome: 'stops',
		sees: 'Item 0: field "Ticket Status" is 9, not a whole number from 1 to 6',
		fix: 'Set a status from 1 to 6 (1 is the PSA default); an expression must return a number from 1 to 6.',
		item: 0,
		field: 'Ticket Status',
		cof: ALL_FAIL.alert,
	},
	{
		id: 'param-alert-house-empty',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: House Account empty (run summary)',
		setup: {
			node: 'alert',
			parameters: { mode: 'runSummary', houseAccountId: '', category: 'failed' },
		},
		outcome: 'refused',
		sees: 'The \'Gradient Alert\' node has issues:\n- Parameter "House Account" is required.',
		fix: 'Parameter "House Account" is required.',
	},
	{
		id: 'param-alert-house-expression',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: House Account from an expression that is empty',
		setup: {
			node: 'alert',
			parameters: { mode: 'runSummary', houseAccountId: '={{ "" }}', category: 'failed' },
		},
		outcome: 'stops',
		sees: 'House Account is empty',
		fix: 'Pick (or enter the ID of) a Gradient account mapped to your own company in the PSA: run summaries go there.',
		field: 'House Account',
		cofStops: true,
	},
	{
		id: 'param-alert-category',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: Category from an expression is not a category ("oops")',
		setup: {
			node: 'alert',
			parameters: { mode: 'runSummary', houseAccountId: 'msp-house', category: 'oops' },
			bad: ALL,
		},
		outcome: 'stops',
		sees: 'Item 0: field "Category" is "oops", not one of needsMapping, unmapped, notMapped, failed, held, custom',
		fix: 'Choose a category from the list.',
		item: 0,
		field: 'Category',
		cof: ALL_FAIL.alert,
	},
	{
		id: 'param-alert-title-empty',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: Title empty (one ticket per item)',
		setup: { node: 'alert', parameters: { title: '' } },
		outcome: 'refused',
		sees: 'The \'Gradient Alert\' node has issues:\n- Parameter "Title" is required.',
		fix: 'Parameter "Title" is required.',
	},
	{
		id: 'param-alert-title-expression',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: Title from an expression that is empty',
		setup: { node: 'alert', parameters: { title: '={{ "" }}' }, bad: ALL },
		outcome: 'stops',
		sees: 'Item 0: field "Title" is empty',
		fix: 'Give the ticket a title.',
		item: 0,
		field: 'Title',
		cof: ALL_FAIL.alert,
	},
	{
		id: 'param-alert-due-date',
		kind: 'Node parameter',
		wrong: 'Gradient Alert: Due Date from an expression is not a date',
		setup: { node: 'alert', parameters: { options: { dueDate: 'tomorrow-ish' } }, bad: ALL },
		outcome: 'stops',
		sees: 'Item 0: field "Due Date" is not a date ("tomorrow-ish")',
		fix: 'Set Options > Due Date to a date and time, e.g. 2025-02-01T09:00:00Z.',
		item: 0,
		field: 'Due Date',
		cof: ALL_FAIL.alert,
	},

	// Input item fields (Push Billable reads the numbers; the others read ids and names).
	pushField(
		'input-count-text',
		'count is not a number ("ten")',
		{ count: 'ten' },
		'Item 1: field "count" is not a number (got "ten")',
		'count',
	),
	pushField(
		'input-count-negative',
		'count is negative (-2)',
		{ count: -2 },
		'Item 1: field "count" is negative (-2); a unit count cannot be below 0',
		'count',
	),
	pushField(
		'input-count-missing',
		'count is missing',
		{ count: undefined },
		'Item 1: field "count" is missing',
		'count',
	),
	pushField(
		'input-count-null',
		'count is null',
		{ count: null },
		'Item 1: field "count" is missing',
		'count',
	),
	pushField(
		'input-count-nan',
		'count is NaN (e.g. Number("x") in a Set node)',
		{ count: Number.NaN },
		'Item 1: field "count" is not a finite number (got NaN)',
		'count',
	),
	pushField(
		'input-count-infinity',
		'count is Infinity',
		{ count: Number.POSITIVE_INFINITY },
		'Item 1: field "count" is not a finite number (got Infinity)',
		'count',
	),
	pushField(
		'input-count-boolean',
		'count is a boolean',
		{ count: true },
		'Item 1: field "count" is not a number (got boolean)',
		'count',
	),
	{
		id: 'input-count-string-number',
		kind: 'Input item',
		wrong: 'count is the text "12"',
		setup: { node: 'push', patch: { 1: { count: '12' } } },
		outcome: 'accepted',
		sees: '(pushed as the number 12)',
		fix: 'Nothing to fix: numeric text is read as a number.',
		fixNotShown: true,
		pushed: { 1: 12 },
	},
	pushField(
		'input-account-missing',
		'gradientAccountId is missing',
		{ gradientAccountId: undefined },
		'Item 1: field "gradientAccountId" is missing or empty',
		'gradientAccountId',
	),
	pushField(
		'input-service-missing',
		'gradientServiceId is missing',
		{ gradientServiceId: undefined },
		'Item 1: field "gradientServiceId" is missing or empty',
		'gradientServiceId',
	),
	{
		id: 'input-account-number',
		kind: 'Input item',
		wrong: 'gradientAccountId is a number (1001)',
		setup: { node: 'push', patch: { 1: { gradientAccountId: 1001 } } },
		outcome: 'accepted',
		sees: '(pushed for account "1001")',
		fix: 'Nothing to fix: numeric ids are read as text.',
		fixNotShown: true,
		pushed: { 1: 3 },
	},
	{
		id: 'input-push-customer-missing',
		kind: 'Input item',
		wrong: 'Push Billable: customerId is missing',
		setup: { node: 'push', patch: { 1: { customerId: undefined } } },
		outcome: 'accepted',
		sees: '(pushed; the pair is known by its Gradient account)',
		fix: 'Nothing to fix for the push; keep customerId for the audit and for zeroing.',
		fixNotShown: true,
		pushed: { 1: 3 },
	},
	{
		id: 'input-push-product-missing',
		kind: 'Input item',
		wrong: 'Push Billable: product is missing',
		setup: { node: 'push', patch: { 1: { product: undefined } } },
		outcome: 'accepted',
		sees: '(pushed; the pair is known by its Gradient service)',
		fix: 'Nothing to fix for the push; keep product for the audit and for zeroing.',
		fixNotShown: true,
		pushed: { 1: 3 },
	},
	{
		id: 'input-duplicate-pair',
		kind: 'Input item',
		wrong: 'Two items for one (customerId, product)',
		setup: {
			node: 'push',
			extra: [
				{
					customerId: '1001',
					customerName: 'Acme Corp',
					product: 'CloudFilter',
					count: 9,
					gradientAccountId: '1001',
					gradientServiceId: svc('CloudFilter'),
				},
			],
			bad: [0],
		},
		outcome: 'routes',
		sees: 'Items 0 and 3 are all for customer 1001, product "CloudFilter": one (customer, product) must arrive once, and duplicates are never summed.',
		fix: 'Remove the duplicate before Push',
		field: 'product',
		routes: { output: 2, items: [0, 3], field: 'product' },
		cof: { output: 2, items: [0, 3], field: 'product' },
	},
	{
		id: 'input-assign-customer-missing',
		kind: 'Input item',
		wrong: 'Assign Customer: customerId is missing',
		setup: { node: 'assign', patch: { 1: { customerId: undefined } } },
		outcome: 'stops',
		sees: 'Item 1: field "customerId" is missing or empty',
		fix: 'Every item needs the Mailprotector customer ID in "customerId" (Mailprotector Get Counts sets it). Set Options > Customer ID Field if it is under another name.',
		item: 1,
		field: 'customerId',
		cof: { output: 1, items: [1] },
	},
	{
		id: 'input-assign-name-missing',
		kind: 'Input item',
		wrong: 'Assign Customer: customerName is missing (new account)',
		setup: { node: 'assign', patch: { 2: { customerName: undefined } } },
		outcome: 'stops',
		sees: 'Item 2: field "customerName" is missing or empty',
		fix: 'Gradient accounts need a name: pass the customer\'s name in "customerName", or set Options > Customer Name Field.',
		item: 2,
		field: 'customerName',
		cof: { output: 1, items: [2] },
	},
	{
		id: 'input-map-product-missing',
		kind: 'Input item',
		wrong: 'Map Service: product is missing',
		setup: { node: 'map', patch: { 1: { product: undefined } } },
		outcome: 'stops',
		sees: 'Item 1: field "product" is missing or empty',
		fix: 'Every item needs its Mailprotector product in "product" (Mailprotector Get Counts sets it). Set Options > Product Field if it is under another name.',
		item: 1,
		field: 'product',
		cof: { output: 1, items: [1] },
	},
	{
		id: 'input-alert-account-empty',
		kind: 'Input item',
		wrong: 'Gradient Alert: the item has no gradientAccountId (Account ID empty)',
		setup: { node: 'alert', patch: { 1: { gradientAccountId: '' } } },
		outcome: 'stops',
		sees: 'Item 1: field "Account ID" is empty',
		fix: 'Set Account ID, e.g. to {{ $json.gradientAccountId }} after Assign Customer.',
		item: 1,
		field: 'Account ID',
		cof: { output: 0, items: [1] },
	},

	// API answers: Gradient.
	grAnswer(
		'api-gr-org-malformed',
		'Gradient: malformed JSON (organization)',
		'push',
		on('GET', GR_ORG, truncated('{"organizationId":"org-cat')),
		'Gradient answered GET /api/vendor-api/organization with something that is not JSON (after 3 attempts)',
		NOT_JSON_FIX('Gradient'),
	),
	grAnswer(
		'api-gr-org-missing-field',
		'Gradient: a required field missing (organizationId)',
		'push',
		on('GET', GR_ORG, { body: { name: 'Catalogue MSP' } }),
		'Gradient answered GET /api/vendor-api/organization in an unexpected shape',
		`Field organizationId: <reason>. ${SHAPE_FIX}`,
	),
	grAnswer(
		'api-gr-org-wrong-type',
		'Gradient: a field of the wrong type (organizationId an object)',
		'push',
		on('GET', GR_ORG, { body: { organizationId: { id: 1 } } }),
		'Gradient answered GET /api/vendor-api/organization in an unexpected shape',
		`Field organizationId: <reason>. ${SHAPE_FIX}`,
	),
	grAnswer(
		'api-gr-org-500',
		'Gradient: 500 on every retry (organization)',
		'push',
		on('GET', GR_ORG, status(500, 'Internal server error')),
		'Gradient had a server error on GET /api/vendor-api/organization (500) (after 3 attempts)',
		RETRY_LATER('Gradient'),
	),
	grAnswer(
		'api-gr-count-401',
		'Gradient: 401 on a count',
		'push',
		on('POST', GR_COUNT, status(401, 'Unauthorized')),
		'Gradient rejected the credentials (401) on POST /api/vendor-api/service/<service id>/count',
		GR_KEY_FIX,
		{ item: 0 },
	),
	grAnswer(
		'api-gr-count-403',
		'Gradient: 403 on a count (traffic flagged)',
		'push',
		on('POST', GR_COUNT, status(403, 'Forbidden')),
		'Gradient refused POST /api/vendor-api/service/<service id>/count (403): it flags unusual API traffic this way',
		"Wait, lower Requests Per Second in the node's options, and contact Gradient support if it persists.",
		{ item: 0 },
	),
	grAnswer(
		'api-gr-count-404',
		'Gradient: 404 on a count (pair not mapped)',
		'push',
		on('POST', GR_COUNT, status(404, 'No account map found with id: 1001')),
		'Not mapped in Gradient yet (404: No account map found with id: 1001).',
		'Map this account and service in Synthesize; the next run pushes it.',
		{
			outcome: 'routes',
			routes: { output: 1, items: ALL },
			cof: { output: 1, items: ALL },
		},
	),
	grAnswer(
		'api-gr-count-409',
		'Gradient: 409 on a count',
		'push',
		on('POST', GR_COUNT, status(409, 'Conflict')),
		'Gradient refused POST /api/vendor-api/service/<service id>/count (409). Gradient said: "Conflict".',
		'Check the values sent for this item.',
		{ outcome: 'routes', routes: { output: 2, items: ALL }, cof: { output: 2, items: ALL } },
	),
	grAnswer(
		'api-gr-count-422',
		'Gradient: 422 on a count',
		'push',
		on('POST', GR_COUNT, status(422, ['unitCount must be an integer'])),
		'Gradient refused POST /api/vendor-api/service/<service id>/count (422). Gradient said: "unitCount must be an integer".',
		'Check the values sent for this item.',
		{ outcome: 'routes', routes: { output: 2, items: ALL }, cof: { output: 2, items: ALL } },
	),
	grAnswer(
		'api-gr-count-307',
		'Gradient: a count answered with a redirect (307) to another host',
		'push',
		on('POST', GR_COUNT, {
			status: 307,
			headers: { Location: 'https://new.example.com/api/vendor-api/service/x/count?sig=abc' },
		}),
		'Gradient answered POST /api/vendor-api/service/<service id>/count with a redirect (307) to https://new.example.com/api/vendor-api/service/x/count; it was not followed',
		'If Gradient moved, put https://new.example.com in the Base URL of the Gradient credential',
		{ outcome: 'routes', routes: { output: 2, items: ALL }, cof: { output: 2, items: ALL } },
	),
	grAnswer(
		'api-gr-count-400-echo',
		'Gradient: a refused count whose message echoes the GRADIENT-TOKEN',
		'push',
		on('POST', GR_COUNT, (arrival) => ({
			status: 400,
			body: {
				statusCode: 400,
				message: `token ${String(arrival.headers['gradient-token'])} is not valid here`,
			},
		})),
		'Gradient refused POST /api/vendor-api/service/<service id>/count (400). Gradient said: "token [redacted] is not valid here".',
		'Check the values sent for this item.',
		{ outcome: 'routes', routes: { output: 2, items: ALL }, cof: { output: 2, items: ALL } },
	),
	grAnswer(
		'api-gr-org-301',
		'Gradient: the organization read answered with a redirect (301)',
		'push',
		on('GET', GR_ORG, {
			status: 301,
			headers: { Location: 'https://new.example.com/api/vendor-api/organization' },
		}),
		'Gradient answered GET /api/vendor-api/organization with a redirect (301) to https://new.example.com/api/vendor-api/organization; it was not followed',
		'If Gradient moved, put https://new.example.com in the Base URL of the Gradient credential',
	),
	grAnswer(
		'api-gr-count-400-id',
		'Gradient: 400 "invalid Id type" (a service id that is not Gradient\'s)',
		'push',
		[],
		'Gradient refused POST /api/vendor-api/service/not-an-id/count (400). Gradient said: "You have provided an invalid Id type".',
		'Check the values sent for this item.',
		{
			kind: 'Input item',
			setup: { node: 'push', patch: { 1: { gradientServiceId: 'not-an-id' } } },
			outcome: 'routes',
			routes: { output: 2, items: [1] },
			cof: { output: 2, items: [1] },
		},
	),
	grAnswer(
		'api-gr-count-500',
		'Gradient: 500 on every retry of a count',
		'push',
		on('POST', GR_COUNT, status(500, 'Internal server error')),
		'Gradient had a server error on POST /api/vendor-api/service/<service id>/count (500) (after 3 attempts)',
		RETRY_LATER('Gradient'),
		{ outcome: 'routes', routes: { output: 2, items: ALL }, cof: { output: 2, items: ALL } },
	),
	grAnswer(
		'api-gr-count-429',
		'Gradient: 429 on every retry of a count',
		'push',
		on('POST', GR_COUNT, status(429, 'Too many requests')),
		'Gradient kept rate-limiting POST /api/vendor-api/service/<service id>/count (429) (after 3 attempts)',
		"Lower Requests Per Second in the node's options",
		{ outcome: 'routes', routes: { output: 2, items: ALL }, cof: { output: 2, items: ALL } },
	),
	{
		id: 'api-gr-count-malformed',
		kind: 'API answer',
		wrong: 'Gradient: a count answered 2xx with a body that is not JSON',
		setup: {
			node: 'push',
			gradient: on('POST', GR_COUNT, {
				status: 201,
				headers: { 'Content-Type': 'application/json' },
				body: '{"status":20',
			}),
		},
		outcome: 'accepted',
		sees: '(pushed: Gradient accepted the count; it is sent once, not again because of the garbled answer, and remembered in the ledger)',
		fix: 'Nothing to fix: a 2xx means Gradient set the count.',
		fixNotShown: true,
		hint: '3 pair(s) from 3 item(s): 3 pushed, 0 zeroed, <rest>',
	},
	grAnswer(
		'api-gr-accounts-missing-field',
		'Gradient: account list without a name',
		'assign',
		on('GET', GR_ACCOUNTS, { body: [{ id: '1001' }] }),
		'Gradient answered GET /api/vendor-api/organization/accounts in an unexpected shape',
		`Field [0].name: Required. ${SHAPE_FIX}`,
	),
	grAnswer(
		'api-gr-accounts-wrong-type',
		'Gradient: account list is an object, not a list',
		'assign',
		on('GET', GR_ACCOUNTS, { body: { accounts: [] } }),
		'Gradient answered GET /api/vendor-api/organization/accounts in an unexpected shape',
		`Field (the whole answer): Expected array, received object. ${SHAPE_FIX}`,
	),
	grAnswer(
		'api-gr-accounts-malformed',
		'Gradient: malformed JSON (account list)',
		'assign',
		on('GET', GR_ACCOUNTS, truncated('[{"id":"10')),
		'Gradient answered GET /api/vendor-api/organization/accounts with something that is not JSON (after 3 attempts)',
		NOT_JSON_FIX('Gradient'),
	),
	grAnswer(
		'api-gr-create-account-422',
		'Gradient: 422 when creating an account',
		'assign',
		on('POST', GR_ACCOUNTS, status(422, ['name must be shorter than or equal to 100 characters'])),
		'Creating Gradient account 1003 failed: Gradient refused POST /api/vendor-api/organization/accounts (422). Gradient said: "name must be shorter than or equal to 100 characters".',
		'Check the values sent for this item.',
		{
			setup: {
				node: 'assign',
				patch: { 2: { customerId: '1003', customerName: 'Initech' } },
				gradient: on(
					'POST',
					GR_ACCOUNTS,
					status(422, ['name must be shorter than or equal to 100 characters']),
				),
				bad: [2],
			},
			outcome: 'routes',
			routes: { output: 1, items: [2] },
			cof: { output: 1, items: [2] },
		},
	),
	grAnswer(
		'api-gr-create-account-500',
		'Gradient: 500 on every retry of an account creation',
		'assign',
		[],
		'Creating Gradient account 1003 failed: Gradient had a server error on POST /api/vendor-api/organization/accounts (500) (after 3 attempts).',
		RETRY_LATER('Gradient'),
		{
			setup: {
				node: 'assign',
				patch: { 2: { customerId: '1003', customerName: 'Initech' } },
				gradient: on('POST', GR_ACCOUNTS, status(500, 'Internal server error')),
				bad: [2],
			},
			outcome: 'routes',
			routes: { output: 1, items: [2] },
			cof: { output: 1, items: [2] },
		},
	),
	grAnswer(
		'api-gr-create-account-403',
		'Gradient: 403 when creating an account',
		'assign',
		[],
		'Gradient refused POST /api/vendor-api/organization/accounts (403): it flags unusual API traffic this way',
		'The run stopped at once rather than retry, which would make it worse.',
		{
			setup: {
				node: 'assign',
				patch: { 2: { customerId: '1003', customerName: 'Initech' } },
				gradient: on('POST', GR_ACCOUNTS, status(403, 'Forbidden')),
				bad: ALL,
			},
		},
	),
	grAnswer(
		'api-gr-create-account-409',
		'Gradient: 409 "already exists" for an account it does not list',
		'assign',
		[],
		'Creating Gradient account 1003 failed: Gradient answered 409 (already exists) when creating account 1003, but does not list it.',
		'Run the workflow again; if it persists, check the account in Gradient.',
		{
			setup: {
				node: 'assign',
				patch: { 2: { customerId: '1003', customerName: 'Initech' } },
				gradient: on('POST', GR_ACCOUNTS, status(409, 'A resource with this Id already exists.')),
				bad: [2],
			},
			outcome: 'routes',
			routes: { output: 1, items: [2] },
			cof: { output: 1, items: [2] },
		},
	),
	grAnswer(
		'api-gr-services-missing-field',
		'Gradient: service list without a name',
		'map',
		on('GET', GR_VENDOR, { body: { data: { skus: [{ id: 'c1f0c1f0c1f0c1f0c1f0c1f0' }] } } }),
		'Gradient answered GET /api/vendor-api in an unexpected shape',
		`Field skus[0].name: Required. ${SHAPE_FIX}`,
	),
	grAnswer(
		'api-gr-services-wrong-type',
		'Gradient: service list of the wrong type',
		'map',
		on('GET', GR_VENDOR, { body: { data: { skus: 'none' } } }),
		'Gradient answered GET /api/vendor-api in an unexpected shape',
		`Field skus: Expected array, received string. ${SHAPE_FIX}`,
	),
	grAnswer(
		'api-gr-create-service-422',
		'Gradient: 422 when creating a service',
		'map',
		[],
		'Creating the Gradient service "Bracket" failed: Gradient refused POST /api/vendor-api/service (422).',
		'Check the values sent for this item.',
		{
			setup: {
				node: 'map',
				patch: { 1: { product: 'Bracket' } },
				gradient: on(
					'POST',
					GR_SERVICE,
					status(422, ['subcategory must be one of the following values']),
				),
				bad: [1],
			},
			outcome: 'routes',
			routes: { output: 1, items: [1] },
			cof: { output: 1, items: [1] },
		},
	),
	grAnswer(
		'api-gr-create-service-409',
		'Gradient: 409 when creating a service it then does not list',
		'map',
		[],
		'Gradient refused to create the service "Bracket" (409: it says one already exists), but its service list has no service of that name.',
		'Run the workflow again; if it persists, look for the service in Synthesize and put its exact name in a Service Table row (Service Name) for "Bracket".',
		{
			setup: {
				node: 'map',
				patch: { 1: { product: 'Bracket' } },
				gradient: on('POST', GR_SERVICE, status(409, 'exists')),
				bad: [1],
			},
			outcome: 'routes',
			routes: { output: 1, items: [1] },
			cof: { output: 1, items: [1] },
		},
	),
	{
		id: 'api-gr-create-service-malformed',
		kind: 'API answer',
		wrong: 'Gradient: a service create answered 2xx with a body that is not JSON',
		setup: {
			node: 'map',
			patch: { 1: { product: 'Bracket' } },
			gradient: on('POST', GR_SERVICE, truncated('{"skus":[{"id')),
		},
		outcome: 'accepted',
		sees: '(mapped: the service is created once, then found by reading the service list again; a 2xx is never sent twice, as Gradient allows two services of one name)',
		fix: 'Nothing to fix: a 2xx means Gradient created the service.',
		fixNotShown: true,
		hint: 'Gradient calls: <n> (services read once). Created: Bracket.',
	},
	grAnswer(
		'api-gr-alert-404',
		'Gradient: 404 on an alert (account not mapped to a PSA company)',
		'alert',
		on('POST', GR_ALERT, status(404, 'No account map found with id: 1001')),
		'Gradient cannot ticket this account yet (404 on POST /api/vendor-api/alerting/<account id>)',
		'Gradient opens tickets only for accounts mapped to a PSA company. Map the account in Synthesize (or send run summaries to a mapped house account). Gradient said: "No account map found with id: 1001".',
		{ item: 0 },
	),
	grAnswer(
		'api-gr-alert-422',
		'Gradient: 422 on an alert',
		'alert',
		on('POST', GR_ALERT, status(422, 'title must be shorter than or equal to 255 characters')),
		'Gradient refused POST /api/vendor-api/alerting/<account id> (422)',
		'Gradient said: "title must be shorter than or equal to 255 characters". Check the values sent for this item.',
		{ item: 0 },
	),
	grAnswer(
		'api-gr-alert-wrong-type',
		'Gradient: alert answer with messageId of the wrong type',
		'alert',
		on('POST', GR_ALERT, { status: 201, body: { messageId: 42 } }),
		'Gradient answered POST /api/vendor-api/alerting/<account id> in an unexpected shape',
		`Field messageId: Expected string, received number. ${SHAPE_FIX}`,
		{ item: 0 },
	),

	// API answers: Mailprotector (through Get Counts, then the chain with a ledger to protect).
	mpAnswer(
		'api-mp-401',
		'Mailprotector: 401',
		on('GET', MP_RESELLER, mpStatus(401, 'Unauthorized')),
		'Mailprotector rejected the credentials (401) on GET /api/v1/resellers/1',
		MP_KEY_FIX,
	),
	mpAnswer(
		'api-mp-403',
		'Mailprotector: 403 (a role that may not read the reseller)',
		on('GET', MP_RESELLER, mpStatus(403, 'Forbidden')),
		'Mailprotector refused GET /api/v1/resellers/1 (403)',
		"The key's role may not read this. Use the API key of a reseller-level manager role.",
	),
	mpAnswer(
		'api-mp-404',
		'Mailprotector: 404 on the reseller',
		on('GET', MP_RESELLER, mpStatus(404, 'Not Found')),
		'Mailprotector does not know reseller 1 (404): check the Reseller ID field of the Mailprotector credential',
		RESELLER_FIX,
	),
	mpAnswer(
		'api-mp-409',
		'Mailprotector: 409',
		on('GET', MP_RESELLER, mpStatus(409, 'Conflict')),
		'Mailprotector refused GET /api/v1/resellers/1 (409)',
		'Mailprotector said: "Conflict". Check the values sent for this item.',
	),
	mpAnswer(
		'api-mp-422',
		'Mailprotector: 422',
		on('GET', MP_RESELLER, mpStatus(422, 'Unprocessable Entity')),
		'Mailprotector refused GET /api/v1/resellers/1 (422)',
		'Mailprotector said: "Unprocessable Entity". Check the values sent for this item.',
	),
	mpAnswer(
		'api-mp-500',
		'Mailprotector: 500 on every retry',
		on('GET', MP_RESELLER, mpStatus(500, 'Internal Server Error')),
		'Mailprotector had a server error on GET /api/v1/resellers/1 (500) (after 3 attempts)',
		RETRY_LATER('Mailprotector'),
	),
	mpAnswer(
		'api-mp-429',
		'Mailprotector: 429 on every retry of a list',
		on('GET', MP_CUSTOMERS, mpStatus(429, 'Too Many Requests')),
		'Mailprotector kept rate-limiting GET /api/v1/resellers/1/customers (429) (after 3 attempts)',
		"Lower Requests Per Second in the node's options",
	),
	mpAnswer(
		'api-mp-malformed',
		'Mailprotector: malformed JSON (customer list)',
		on('GET', MP_CUSTOMERS, truncated('[{"id":10')),
		'Mailprotector answered GET /api/v1/resellers/1/customers with something that is not JSON (after 3 attempts)',
		NOT_JSON_FIX('Mailprotector'),
	),
	mpAnswer(
		'api-mp-missing-field',
		'Mailprotector: a customer without a name',
		on('GET', MP_CUSTOMERS, { body: [{ id: 1001 }] }),
		'Mailprotector answered GET /api/v1/resellers/1/customers page 1 in an unexpected shape',
		`Field [0].name: Required. ${SHAPE_FIX}`,
	),
	mpAnswer(
		'api-mp-wrong-type',
		'Mailprotector: a customer id of the wrong type (an object)',
		on('GET', MP_CUSTOMERS, { body: [{ id: { value: 1001 }, name: 'Acme Corp' }] }),
		'Mailprotector answered GET /api/v1/resellers/1/customers page 1 in an unexpected shape',
		`Field [0].id: <reason>. ${SHAPE_FIX}`,
	),
	mpAnswer(
		'api-mp-user-missing-type',
		'Mailprotector: a user without user_type',
		on('GET', MP_USERS, {
			body: [{ id: 9001, parent: null, user_group: { id: 3001 }, domain: { id: 5001 } }],
		}),
		'Mailprotector answered GET /api/v1/resellers/1/users page 1 in an unexpected shape',
		`Field [0].user_type: Required. ${SHAPE_FIX}`,
	),
	{
		id: 'api-mp-404-mid-walk',
		kind: 'API answer',
		wrong: 'Mailprotector: 404 on a list mid-walk (a group deleted during the walk)',
		setup: {
			node: 'getCounts',
			mailprotector: on('GET', MP_SERVICES, mpStatus(404, 'Not Found')),
		},
		outcome: 'ignored',
		sees: 'Customer 1001 was skipped: the services of user group 3001 answered 404: deleted during the walk',
		fix: 'Nothing to fix: the next run counts the customer again; nothing is zeroed for an incomplete walk.',
		fixNotShown: true,
		hint: 'Customer 1001 was skipped: the services of user group 3001 answered 404: deleted during the walk',
	},
];
