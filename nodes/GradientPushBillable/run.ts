import { failureOf, reasonOf, stopsTheRun } from '../shared/errors';
import type { CountResult } from '../shared/gradient/client';
import { mapConcurrent } from '../shared/pacing';
import type { PlannedPair, PushPlan } from './plan';

export type PairOutcome =
	| 'pushed'
	| 'zeroed'
	| 'unchanged'
	| 'dry_run'
	| 'not_mapped'
	| 'failed'
	| 'held';

export interface PairResult {
	pair: PlannedPair;
	outcome: PairOutcome;
	httpStatus: number | null;
	reason?: string;
	at: string;
	/** A dry run's forecast (nothing was sent): the audit status stays `dry_run`. */
	predicted?: boolean;
}

/** What Push needs from the Gradient client (the real one, or a stand-in in unit tests). */
export interface CountClient {
	pushCount(
		serviceId: string,
		accountId: string,
		unitCount: number,
		noBuild: boolean,
		itemIndex?: number,
	): Promise<CountResult>;
	halt?(error: Error): void;
}

export interface RebuildReport {
	status: 'sent' | 'none' | 'failed' | 'stopped' | 'dry_run';
	key?: string;
	reason?: string;
}

export interface RunReport {
	results: PairResult[];
	/** The 401/403 that stopped the run, if any. */
	stopped?: Error;
	rebuild: RebuildReport;
}

export interface RunSettings {
	dryRun: boolean;
	concurrency: number;
	now?: () => string;
	/** How many successful pairs may be tried for the one rebuild call. */
	rebuildTries?: number;
}

/** The reason on a Not Mapped item: Gradient's own words, and what the MSP does about it. */
export function notMappedReason(
	status: number | null,
	message?: string,
	previousCount: number | null = null,
): string {
	const said = message?.trim() ? `: ${message.trim()}` : '';
	if (previousCount !== null) {
		return `Gradient accepted this pair before (last count ${previousCount}) but now answers ${status ?? 404}${said}. Its count there is kept in the ledger (Gradient may still bill it); check the mapping of this account and service in Synthesize. The next run pushes it again, and zeroes it once it is proven gone.`;
	}
	return `Not mapped in Gradient yet (${status ?? 404}${said}). Map this account and service in Synthesize; the next run pushes it.`;
}

/** The result of a pair that is not sent (failed, held, unchanged, or any pair of a dry run). */
function settled(pair: PlannedPair, dryRun: boolean, at: string): PairResult | undefined {
	if (pair.action === 'fail') {
		return { pair, outcome: 'failed', httpStatus: null, reason: pair.reason, at };
	}
	if (pair.action === 'hold') {
		return { pair, outcome: 'held', httpStatus: null, reason: pair.reason, at };
	}
	if (pair.action === 'unchanged') return { pair, outcome: 'unchanged', httpStatus: null, at };
	if (dryRun && pair.accountUnmapped) {
		return {
			pair,
			outcome: 'not_mapped',
			httpStatus: null,
			reason: `Dry run: account ${pair.gradientAccountId} is not mapped to a PSA company in Synthesize yet, so Gradient will refuse this count (${pair.unitCount} licence(s) unbilled). Map the account in Synthesize before the run.`,
			at,
			predicted: true,
		};
	}
	if (dryRun) return { pair, outcome: 'dry_run', httpStatus: null, at };
	return undefined;
}

/** Sends one pair at a time with no_build=true; the first 401/403 stops every send after it. */
class Sender {
	stopped: Error | undefined;

	constructor(
		private readonly client: CountClient,
		private readonly dryRun: boolean,
		private readonly now: () => string,
	) {}

	stoppedResult(pair: PlannedPair): PairResult {
		return {
			pair,
			outcome: 'failed',
			httpStatus: failureOf(this.stopped)?.status ?? null,
			reason: `Not sent: ${reasonOf(this.stopped)}`,
			at: this.now(),
		};
	}

