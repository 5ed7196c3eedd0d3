import type { GroupData, UserTally } from '../../nodes/shared/counting';

/** A user group as a walk joins it, for hand-made customers in the count and product tests. */
export function group(
	id: string,
	domainId: string,
	serviceTypes: string[],
	users: UserTally | null,
	userCount: number | null = null,
): GroupData {
	return {
		id,
		name: `Group ${id}`,
		domainId,
		domainName: `d${domainId}.example`,
		userCount,
		serviceTypes,
		users,
	};
}
