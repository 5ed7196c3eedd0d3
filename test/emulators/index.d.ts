// Type declarations of the emulators' public API (the implementation is plain CommonJS).
// Usage from a TypeScript test:  import { startMailprotector, startGradient, makeDataset } from '../emulators';

// ---------------------------------------------------------------------------------------------
// PRNG

export interface Rng {
	next(): number;
	/** Integer in [min, max], both inclusive. */
	int(min: number, max: number): number;
	chance(p: number): boolean;
	pick<T>(arr: readonly T[]): T;
	weighted<T>(pairs: ReadonlyArray<readonly [number, T]>): T;
	hex(n: number): string;
	uuid(): string;
}
export function mulberry32(seed: number): () => number;
export function makeRng(seed?: number | string): Rng;
export function seedOf(value: unknown): number;

// ---------------------------------------------------------------------------------------------
// Mailprotector data (shapes as docs/reference/mailprotector-api.md §5.1)

export interface Ref {
	id: number;
	name: string;
}
export interface MpReseller {
	id: number;
	name: string;
	provider: Ref;
	reseller: Ref | null;
	created_at: string;
	updated_at: string;
}
export type MpCustomer = MpReseller;
export interface MpDomain {
	id: number;
	name: string;
	account: Ref;
	domain_status: { id: 1; name: 'Pending' } | { id: 2; name: 'Active' };
	parent: Ref | null;
	verification_token: string;
	address_discovery_enabled: boolean;
	created_at: string;
	updated_at: string;
}
export interface MpUserGroup {
	id: number;
	name: string;
	domain: Ref;
	/** INFERRED: the number of users of the group whose type is not Alias. */
	user_count: number;
	created_at: string;
	updated_at: string;
}
export interface MpService {
	id: number;
	service_type: string;
	user_group: Ref;
	domain: Ref;
	created_at: string;
}
export type MpUserTypeName =
	| 'User'
	| 'Alias'
	| 'Mailing List'
	| 'Unlicensed User'
	| 'Discovered User';
export interface MpUser {
	id: number;
	name: string;
	parent: { id: number; name: string; primary_address: string } | null;
	user_type: { id: number; name: MpUserTypeName };
	user_group: Ref;
	domain: Ref;
	primary_address: string;
	email_addresses: string[];
	first_name: string | null;
	last_name: string | null;
	created_at: string;
	updated_at: string;
}
export interface MpDataset {
	resellerId: number;
	seed: number;
	reseller: MpReseller;
	customers: MpCustomer[];
	domains: MpDomain[];
	userGroups: MpUserGroup[];
	services: MpService[];
	users: MpUser[];
}

export type CountRule = 'billableUsers' | 'groupUserCount' | 'billableUsersPlusAliases';
export interface ExpectedCount {
	customerId: string;
	product: string;
	count: number;
}
export interface ExpectedCountsOptions {
	/** Default 'billableUsers'. */
	rule?: CountRule;
	/** Keep pairs with count 0 (a pair exists when a non-alias group of the customer carries the service). Default false. */
	includeZero?: boolean;
	/** service_type -> product. Default: defaultProductOf. */
	productOf?: (serviceType: string) => string;
}
export interface MinimumCalls {
	total: number;
	breakdown: {
		customers: number;
		domains: number;
		users: number;
		userGroups: number;
		services: number;
	};
	sizes: {
		customers: number;
		domains: number;
		nonAliasDomains: number;
		userGroups: number;
		services: number;
		users: number;
	};
	pageSize: number;
}

