import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { gradientToken } from '../../credentials/GradientApi.credentials';
import { fieldText } from './text';

/** What replaces a secret in any text the package emits. */
export const REDACTED = '[redacted]';

// A key shorter than this is not a real key (the API refuses it), and redacting it could eat data.
const MIN_SECRET_LENGTH = 4;

/**
 * The forms a secret takes in an API's echo: as sent, URL-encoded (upper or lower hex), base64
 * with and without its padding, and base64url.
 */
export function secretVariants(secret: string): string[] {
	const out = new Set<string>();
	for (const raw of [secret, secret.trim()]) {
		const unpadded = /^[A-Za-z0-9+/]+=+$/.test(raw) ? raw.replace(/=+$/, '') : raw;
		for (const form of [raw, unpadded]) {
			out.add(form);
			const encoded = encodeURIComponent(form);
			out.add(encoded);
			out.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
			if (/[+/]/.test(form)) out.add(form.replace(/\+/g, '-').replace(/\//g, '_'));
		}
	}
	// Longest first, so a padded or encoded form is replaced whole before its shorter relatives.
	return [...out].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Replaces the credential's secrets in API text before anything else sees it. Built once per
 * execution from the decrypted credential the transport holds; whatever an API echoes (the key,
 * the Bearer value, the GRADIENT-TOKEN, encoded or not), errors, items and tickets show [redacted].
 */
export class Redactor {
	private readonly secrets: string[];

	/** Strings shorter than this cannot hold a secret (most of a page: ids, names, dates). */
	private readonly shortest: number;

	constructor(secrets: Array<string | undefined>) {
		const all = new Set<string>();
		for (const secret of secrets) {
			if (typeof secret === 'string') for (const v of secretVariants(secret)) all.add(v);
		}
		this.secrets = [...all].sort((a, b) => b.length - a.length);
		this.shortest = this.secrets.length ? this.secrets[this.secrets.length - 1].length : Infinity;
	}

	text(value: string): string {
		if (value.length < this.shortest) return value;
		let out = value;
		for (const secret of this.secrets) {
			if (out.includes(secret)) out = out.split(secret).join(REDACTED);
		}
		return out;
	}

	/** A JSON value with every string redacted; the same object back when nothing matched. */
	value<T>(value: T): T {
		if (this.secrets.length === 0) return value;
		return this.walk(value) as T;
	}

	private walk(value: unknown): unknown {
		if (typeof value === 'string') return this.text(value);
		if (!value || typeof value !== 'object') return value;
		if (Array.isArray(value)) {
			let copy: unknown[] | undefined;
			for (let i = 0; i < value.length; i++) {
				const next = this.walk(value[i]);
				if (next !== value[i]) {
					copy ??= value.slice();
					copy[i] = next;
				}
			}
			return copy ?? value;
		}
		const source = value as Record<string, unknown>;
		let copy: Record<string, unknown> | undefined;
		// for...in, not Object.entries: no array per object on pages of thousands of objects.
		for (const key in source) {
			if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
			const item = source[key];
			const next = this.walk(item);
			const name = this.text(key);
			if (next !== item || name !== key) {
				copy ??= { ...source };
				if (name !== key) delete copy[key];
				copy[name] = next;
			}
		}
		return copy ?? value;
	}
}

/** What a credential holds that must never be shown: its keys and the header values made of them. */
export function secretsOf(type: string, data: ICredentialDataDecryptedObject): string[] {
	// Mailprotector's key, and the n8n API key of the billing memory.
	if (type !== 'gradientApi') return [fieldText(data.apiKey)];
	const vendor = fieldText(data.vendorApiKey);
	const partner = fieldText(data.partnerApiKey);
	return [vendor, partner, gradientToken(vendor, partner)];
}
