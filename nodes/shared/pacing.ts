import { sleep } from 'n8n-workflow';

/**
 * Fixed spacing between request starts: one slot every 1000/rate ms. An idle pacer does not
 * bank slots, so there is never a catch-up burst; a request starts at most one slot after its
 * own slot, so any 1 s window holds at most rate + 2 starts, even after the event loop stalls.
 * Retries take a slot like any request, so they count against the rate too.
 */
export class Pacer {
	private next = 0;

	private readonly interval: number;

	constructor(requestsPerSecond: number) {
		this.interval = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
	}

	async take(): Promise<void> {
		if (this.interval === 0) return;
		let at = Math.max(Date.now(), this.next);
		this.next = at + this.interval;
		for (;;) {
			const now = Date.now();
			if (at > now) {
				await sleep(at - now);
				continue;
			}
			// Woken more than a slot late (the event loop stalled, e.g. in GC): every waiter
			// woke together, so leaving now would be a burst. Take a fresh slot behind the others.
			if (now - at <= this.interval) return;
			at = Math.max(now, this.next);
			this.next = at + this.interval;
		}
	}

	/** Push the next slot out, e.g. after a 429, so no one sends until the server has cooled. */
	holdUntil(time: number): void {
		this.next = Math.max(this.next, time);
	}
}

/** A small concurrency bound (the host may not ship p-limit, so it is written here). */
export class Limiter {
	private active = 0;

	private readonly queue: Array<() => void> = [];

	constructor(private readonly max: number) {}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.active >= Math.max(1, this.max)) {
			await new Promise<void>((resolve) => this.queue.push(resolve));
		} else {
			this.active++;
		}
		try {
			return await task();
		} finally {
			const wake = this.queue.shift();
			if (wake) wake();
			else this.active--;
		}
	}
}

/** Runs `task` over `inputs` with at most `concurrency` in flight; results keep input order. */
export async function mapConcurrent<I, O>(
	inputs: readonly I[],
	concurrency: number,
	task: (input: I, index: number) => Promise<O>,
): Promise<O[]> {
	const results = new Array<O>(inputs.length);
	let cursor = 0;
	const worker = async () => {
		while (cursor < inputs.length) {
			const index = cursor++;
			results[index] = await task(inputs[index], index);
		}
	};
	await Promise.all(
		Array.from({ length: Math.min(Math.max(1, concurrency), inputs.length) }, worker),
	);
	return results;
}
