import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { keyAuthentication } from '../nodes/shared/keyAuth';

/**
 * An n8n API key for the billing memory table. The package declares its own credential because
 * community nodes may only use credentials they ship (n8n's no-credential-reuse rule).
 */
export class MailprotectorGradientMemoryApi implements ICredentialType {
	name = 'mailprotectorGradientMemoryApi';

	displayName = 'Billing Memory N8n API';

	icon: Icon = { light: 'file:gradient.svg', dark: 'file:gradient.dark.svg' };

	documentationUrl = 'https://github.com/mpg-sync/n8n-nodes-mailprotector-gradient#scaling-out';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'In n8n: Settings > n8n API > Create an API key. Scopes it needs: dataTable:list, dataTable:create, and dataTableRow:read, create, upsert and delete.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:5678',
			description:
				"This n8n's address as the process running the workflow reaches it (in queue mode: the main, as the workers reach it), without /api/v1",
		},
	];

	authenticate = keyAuthentication('n8n', (credentials) => ({
		'X-N8N-API-KEY': String(credentials.apiKey ?? '').trim(),
	}));

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/data-tables',
			qs: { limit: 1 },
			method: 'GET',
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'n8n rejected the API key. Create one in Settings > n8n API and paste it here.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The API key lacks the data table scopes (dataTable:list, dataTable:create, dataTableRow:read/create/upsert/delete).',
				},
			},
		],
	};
}
