// The benches' way into test/harness/engineCore.js (the jest harness's engine): runs workflow
// JSON through n8n-core's real WorkflowExecute with this package's compiled nodes and credentials.
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

// n8n-core's InstanceSettings writes <N8N_USER_FOLDER>/.n8n/config on first use: keep it out of $HOME.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'n8n-nodes-mailprotector-gradient-bench');

const require = createRequire(import.meta.url);
const { chainWorkflow, runWorkflow } = require('../../test/harness/engineCore.js');

/**
 * Runs `nodes` (each wired to the next, after a start node emitting `startItems`) as
 * `n8n execute` would, and returns the run with `output(nodeName, index)` and `hints(nodeName)`.
 */
export async function runChain({
	nodes,
	nodeTypes,
	credentialTypes,
	credentials,
	startItems = [{}],
}) {
	const workflow = chainWorkflow(nodes, { id: 'benchWorkflow0001', name: 'Bench', startItems });
	const result = await runWorkflow({
		workflow,
		nodeTypes,
		credentialTypes,
		credentials,
		mode: 'cli',
		executionId: String(Date.now()),
	});
	const runData = result.run.data.resultData.runData;
	return { ...result, hints: (name) => runData[name]?.[0]?.hints ?? [] };
}
