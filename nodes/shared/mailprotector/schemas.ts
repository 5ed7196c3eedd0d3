import { z } from 'zod';

// Mailprotector ids are integers; strings are accepted too, the code treats them as text.
const id = z.union([z.number(), z.string().min(1)]);
const ref = z.object({ id, name: z.string().nullish() }).passthrough();

export const resellerSchema = z.object({ id, name: z.string() }).passthrough();

export const customerSchema = z.object({ id, name: z.string() }).passthrough();

export const domainSchema = z
	.object({
		id,
		name: z.string(),
		account: ref.nullish(),
		domain_status: ref.nullish(),
		parent: ref.nullish(),
	})
	.passthrough();

export const userGroupSchema = z
	.object({
		id,
		name: z.string().nullish(),
		domain: ref.nullish(),
		user_count: z.number().nullish(),
	})
	.passthrough();

export const serviceSchema = z
	.object({
		id,
		service_type: z.string(),
		user_group: ref.nullish(),
		domain: ref.nullish(),
	})
	.passthrough();

export const userSchema = z
	.object({
		id,
		parent: ref.nullish(),
		user_type: ref,
		user_group: ref.nullish(),
		domain: ref.nullish(),
		primary_address: z.string().nullish(),
	})
	.passthrough();

export type Reseller = z.infer<typeof resellerSchema>;
export type Customer = z.infer<typeof customerSchema>;
export type Domain = z.infer<typeof domainSchema>;
export type UserGroup = z.infer<typeof userGroupSchema>;
export type GroupService = z.infer<typeof serviceSchema>;
export type User = z.infer<typeof userSchema>;