/** Deterministic for (seed, resellerId); the first N customers do not depend on `customers`. */
export function makeDataset(opts?: {
	customers?: number;
	seed?: number;
	resellerId?: number;
}): MpDataset;
/** 3 hand-written customers; counts in SMALL_EXPECTED. */
export function smallDataset(opts?: { resellerId?: number }): MpDataset;
/** Independent oracle; sorted by customer id (numerically), then product. */
export function expectedCounts(dataset: MpDataset, opts?: ExpectedCountsOptions): ExpectedCount[];
export function minimumCalls(dataset: MpDataset, opts?: { pageSize?: number }): MinimumCalls;
/** Calls to read a list of n items when the page size is unknown. */
export function listCost(n: number, pageSize: number): number;
/** 'CloudFilter Email Security' -> 'CloudFilter'; unknown service types unchanged. */
export function defaultProductOf(serviceType: string): string;
export const SMALL_EXPECTED: {
	billableUsers: ExpectedCount[];
	billableUsersIncludeZero: ExpectedCount[];
	groupUserCount: ExpectedCount[];
	billableUsersPlusAliases: ExpectedCount[];
};
export const KNOWN_PRODUCTS: string[];
export const SERVICE_TYPES: string[];
export const UNKNOWN_SERVICE_TYPE: string;
export const USER_TYPES: Record<
	'User' | 'Alias' | 'MailingList' | 'Unlicensed' | 'Discovered',
	{ id: number; name: MpUserTypeName }
>;
export const DOMAIN_STATUS: {
	Pending: { id: 1; name: 'Pending' };
	Active: { id: 2; name: 'Active' };
};

// ---------------------------------------------------------------------------------------------
// Faults and the shared server plumbing

export interface FaultConfig {
	/** Fixed delay before every answer, ms. Default 0. */
	latencyMs?: number;
	/** Extra delay, uniform in [0, jitterMs). Default 0. */
	jitterMs?: number;
	/** Share of requests answered 500/502/503 (not processed). 502/503 bodies are HTML. Default 0. */
	errorRate?: number;
	/** Share of requests whose socket is destroyed without an answer (not processed). Default 0. */
	resetRate?: number;
	/** Share answered 200 with a truncated, non-JSON body (processed). Default 0. */
	malformedRate?: number;
	/** Of every `every` requests the last `length` are answered 429; Retry-After when retryAfter is not null. */
	storm?: { every: number; length: number; retryAfter?: number | null } | null;
	/** Default 1. */
	seed?: number;
	/** Mailprotector only: faults on given list pages (not random, not in the reference). */
	pages?: PageFault[];
}
/**
 * A fault on one list page of the Mailprotector emulator, matched by path (no query) and page:
 * - 'empty': 200 `[]` instead of the page (a transient empty page);
 * - 'emptyBody': 200 with an empty body;
 * - 'removeUser': the page is served, then user `userId` is deleted (offset pages shift).
 * `times` (default 1) is how many reads of that page get the fault; 'always' = every read.
 */
export interface PageFault {
	path: string;
	/** Default 1. */
	page?: number;
	kind: 'empty' | 'emptyBody' | 'removeUser';
	times?: number | 'always';
	userId?: number;
}
export type Fault =
	| { kind: 'storm'; status: 429; retryAfter: number | null }
	| { kind: 'error'; status: 500 | 502 | 503 }
	| { kind: 'reset' }
	| { kind: 'malformed' };
export function createFaults(config?: FaultConfig): {
	config: Required<FaultConfig>;
	readonly requestsSeen: number;
	decide(): { delayMs: number; fault: Fault | null };
};
export function normaliseFaults(config?: FaultConfig): Required<FaultConfig>;
/** The page fault for this read of (path, page), counted as served; null when none applies. */
export function takePageFault(
	pages: PageFault[] | undefined,
	path: string,
	page: number,
): PageFault | null;
export function truncateBody(text: string): string;
export const ERROR_STATUSES: number[];

