'use strict';
/**
 * A tiny seeded PRNG (mulberry32) and a few helpers. Deterministic for a seed: the emulators'
 * data sets and fault decisions are reproducible.
 */

function mulberry32(seed) {
	let a = seed >>> 0;
	return function next() {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Mixes a string or number into a 32-bit seed (FNV-1a). */
function seedOf(value) {
	const s = String(value);
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

function makeRng(seed = 1) {
	const next = mulberry32(typeof seed === 'number' ? seed : seedOf(seed));
	const rng = {
		next,
		/** Integer in [min, max], both inclusive. */
		int(min, max) {
			return min + Math.floor(next() * (max - min + 1));
		},
		chance(p) {
			return next() < p;
		},
		pick(arr) {
			return arr[Math.floor(next() * arr.length)];
		},
		/** Picks from [[weight, value], ...]. */
		weighted(pairs) {
			let total = 0;
			for (const [w] of pairs) total += w;
			let r = next() * total;
			for (const [w, v] of pairs) {
				r -= w;
				if (r < 0) return v;
			}
			return pairs[pairs.length - 1][1];
		},
		hex(n) {
			let s = '';
			while (s.length < n) s += Math.floor(next() * 16).toString(16);
			return s;
		},
		uuid() {
			const h = rng.hex(32);
			const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
			return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
		},
	};
	return rng;
}

module.exports = { mulberry32, makeRng, seedOf };
