const os = require('os');
const path = require('path');

// n8n-core's InstanceSettings writes <N8N_USER_FOLDER>/.n8n/config on first use: keep it out of $HOME.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'n8n-nodes-mailprotector-gradient-jest');

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/**/*.test.{ts,js}'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	moduleFileExtensions: ['ts', 'js', 'json', 'node'],
	testTimeout: 60_000,
	maxWorkers: 2,
};
