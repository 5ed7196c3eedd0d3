// The one change queue-mode runs need in the example sync: its nightly Schedule Trigger becomes
// a Webhook trigger (POST, answers at once), so a POST to the main enqueues a run for a worker
// on demand. Everything else (nodes, wiring, the manual "Run Now") stays as shipped.
import crypto from 'node:crypto';

export const SCHEDULE_TRIGGER = 'Every Night at 02:00';
export const WEBHOOK_TRIGGER = 'Run via Webhook';

export function withWebhookTrigger(workflow, { path, replace = SCHEDULE_TRIGGER }) {
	const wf = structuredClone(workflow);
	const i = wf.nodes.findIndex((n) => n.name === replace);
	if (i < 0) throw new Error(`no node "${replace}" in ${wf.name}`);
	const old = wf.nodes[i];
	wf.nodes[i] = {
		id: old.id,
		name: WEBHOOK_TRIGGER,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: old.position,
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
	if (wf.connections[replace]) wf.connections[WEBHOOK_TRIGGER] = wf.connections[replace];
	delete wf.connections[replace];
	return wf;
}
