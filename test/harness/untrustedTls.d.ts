/** An https server on 127.0.0.1 with a self-signed certificate (clients that check refuse it). */
export function startUntrustedTls(): Promise<{ url: string; close(): Promise<void> }>;
