'use strict';
// Reads and writes docs/bad-input-catalogue.md for test/catalogue.test.ts (fs, child_process and
// process live here: the .ts files are linted without Node globals).
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const DOC = path.join(__dirname, '..', '..', 'docs', 'bad-input-catalogue.md');

/** The documented catalogue as it is on disk ('' when missing). */
function readCatalogueDoc() {
	return fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '';
}

/**
 * Markdown as the repository keeps it (prettier aligns the tables). Run in a child process:
 * prettier 3 loads its plugins with import(), which jest's module loader does not allow.
 */
function formatCatalogueDoc(markdown) {
	const bin = require.resolve('prettier/bin/prettier.cjs');
	return execFileSync(process.execPath, [bin, '--stdin-filepath', DOC], {
		input: markdown,
		encoding: 'utf8',
	});
}

/** Whether this run regenerates the document (UPDATE_CATALOGUE=1) instead of checking it. */
function updatingCatalogueDoc() {
	return process.env.UPDATE_CATALOGUE === '1';
}

function writeCatalogueDoc(markdown) {
	fs.writeFileSync(DOC, markdown);
}

module.exports = {
	DOC,
	formatCatalogueDoc,
	readCatalogueDoc,
	updatingCatalogueDoc,
	writeCatalogueDoc,
};
