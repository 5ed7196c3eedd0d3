export interface TrapArrival {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface ProxiedRequest {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface ProxyRule {
	method?: string;
	/** Matched against the path without its query. */
	path: RegExp;
	/** Answer this 3xx with a Location on the trap (same path). */
	redirect?: number;
	/** Appended to the Location (e.g. '?token=...'), to show a query never reaches a message. */
	query?: string;
	/** Answer this instead of the upstream. */
	answer?: (req: ProxiedRequest) => {
		status: number;
		headers?: Record<string, string>;
		body?: unknown;
	};
}

export interface RedirectProxy {
	/** http://127.0.0.1:<port>, to put in the credential's Base URL. */
	url: string;
	/** The listener redirects point at: whatever reaches it left the credential's origin. */
	trap: { url: string; arrivals: TrapArrival[] };
	/** Requests a rule answered. */
	intercepted: Array<{ method: string; path: string }>;
	close(): Promise<void>;
}

export function startRedirectProxy(options: {
	upstream: string;
	rules: ProxyRule[];
}): Promise<RedirectProxy>;
