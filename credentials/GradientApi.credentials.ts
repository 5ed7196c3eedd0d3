import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { TEST_BASE_URL, redirectRules } from '../nodes/shared/baseUrl';
import { keyAuthentication } from '../nodes/shared/keyAuth';

/**
 * GRADIENT-TOKEN is base64("<vendor key>:<partner key>"), with no "Basic" prefix. The keys are
 * trimmed: a space pasted with a key would otherwise make a token Gradient refuses.
 */
export function gradientToken(vendorApiKey: unknown, partnerApiKey: unknown): string {
	return Buffer.from(
		`${String(vendorApiKey ?? '').trim()}:${String(partnerApiKey ?? '').trim()}`,
		'utf8',
	).toString('base64');
}

export class GradientApi implements ICredentialType {
	name = 'gradientApi';

	displayName = 'Gradient MSP (Synthesize) API';

	icon: Icon = { light: 'file:gradient.svg', dark: 'file:gradient.dark.svg' };

	documentationUrl =
		'https://github.com/mpg-sync/n8n-nodes-mailprotector-gradient#gradient-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Vendor API Key',
			name: 'vendorApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'In Synthesize: Integrations > Custom > Generate API Tokens. The vendor token is shown only once.',
		},
		{
			displayName: 'Partner API Key',
			name: 'partnerApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Generated together with the vendor key (Integrations > Custom). It identifies your MSP organization.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.usegradient.com',
			description: 'The Gradient API address. Must be https.',
		},
	];

	authenticate = keyAuthentication('Gradient', (credentials) => ({
		'GRADIENT-TOKEN': gradientToken(credentials.vendorApiKey, credentials.partnerApiKey),
	}));

	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: '/api/vendor-api/organization',
			method: 'GET',
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Gradient rejected the token. Check both keys: the Vendor and Partner API keys from Integrations > Custom > Generate API Tokens.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Gradient refused the request (403: it flags unusual API traffic this way). Wait a while; contact Gradient support if it persists.',
				},
			},
			...redirectRules('Gradient', 'https://app.usegradient.com'),
		],
	};
}
