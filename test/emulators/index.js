'use strict';
/** The API emulators for tests, benchmarks and the demo. See index.d.ts for the public API. */

const prng = require('./prng');
const dataset = require('./dataset');
const faults = require('./faults');
const mailprotector = require('./mailprotector');
const gradient = require('./gradient');
const n8nDataTables = require('./n8nDataTables');

module.exports = {
	...prng,
	...dataset,
	...faults,
	...mailprotector,
	...gradient,
	...n8nDataTables,
};
