// Keys travel in headers, so a base URL must be https; plain http is only allowed to this
// machine (an emulator, a local proxy), where nothing crosses a network.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export class BaseUrlError extends Error {}

export function checkBaseUrl(raw: unknown, credentialName: string): string {
	const text = typeof raw === 'string' ? raw.trim() : '';
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
	// n8n's own API (the billing memory) may sit on the deployment's private network: workers
	// reach the main as http://n8n-main:5678 in a compose file.
	const loopback =
		LOOPBACK.has(url.hostname) || (credentialName === 'n8n' && isPrivateHost(url.hostname));
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
		throw new BaseUrlError(
			`The ${credentialName} credential's Base URL "${url.origin}" must use https (plain http is allowed only for 127.0.0.1, localhost or [::1]). Change it to https://${url.host}.`,
		);
	}
	return text.replace(/\/+$/, '');
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
