export interface Arrival {
	index: number;
	/** Date.now() when the request body had arrived. */
	at: number;
	/** performance.now() at the same moment (monotonic, sub-millisecond). */
	ms: number;
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface ScriptStep {
	status?: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string as it is (text/plain unless a Content-Type is given). */
	body?: unknown;
	/** Wait before answering. */
	delayMs?: number;
	/** Destroy the socket without answering (the client sees a connection reset). */
	reset?: boolean;
}

export type ScriptEntry = ScriptStep | ((arrival: Arrival, index: number) => ScriptStep);

/** Steps are used in order and the last one repeats; or one function decides every answer. */
export type Script = ScriptEntry[] | ((arrival: Arrival, index: number) => ScriptStep);

export interface ScriptedServer {
	port: number;
	/** http://127.0.0.1:<port> */
	url: string;
	arrivals: Arrival[];
	setScript(script: Script): void;
	close(): Promise<void>;
}

export function startScriptedServer(script: Script): Promise<ScriptedServer>;

/** A port on 127.0.0.1 where nothing listens. */
export function unusedPort(): Promise<number>;

/** The largest number of `times` (ms) inside any window of `windowMs` that starts at one of them. */
export function maxInWindow(times: number[], windowMs: number): number;
