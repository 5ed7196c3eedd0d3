import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { checkBaseUrl, noRedirects } from './baseUrl';

/**
 * The `authenticate` of each of this package's credentials: the Base URL checked before
 * anything is sent, redirects never followed, JSON asked for, and the credential's own key
 * header(s) from `keyHeaders`.
 */
export function keyAuthentication(
	credentialName: string,
	keyHeaders: (credentials: ICredentialDataDecryptedObject) => Record<string, string>,
): (
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
) => Promise<IHttpRequestOptions> {
	return async (credentials, requestOptions) => {
		checkBaseUrl(requestOptions.baseURL ?? credentials.baseUrl, credentialName);
		noRedirects(requestOptions);
		requestOptions.headers = {
			...(requestOptions.headers ?? {}),
			Accept: 'application/json',
			...keyHeaders(credentials),
		};
		return requestOptions;
	};
}
