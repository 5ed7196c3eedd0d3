import { asNodeError, failureOf, reasonOf, stopsTheRun } from '../shared/errors';
import type { GradientClient, NewService } from '../shared/gradient/client';
import type { Sku } from '../shared/gradient/schemas';
import type { ServiceCreation } from './services';
import { findService } from './services';

/** The service a product maps to, as the output item tells it. */
export interface Resolved {
	serviceId: string | null;
	serviceName: string;
	action: 'existing' | 'created' | 'would_create';
}

/** A service the run created (or would create), or why it could not. */
export type CreationResult = Resolved | { failed: string };

/**
 * Creates a vendor service and returns the vendor's full service list afterwards. Gradient
 * accepts two services of one name, so a create whose outcome is unknown (a 5xx, a reset, an
 * unreadable answer) is never blindly repeated: the list is read again to see if it landed.
 */
export async function createServiceOnce(
	client: GradientClient,
	service: NewService,
	itemIndex?: number,
): Promise<Sku[]> {
	const landed = (skus: Sku[]) =>
		skus.some((s) => s.name.toLowerCase() === service.name.toLowerCase());
	for (let attempt = 1; ; attempt++) {
		try {
			return (await client.createService(service, itemIndex)) ?? (await client.listServices());
		} catch (error) {
			const failure = failureOf(error);
			const unknownOutcome =
				failure?.kind === 'network' || (failure?.kind === 'status' && (failure.status ?? 0) >= 500);
			if (!unknownOutcome || attempt >= client.maxRetries + 1) {
				throw asNodeError(client.node, error, itemIndex);
			}
			const skus = await client.listServices();
			if (landed(skus)) return skus;
		}
	}
}

/** One planned service: created, found after a 409 (someone else created it meanwhile), or failed. */
async function createOne(
	client: GradientClient,
	creation: ServiceCreation,
): Promise<CreationResult> {
	let after: Sku[];
	let conflict = false;
	try {
		after = await createServiceOnce(client, creation.service);
	} catch (error) {
		// A service created meanwhile by someone else: read the list and use it.
		if (failureOf(error)?.status !== 409) throw asNodeError(client.node, error);
		conflict = true;
		after = await client.listServices();
	}
	const name = creation.service.name;
	const service = findService(after, name);
	return service
		? { serviceId: service.id, serviceName: service.name, action: 'created' }
		: {
				failed: conflict
					? `Gradient refused to create the service "${name}" (409: it says one already exists), but its service list has no service of that name. Run the workflow again; if it persists, look for the service in Synthesize and put its exact name in a Service Table row (Service Name) for ${creation.products.map((p) => `"${p}"`).join(', ')}.`
					: `Gradient answered the creation of the service "${name}" with success, but its service list does not show it yet. Run the workflow again later; if it is still missing, check the services in Synthesize before running again (Gradient allows two services of one name).`,
			};
}

/**
 * The planned services, one after the other, by plan key. A failure is that service's (its
 * products go to Unmapped); one that stops the run throws, or with Continue On Fail fails the rest.
 */
export async function createServices(
	client: GradientClient,
	creates: ServiceCreation[],
	run: { dryRun: boolean; continueOnFail: boolean },
): Promise<Map<string, CreationResult>> {
	const created = new Map<string, CreationResult>();
	let stopped: unknown;
	for (const creation of creates) {
		if (run.dryRun) {
			created.set(creation.key, {
				serviceId: null,
				serviceName: creation.service.name,
				action: 'would_create',
			});
			continue;
		}
		if (stopped) {
			created.set(creation.key, { failed: reasonOf(stopped) });
			continue;
		}
		try {
			created.set(creation.key, await createOne(client, creation));
		} catch (error) {
			if (stopsTheRun(error)) {
				if (!run.continueOnFail) throw asNodeError(client.node, error);
				stopped = error;
			}
			created.set(creation.key, {
				failed: `Creating the Gradient service "${creation.service.name}" failed: ${reasonOf(error)}`,
			});
		}
	}
	return created;
}
