/** Path of docs/bad-input-catalogue.md. */
export const DOC: string;
/** The documented catalogue as it is on disk ('' when missing). */
export function readCatalogueDoc(): string;
/** Markdown as the repository keeps it (formatted by prettier). */
export function formatCatalogueDoc(markdown: string): string;
/** Whether this run regenerates the document (UPDATE_CATALOGUE=1) instead of checking it. */
export function updatingCatalogueDoc(): boolean;
export function writeCatalogueDoc(markdown: string): void;
