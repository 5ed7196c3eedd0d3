import type { IDataObject, INodeProperties, IPairedItemData } from 'n8n-workflow';

import type { TransportSettings } from './transport';

/**
 * The request-shaping options every node offers under Options, so an MSP can slow a sync down
 * (or speed it up) without touching code. Defaults come from the transport.
 */
export function requestOptions(defaults: TransportSettings): INodeProperties[] {
	const { requestsPerSecond, concurrency, maxRetries, retryBaseMs } = defaults;
	return [
		{
			displayName: 'Requests Per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: requestsPerSecond,
			description:
				'Requests start at most this often, evenly spaced (retries included), so the API never sees a burst',
		},
		{
			displayName: 'Concurrent Requests',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 64 },
			default: concurrency,
			description: 'How many requests may be in flight at once',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: maxRetries,
			description:
				'How often a request is retried after a rate limit (429), a server error (5xx), a timeout or a dropped connection',
		},
		{
			displayName: 'Retry Base Delay (Milliseconds)',
			name: 'retryBaseMs',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: retryBaseMs,
			description:
				'The first wait before a retry, in ms (500 ms = half a second); it doubles on each further retry (with jitter). A Retry-After header from the API takes precedence.',
		},
	];
}

/** Reads the request options out of a node's Options collection. */
export function requestSettings(options: IDataObject): Partial<TransportSettings> {
	const out: Partial<TransportSettings> = {};
	for (const key of ['requestsPerSecond', 'concurrency', 'maxRetries', 'retryBaseMs'] as const) {
		const value = options[key];
		if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
	}
	return out;
}

/** A number option, or its default when unset (or not a finite number). */
export function numberOption(options: IDataObject, name: string, fallback: number): number {
	const value = options[name];
	return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The pairedItem of an output item made from these input items. */
export function pairedWith(items: number[]): IPairedItemData | IPairedItemData[] {
	return items.length === 1 ? { item: items[0] } : items.map((item) => ({ item }));
}
