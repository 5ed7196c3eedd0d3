import type { IAuthenticateRuleResponseCode, IHttpRequestOptions } from 'n8n-workflow';

// Keys travel in headers, so a base URL must be https; plain http is only allowed to this
// machine (an emulator, a local proxy), where nothing crosses a network.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The address each API answers at when nothing else is entered. */
export const DEFAULT_BASE_URLS: Record<string, string> = {
	Mailprotector: 'https://emailservice.io',
	Gradient: 'https://app.usegradient.com',
	n8n: 'http://127.0.0.1:5678',
};

export class BaseUrlError extends Error {}

/**
 * Whether plain http is allowed to this URL: only to this machine, or, for n8n's own API (the
 * billing memory), to the deployment's private network (workers reach the main as
 * http://n8n-main:5678 in a compose file).
 */
export function httpAllowed(url: URL, credentialName?: string): boolean {
	if (url.protocol === 'https:') return true;
	if (url.protocol !== 'http:') return false;
	return LOOPBACK.has(url.hostname) || (credentialName === 'n8n' && isPrivateHost(url.hostname));
}

/**
 * The credential test's Base URL: trimmed, without trailing slashes or an API path pasted from
 * the docs (the nodes do the same through readBaseUrl; any other path is refused there).
 */
export const TEST_BASE_URL =
	'={{$credentials.baseUrl.trim().replace(/\\/+$/, "").replace(/\\/api(\\/.*)?$/i, "")}}';

/**
 * Every request with this package's credentials: a redirect is never followed. n8n would send
 * the keys along (GRADIENT-TOKEN even across origins) and turn a redirected POST into a GET.
 */
export function noRedirects(options: IHttpRequestOptions): void {
	options.disableFollowRedirect = true;
	options.maxRedirects = 0;
	options.sendCredentialsOnCrossOriginRedirect = false;
	// The same for n8n's legacy request helper (the HTTP Request node with this credential).
	Object.assign(options, { followRedirect: false, followAllRedirects: false });
}

/** The credential test's answer to a redirect: not followed, and what to put in Base URL. */
export function redirectRules(api: string, example: string): IAuthenticateRuleResponseCode[] {
	return [301, 302, 303, 307, 308].map((value) => ({
		type: 'responseCode',
		properties: {
			value,
			message: `${api} answered with a redirect (${value}), which is never followed: the keys would go with it. If ${api} moved, enter its new address in Base URL (e.g. ${example}), without a path.`,
		},
	}));
}

export interface BaseUrl {
	/** scheme://host[:port], what every request is sent to. */
	url: string;
	/** Set when an API path was removed from the entered value: say so, the user should fix it. */
	note?: string;
}

/** The Base URL every request goes to; throws a BaseUrlError saying what to enter instead. */
export function checkBaseUrl(raw: unknown, credentialName: string): string {
	return readBaseUrl(raw, credentialName).url;
}

/**
 * Reads a credential's Base URL. An API path pasted from the docs (`/api/v1`, `/api/vendor-api`,
 * trailing slashes) is removed with a note, as the package adds the paths itself; any other path,
 * a query or a user name is refused, because the requests would go somewhere the user did not mean.
 */
export function readBaseUrl(raw: unknown, credentialName: string): BaseUrl {
	const text = typeof raw === 'string' ? raw.trim() : '';
	const example = DEFAULT_BASE_URLS[credentialName] ?? 'https://host';
	if (!text) {
		throw new BaseUrlError(
			`The ${credentialName} credential has no Base URL. Open the credential and enter the API address, e.g. https://...`,
		);
	}
	const url = parseUrl(text);
	if (!url) {
		throw new BaseUrlError(
			`The ${credentialName} credential's Base URL "${text}" is not a valid URL. Enter it as https://host, without a path.`,
		);
	}
	if (!httpAllowed(url, credentialName)) {
		throw new BaseUrlError(
			`The ${credentialName} credential's Base URL "${url.origin}" must use https (plain http is allowed only for 127.0.0.1, localhost or [::1]). Change it to https://${url.host}.`,
		);
	}
	if (url.username || url.password) {
		throw new BaseUrlError(
			`The ${credentialName} credential's Base URL holds a user name or password before the host. Enter only ${url.origin}; the keys go in their own fields.`,
		);
	}
	if (url.search || url.hash) {
		throw new BaseUrlError(
			`The ${credentialName} credential's Base URL "${url.origin}${url.pathname}" has a query or # part. Enter only the address, without a path: ${url.origin}.`,
		);
	}
	const path = url.pathname.replace(/\/+$/, '');
	if (!path) return { url: url.origin };
	if (/^\/api(\/|$)/i.test(path)) {
		return {
			url: url.origin,
			note: `The ${credentialName} credential's Base URL ends in the API path "${path}"; the package adds the paths itself, so it used ${url.origin}. Enter ${url.origin} in the credential to remove this note.`,
		};
	}
	throw new BaseUrlError(
		`The ${credentialName} credential's Base URL "${url.origin}${path}" has a path (${path}). Enter only the address, without a path: ${url.origin}${url.origin === example ? '' : ` (${credentialName}'s own is ${example})`}.`,
	);
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** A single-label name (a container or service name) or a private IPv4 address. */
function isPrivateHost(hostname: string): boolean {
	if (/^[a-z0-9-]+$/i.test(hostname)) return true;
	const ip = hostname.split('.').map(Number);
	if (ip.length !== 4 || ip.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return false;
	return (
		ip[0] === 10 ||
		(ip[0] === 172 && ip[1] >= 16 && ip[1] <= 31) ||
		(ip[0] === 192 && ip[1] === 168)
	);
}
