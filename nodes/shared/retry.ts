import type { TransportSettings } from './transport';

// The retry rules of the transport: which answers and failures are tried again, and how long
// to wait before the next attempt.

/** Statuses worth another attempt: throttled, or the server failed on its side. */
export const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/** Connection failures worth another attempt (resets and timeouts, when a call may be repeated). */
export const RETRY_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before retry `attempt + 1`: the step doubles per attempt, up to retryMaxMs. */
export function backoffMs(
	attempt: number,
	s: Pick<TransportSettings, 'retryBaseMs' | 'retryMaxMs'>,
	random = Math.random,
): number {
	const ceiling = Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** attempt);
	// Full jitter, but never less than half the step, so retries do not stampede back together.
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// Node's connection codes (ECONNREFUSED, ERR_TLS_...) and OpenSSL's certificate verdicts.
const CONNECTION_CODE =
	/^(E[A-Z_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)$/;

/** The connection failure's code, from the error, its causes or its message. */
export function networkCode(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown; cause?: { code?: unknown } } };
	for (const code of [e?.cause?.code, e?.code, e?.cause?.cause?.code]) {
		if (typeof code === 'string' && CONNECTION_CODE.test(code)) return code;
	}
	const text = String((error as Error)?.message ?? '');
	if (/socket hang up/i.test(text)) return 'ECONNRESET';
	if (/timeout/i.test(text)) return 'ETIMEDOUT';
	return undefined;
}