export interface LogEntry {
	method: string;
	/** Path without the query string. */
	path: string;
	/** Query parameters; repeated ones as arrays. */
	query: Record<string, string | string[]>;
	/** The status sent; 0 for a reset. */
	status: number;
	/** Arrival time, epoch ms (fractional). */
	at: number;
	/** Request headers, Authorization / GRADIENT-TOKEN redacted. */
	headers?: Record<string, string | string[] | undefined>;
	fault?: 'reset' | 'storm' | 'error' | 'malformed';
	/** For a malformed answer: the status the handler produced. */
	realStatus?: number;
	error?: string;
}
export interface EmulatorStats {
	requests: number;
	byStatus: Record<string, number>;
	tooManyRequests: number;
	resets: number;
	malformed: number;
	injectedErrors: number;
	/** Largest number of requests that arrived within any sliding 1000 ms window. */
	maxInAnySecond: number;
}
interface EmulatorBase<State, Options> {
	/** Base URL, e.g. http://127.0.0.1:41234 (no path). */
	url: string;
	port: number;
	state: State;
	log: LogEntry[];
	stats: EmulatorStats;
	/** The live options (mutated by setOptions). */
	options: Options;
	setFaults(f: FaultConfig | null): Required<FaultConfig>;
	setOptions(o: Partial<Options> & Record<string, unknown>): Options;
	/** Empties log and stats in place. */
	clearLog(): void;
	/** Destroys open sockets; resolves when the server is closed. */
	close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Mailprotector emulator

export interface MailprotectorOptions {
	/** Default 'mp-test-key'. */
	apiKey: string;
	/** Default 25. */
	pageSize: number;
	/** INFERRED. Default false: `per_page` is ignored. */
	honourPerPage: boolean;
	/** Cap on an honoured per_page. Default 100. */
	maxPerPage: number;
	/** INFERRED. Default false; when true: X-Pagination: {"page","per_page","total","total_pages"}. */
	paginationHeader: boolean;
	/** Default false; when true every page number answers page 1. */
	ignorePage: boolean;
	/** INFERRED. Default 'array'; 'object' = only the first record as a bare object (null when none). */
	servicesShape: 'array' | 'object';
	/** INFERRED. Default null (no limit). */
	ratePerSecond: number | null;
	/** Retry-After on those 429s. Default null. */
	retryAfter: number | null;
}
export interface StartMailprotectorOptions extends Partial<MailprotectorOptions> {
	/** Default makeDataset({ customers, seed, resellerId }). */
	dataset?: MpDataset;
	/** Default 60 (only without `dataset`). */
	customers?: number;
	seed?: number;
	resellerId?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Default 0 (any free port). */
	port?: number;
	faults?: FaultConfig;
	/** Keep redacted request headers in the log. Default true. */
	logHeaders?: boolean;
}
export class MailprotectorState {
	constructor(dataset: MpDataset);
	/** The live data (a copy of the data set the emulator started with); pass it to expectedCounts. */
	dataset: MpDataset;
	readonly resellerId: number;
	readonly reseller: MpReseller;
	reset(): true;
	deleteCustomer(id: number): boolean;
	renameCustomer(id: number, name: string): boolean;
	addCustomer(o?: { name?: string; domainName?: string; services?: string[]; users?: number }): {
		customer: MpCustomer;
		domain: MpDomain;
		group: MpUserGroup;
	};
	/** type: 'User' | 'Alias' | 'MailingList' | 'Unlicensed' | 'Discovered' or a user_type name. */
	addUser(o: {
		groupId: number;
		type?: string;
		name?: string;
		parentId?: number | null;
		firstName?: string | null;
		lastName?: string | null;
	}): MpUser;
	removeUser(id: number): boolean;
	addService(groupId: number, serviceType: string): MpService;
	/** Returns how many services were removed. */
	removeService(groupId: number, serviceType: string): number;
	setDomainStatus(domainId: number, status: 'Active' | 'Pending'): boolean;
	sizes(): {
		customers: number;
		domains: number;
		aliasDomains: number;
		userGroups: number;
		services: number;
		users: number;
	};
	toJSON(): unknown;
}
export interface MailprotectorEmulator extends EmulatorBase<
	MailprotectorState,
	MailprotectorOptions
> {
	apiKey: string;
	resellerId: number;
	/** Every injected page fault served, in order (emptied by clearLog). */
	pageFaultLog: Array<{ path: string; page: number; kind: PageFault['kind'] }>;
}
export function startMailprotector(
	opts?: StartMailprotectorOptions,
): Promise<MailprotectorEmulator>;
export const DEFAULT_MAILPROTECTOR_OPTIONS: MailprotectorOptions;

// ---------------------------------------------------------------------------------------------
// Gradient emulator

export interface GradientOptions {
	/** Default 'vk-test'. */
	vendorApiKey: string;
	/** Default 'pk-test'. */
	partnerApiKey: string;
	/** Default 100; more within a sliding second -> 429 without Retry-After. null/0 = off. */
	ratePerSecond: number | null;
	/** INFERRED. Default true: accounts carry isMapped and mappingId. */
	accountIsMappedField: boolean;
	/** INFERRED. Default false: POST /organization/accounts needs an array. */
	acceptSingleAccount: boolean;
	/** INFERRED. Default '409' (whole request refused); 'ignore' skips duplicates. */
	duplicateAccount: '409' | 'ignore';
	/** Default null (no limit); above it POST /organization/accounts answers maxBatchStatus. */
	maxBatch: number | null;
	/** Default 413. */
	maxBatchStatus: number;
	/** Default null (no limit); above it a body answers 413. */
	maxBodyBytes: number | null;
	/** Default 0: debug answers 'pending' for the first N polls of each message. */
	alertPendingPolls: number;
	/** Account ids whose alerts fail (no PSA board). Default []. */
	failAlertsFor: string[];
	/** INFERRED. Default true: an alertId the account already has is merged into its ticket; false: another ticket. */
	alertIdDedupe: boolean;
	/** Fault. Default 0: the next N accepted alerts open their ticket, then the answer is lost. */
	alertLostAnswers: number;
	/** Default null: a lost answer is a reset connection; a status (e.g. 502) answers that instead. */
	alertLostAnswerStatus: number | null;
	/** Default true: the first accepted count or alert sets the status to 'active'. */
	autoActivate: boolean;
	/** INFERRED. Default true: a serviceId that is not 24-hex answers 400 "You have provided an invalid Id type". */
	strictObjectIds: boolean;
}
export interface StartGradientOptions extends Partial<GradientOptions> {
	/** Used for the default PSA clients. Default makeDataset({ customers, seed }). */
	dataset?: MpDataset;
	customers?: number;
	seed?: number;
	/** PSA client names. Default defaultPsaClients(dataset). */
	psaClients?: string[];
	/** Service names that are mapped. Default null = all. */
	mappedServiceNames?: string[] | null;
	/** Initial integration status. Default 'inactive'. */
	status?: 'active' | 'inactive' | 'pending';
	/** Default 'Emulated MSP'. */
	organizationName?: string;
	/** Vendor services present at start (category security / email security unless given). */
	services?: Array<
		string | { name: string; description?: string; category?: string; subcategory?: string }
	>;
	/** Accounts present at start. */
	accounts?: Array<{ id: string; name: string; description?: string; isArrears?: boolean }>;
	host?: string;
	port?: number;
	faults?: FaultConfig;
	logHeaders?: boolean;
}
export interface GradientIntegration {
	organizationId: string;
	name: string;
	vendorId: string;
	vendorName: string;
	integrationId: string;
	status: string;
	lastSyncedAt: string;
}
export interface GradientSku {
	id: string;
	_id: string;
	name: string;
	description: string;
	category: string;
	subcategory: string;
	supportArticle?: string;
	supportContact?: string;
}
export interface GradientVendor {
	id: string;
	_id: string;
	name: string;
	skus: GradientSku[];
	[key: string]: unknown;
}
export interface GradientAccount {
	id: string;
	name: string;
	description: string;
	isActive: boolean;
	isArrears: boolean;
	createdAt: string;
}
export interface GradientTicket {
	ticketId: string;
	accountId: string;
	alertId: string;
	title: string;
	description: string;
	priority: number;
	status: number;
	dueDateTime: string | null;
	serviceId: string | null;
	createdAt: string;
	messageIds: string[];
}
export class GradientState {
	organization: GradientIntegration;
	vendor: GradientVendor;
	accounts: GradientAccount[];
	/** `${accountId}|${serviceId}` -> the last count set. */
	counts: Record<string, { unitCount: number; at: string; pushes: number }>;
	/** Every accepted push, in order. */
	pushes: Array<{
		accountId: string;
		serviceId: string;
		unitCount: number;
		noBuild: boolean;
		at: string;
	}>;
	tickets: GradientTicket[];
	/** Accepted pushes without no_build=true. */
	builds: number;
	statusHistory: Array<{ status: string; at: string; by: 'initial' | 'vendor' | 'gradient' }>;
	psaClients: Array<{ id: string; name: string }>;
	mappedServiceNames: string[] | null;
	duplicates(): { accounts: string[]; services: string[] };
	setPsaClients(names: string[]): number;
	setMappedServices(names: string[] | null): string[] | null;
	isAccountMapped(account: { name: string }): boolean;
	isServiceMapped(sku: { name: string }): boolean;
	findAccount(id: string): GradientAccount | undefined;
	findSku(id: string): GradientSku | undefined;
	addSku(s: {
		name: string;
		description?: string;
		category?: string;
		subcategory?: string;
		supportArticle?: string;
		supportContact?: string;
	}): GradientSku;
	addAccount(a: {
		id: string;
		name: string;
		description?: string;
		isArrears?: boolean;
	}): GradientAccount;
	/** Pushed counts as rows, with the service's name. */
	unitCounts(): Array<{
		accountId: string;
		serviceId: string;
		serviceName: string | null;
		unitCount: number;
		pushes: number;
		at: string;
	}>;
	toJSON(): unknown;
}
export interface GradientEmulator extends EmulatorBase<GradientState, GradientOptions> {
	/** base64(`vendorApiKey:partnerApiKey`), the GRADIENT-TOKEN value. */
	readonly token: string;
	vendorApiKey: string;
	partnerApiKey: string;
}
export function startGradient(opts?: StartGradientOptions): Promise<GradientEmulator>;
export function gradientToken(vendorApiKey?: string, partnerApiKey?: string): string;
/** Near spellings for customers #0, #4, ...; exact names for #1, #2, #5, #6, ...; plus PSA-only clients ('MSP House Account', ...). */
export function defaultPsaClients(dataset: MpDataset): string[];
export function nearSpelling(name: string, k?: number): string;
export const CATEGORIES: string[];
export const SUBCATEGORIES: string[];
export const DEFAULT_GRADIENT_OPTIONS: GradientOptions;

// ---------------------------------------------------------------------------------------------
// n8n public data-table API emulator (n8nDataTables.js)

export interface DataTableRowJson {
	id: number;
	createdAt: string;
	updatedAt: string;
	[column: string]: unknown;
}
export interface DataTableJson {
	id: string;
	name: string;
	columns: Array<{ id: string; name: string; type: string; index: number }>;
	projectId: string;
	createdAt: string;
	updatedAt: string;
	rows: DataTableRowJson[];
}
export interface N8nDataTablesEmulator {
	url: string;
	port: number;
	apiKey: string;
	options: { apiKey: string; scopes: string[] };
	log: LogEntry[];
	stats: EmulatorStats;
	setFaults(f: FaultConfig | null): Required<FaultConfig>;
	clearLog(): void;
	close(): Promise<void>;
	tables(): DataTableJson[];
	rowsOf(name: string): DataTableRowJson[];
}
export function startN8nDataTables(opts?: {
	apiKey?: string;
	scopes?: string[];
	host?: string;
	port?: number;
	faults?: FaultConfig;
}): Promise<N8nDataTablesEmulator>;
export const ALL_DATA_TABLE_SCOPES: string[];
