import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { TEST_BASE_URL, redirectRules } from '../nodes/shared/baseUrl';
import { keyAuthentication } from '../nodes/shared/keyAuth';

export class MailprotectorApi implements ICredentialType {
	name = 'mailprotectorApi';

	displayName = 'Mailprotector API';

	icon: Icon = { light: 'file:mailprotector.svg', dark: 'file:mailprotector.dark.svg' };

	documentationUrl =
		'https://github.com/mpg-sync/n8n-nodes-mailprotector-gradient#mailprotector-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The API key of a reseller-level manager role. In the Mailprotector console: Edit my profile, then "..." on the role, then View API Key.',
		},
		{
			displayName: 'Reseller ID',
			name: 'resellerId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 329',
			description:
				'The numeric ID of your reseller account (the number in the console URL of your reseller overview)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://emailservice.io',
			description: 'The Mailprotector API address. Must be https.',
		},
	];

	authenticate = keyAuthentication('Mailprotector', (credentials) => ({
		// Trimmed: a key pasted with a space would otherwise be refused as wrong.
		Authorization: `Bearer ${String(credentials.apiKey ?? '').trim()}`,
	}));

	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: '=/api/v1/resellers/{{String($credentials.resellerId).trim()}}',
			method: 'GET',
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Mailprotector rejected the API key. Copy it again from Edit my profile > "..." on the role > View API Key.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The key works but this Reseller ID is unknown to it. Check the Reseller ID (a number) and that the key belongs to that reseller.',
				},
			},
			...redirectRules('Mailprotector', 'https://emailservice.io'),
		],
	};
}
