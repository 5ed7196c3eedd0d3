// What the Gradient emulator saw during a push: the rate of the count requests (429s and
// retries included), where they bunched, and the oracle pairs whose count did not land.
const COUNT_PATH = /^\/api\/vendor-api\/service\/[^/]+\/count$/;

/** Rate of the count pushes as Gradient saw them (429s and retries included: they count). */
export function pushRate(entries) {
	const counts = entries.filter((e) => e.method === 'POST' && COUNT_PATH.test(e.path));
	if (counts.length < 2) return { requests: counts.length, spanS: 0, rate: NaN };
	const spanS = (counts[counts.length - 1].at - counts[0].at) / 1000;
	return {
		requests: counts.length,
		spanS,
		rate: (counts.length - 1) / spanS,
		first: counts[0].at,
		last: counts[counts.length - 1].at,
		tooMany: counts.filter((e) => e.status === 429).length,
		// The busiest sliding second of the count pushes alone.
		busiest: busiestSecond(counts.map((e) => e.at)),
		...stalls(counts.map((e) => e.at)),
	};
}

/**
 * Where arrivals bunch: the longest silence between two count requests, and how many times
 * 6 or more arrived within 20 ms (requests held up after the pacer, then sent together).
 */
function stalls(times) {
	let longestGapMs = 0;
	let bursts = 0;
	for (let i = 1; i < times.length; i++)
		longestGapMs = Math.max(longestGapMs, times[i] - times[i - 1]);
	for (let i = 5; i < times.length; i++) {
		if (times[i] - times[i - 5] <= 20) {
			bursts++;
			i += 5;
		}
	}
	return { longestGapMs, bursts };
}

function busiestSecond(times) {
	let best = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= 1000) j++;
		best = Math.max(best, i - j + 1);
	}
	return best;
}

/** Oracle pairs whose count is not what Gradient holds for (account = customerId, service = product). */
export function lostPairs(want, gradientState) {
	const sku = new Map(gradientState.vendor.skus.map((s) => [s.name.toLowerCase(), s.id]));
	const missing = [];
	for (const p of want) {
		const id = sku.get(p.product.toLowerCase());
		const got = id ? gradientState.counts[`${p.customerId}|${id}`] : undefined;
		if (got?.unitCount !== p.count) missing.push({ ...p, got: got?.unitCount ?? null });
	}
	return missing;
}
