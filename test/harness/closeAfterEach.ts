/**
 * A list whose entries (servers, proxies) are closed after each test of the block it is made in,
 * so a failed test leaves no listener behind.
 */
export function closeAfterEach<T extends { close(): Promise<unknown> }>(): T[] {
	const open: T[] = [];
	afterEach(async () => {
		await Promise.all(open.splice(0).map(async (s) => await s.close()));
	});
	return open;
}
