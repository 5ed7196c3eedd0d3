// The two API emulators as the e2e suites and the demo start them: one data set, the house
// account the example alerts go to, on 127.0.0.1.
import emulators from '../emulators/index.js';
import { secret } from './checks.mjs';

const { startMailprotector, startGradient } = emulators;

/** The MSP's own account in Gradient (mapped to its own company in the PSA): alerts go there. */
export const HOUSE = { id: 'msp-house', name: 'MSP House Account' };

/** Fresh keys per run, long enough that finding one in a log is never a coincidence. */
export const freshKeys = () => ({
	mp: secret('mpkey'),
	vendor: secret('vendorkey'),
	partner: secret('partnerkey'),
});

/**
 * Both emulators over `dataset`; `keys` unset means the emulators' own test keys. Stops the
 * first when the second cannot start, so nothing is left listening.
 */
export async function startApiEmulators(dataset, keys = {}, log = console.log) {
	const mp = await startMailprotector({ dataset, apiKey: keys.mp });
	try {
		const gradient = await startGradient({
			dataset,
			vendorApiKey: keys.vendor,
			partnerApiKey: keys.partner,
			accounts: [{ id: HOUSE.id, name: HOUSE.name, description: 'Our own company (alerts)' }],
		});
		log(
			`emulators: Mailprotector ${mp.url} (${dataset.customers.length} customers), Gradient ${gradient.url}`,
		);
		return { mp, gradient };
	} catch (error) {
		await mp.close();
		throw error;
	}
}
