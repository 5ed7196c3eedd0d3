import nock from 'nock';

export interface NockOnlyOptions {
	/** Also let requests to 127.0.0.1 through (local scripted servers). */
	allowLocal?: boolean;
	/** Runs after each test before the check, e.g. to close local servers. */
	cleanup?: () => Promise<unknown>;
}

/**
 * For the describe block it is called in: no network but nock's interceptors, and after each
 * test every interceptor must have been used (one left over is a request that was never sent).
 */
export function nockOnly(options: NockOnlyOptions = {}): void {
	beforeEach(() => {
		nock.cleanAll();
		nock.disableNetConnect();
		if (options.allowLocal) nock.enableNetConnect('127.0.0.1');
	});

	afterEach(async () => {
		await options.cleanup?.();
		const pending = nock.pendingMocks();
		nock.cleanAll();
		nock.enableNetConnect();
		expect(pending).toEqual([]);
	});
}
