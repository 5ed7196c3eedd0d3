'use strict';
// An https server on 127.0.0.1 whose certificate nobody trusts (self-signed, made for these
// tests only and valid for 100 years): what a TLS-inspecting proxy or a wrong host looks like.
// Plain JS because it needs Node's https module, which n8n's lint forbids in .ts files.
const https = require('https');

const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguR37aU/3eXKWyDPk
abTAQ1lDSpFpwY47uD7pI5S464WhRANCAATiQQ7ppkLwXda5fP1Niw/8Cr0iIRfs
xVCowAw3tlcYMAa3DRsXpDkzWOEhPKl8VrBh0yQ3r8btzQgu+fz8WIWO
-----END PRIVATE KEY-----`;

const CERT = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUQuR0vqf+f62WK6s5hQDCUdaabQAwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwNDE4MDU1NFoYDzIxMjYxMTEw
MTgwNTU0WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATiQQ7ppkLwXda5fP1Niw/8Cr0iIRfsxVCowAw3tlcYMAa3DRsXpDkz
WOEhPKl8VrBh0yQ3r8btzQgu+fz8WIWOo2QwYjAdBgNVHQ4EFgQUCZ9i0CFyLHjB
sHTTFt8Jxo6ozdUwHwYDVR0jBBgwFoAUCZ9i0CFyLHjBsHTTFt8Jxo6ozdUwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IAFXcafZvu8i1TFdz12mn75Vn38+pJM8Pxs3kjelZoDBAiBMJRMl7Ev6fw5GvNh7
58JhWZ8JM96s/jiYJkqiUZtMrQ==
-----END CERTIFICATE-----`;

/** Answers 200 {} to everything; any client that checks certificates refuses it. */
async function startUntrustedTls() {
	const server = https.createServer({ key: KEY, cert: CERT }, (req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{}');
	});
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `https://127.0.0.1:${server.address().port}`,
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

module.exports = { startUntrustedTls };