	async send(pair: PlannedPair): Promise<PairResult> {
		const result = settled(pair, this.dryRun, this.now());
		if (result) return result;
		if (this.stopped) return this.stoppedResult(pair);
		try {
			const answer = await this.client.pushCount(
				pair.gradientServiceId,
				pair.gradientAccountId,
				pair.unitCount,
				true,
				pair.items[0],
			);
			const at = this.now();
			if (answer.outcome === 'not_mapped') {
				return {
					pair,
					outcome: 'not_mapped',
					httpStatus: answer.status,
					reason: notMappedReason(answer.status, answer.message, pair.previousCount),
					at,
				};
			}
			const outcome = pair.action === 'zero' ? 'zeroed' : 'pushed';
			return { pair, outcome, httpStatus: answer.status, at };
		} catch (error) {
			if (stopsTheRun(error)) {
				if (!this.stopped) {
					this.stopped = error as Error;
					this.client.halt?.(this.stopped);
				}
				return this.stoppedResult(pair);
			}
			return {
				pair,
				outcome: 'failed',
				httpStatus: failureOf(error)?.status ?? null,
				reason: reasonOf(error),
				at: this.now(),
			};
		}
	}
}

/** Whether a pair is zeroed only after the run set the pairs its products moved to. */
const isSuperseded = (p: PlannedPair) => !!p.supersededBy && p.action === 'zero';

/**
 * Superseded pairs go last: the old pair is zeroed only once its new pair was set, so a count
 * is never billed twice and never dropped between the two.
 */
async function sendSuperseded(
	sender: Sender,
	plan: PushPlan,
	results: PairResult[],
	settings: RunSettings,
	now: () => string,
): Promise<PairResult[]> {
	const landed = new Set(
		results
			.filter((r) => ['pushed', 'unchanged', 'dry_run'].includes(r.outcome))
			.map((r) => r.pair.key),
	);
	const moved = plan.pairs.filter(isSuperseded);
	return await mapConcurrent(moved, settings.concurrency, async (pair): Promise<PairResult> => {
		const missed = pair.supersededBy!.filter((key) => !landed.has(key));
		if (!missed.length) return await sender.send(pair);
		return {
			pair,
			outcome: 'failed',
			httpStatus: null,
			reason: `Not zeroed: its products now bill to ${missed.join(' and ')}, which was not set this run. It keeps its count in Gradient (and in the ledger) and is zeroed once the new pair is set.`,
			at: now(),
		};
	});
}

/**
 * Once every count is set, one successful pair is sent again without no_build, so Gradient
 * rebuilds its billing view exactly once (the last few are tried, newest first).
 */
async function rebuild(
	client: CountClient,
	results: PairResult[],
	sender: Sender,
	settings: RunSettings,
): Promise<RebuildReport> {
	const done = results.filter((r) => r.outcome === 'pushed' || r.outcome === 'zeroed');
	if (sender.stopped && done.length) {
		return {
			status: 'stopped',
			reason:
				'Gradient stopped the run, so no rebuild call was sent; its billing view updates on the next run',
		};
	}
	if (settings.dryRun || !done.length) return { status: settings.dryRun ? 'dry_run' : 'none' };
	const tries = done.slice(-Math.max(1, settings.rebuildTries ?? 3)).reverse();
	let report: RebuildReport = { status: 'failed' };
	for (const r of tries) {
		try {
			const answer = await client.pushCount(
				r.pair.gradientServiceId,
				r.pair.gradientAccountId,
				r.pair.unitCount,
				false,
				r.pair.items[0],
			);
			if (answer.outcome === 'pushed') return { status: 'sent', key: r.pair.key };
			report = { status: 'failed', key: r.pair.key, reason: answer.message ?? 'not mapped' };
		} catch (error) {
			report = { status: 'failed', key: r.pair.key, reason: reasonOf(error) };
			if (stopsTheRun(error)) {
				sender.stopped = error as Error;
				break;
			}
		}
	}
	return report;
}

/**
 * Sends the plan: every count with no_build=true, concurrently (the transport paces them),
 * then, once every retry has settled, one successful pair again without no_build so Gradient
 * rebuilds its billing view exactly once. A 401/403 stops everything not yet sent.
 */
export async function runPlan(
	client: CountClient,
	plan: PushPlan,
	settings: RunSettings,
): Promise<RunReport> {
	const now = settings.now ?? (() => new Date().toISOString());
	const sender = new Sender(client, settings.dryRun, now);
	const first = plan.pairs.filter((p) => !isSuperseded(p));
	const results = await mapConcurrent(first, settings.concurrency, (p) => sender.send(p));
	results.push(...(await sendSuperseded(sender, plan, results, settings, now)));
	const report = await rebuild(client, results, sender, settings);
	return { results, stopped: sender.stopped, rebuild: report };
}
