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
	const loopback = LOOPBACK.has(url.hostname);
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
