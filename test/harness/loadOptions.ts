import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

export interface LoadOptionsSetup {
	/** The node's name and installed type. */
	name: string;
	type: string;
	/** The credential class (its own authenticate signs each request) and its decrypted data. */
	credential: {
		authenticate: (
			credentials: ICredentialDataDecryptedObject,
			requestOptions: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
	};
	credentials: ICredentialDataDecryptedObject;
}

/**
 * The least of a load-options context the transport uses, authenticating as n8n would; the
 * requests go out with fetch (to an emulator).
 */
export function fetchingLoadOptionsContext(setup: LoadOptionsSetup): ILoadOptionsFunctions {
	const { credential, credentials } = setup;
	const request = async (_type: string, options: IHttpRequestOptions) => {
		const authed = await credential.authenticate(credentials, { ...options });
		const url = new URL(`${authed.baseURL}${authed.url}`);
		for (const [k, v] of Object.entries(authed.qs ?? {})) url.searchParams.set(k, String(v));
		const res = await fetch(url, { headers: authed.headers as Record<string, string> });
		return { statusCode: res.status, headers: {}, body: await res.json() };
	};
	return {
		getNode: () => ({
			id: 'n',
			name: setup.name,
			type: setup.type,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getCredentials: async () => credentials,
		helpers: { httpRequestWithAuthentication: request },
	} as unknown as ILoadOptionsFunctions;
}
