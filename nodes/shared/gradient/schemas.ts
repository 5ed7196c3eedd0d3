import { z } from 'zod';

// Gradient ids are strings; numbers are tolerated and read as text.
const id = z.union([z.string().min(1), z.number()]).transform(String);

/** Some routes wrap their payload in {status, data, message}; others answer it bare. */
export function unwrap(body: unknown): unknown {
	if (body && typeof body === 'object' && !Array.isArray(body) && 'data' in body) {
		const data = (body as { data: unknown }).data;
		if (data && typeof data === 'object') return data;
	}
	return body;
}

export const organizationSchema = z
	.object({
		organizationId: id,
		name: z.string().nullish(),
		status: z.string().nullish(),
	})
	.passthrough();

export const accountSchema = z
	.object({
		id,
		name: z.string(),
		description: z.string().nullish(),
		isMapped: z.boolean().nullish(),
		mappingId: z.string().nullish(),
	})
	.passthrough();

export const skuSchema = z
	.object({
		id: id.optional(),
		_id: id.optional(),
		name: z.string(),
		category: z.string().nullish(),
		subcategory: z.string().nullish(),
	})
	.passthrough()
	.refine((s) => s.id !== undefined || s._id !== undefined, { message: 'a service has no id' })
	.transform((s) => ({ ...s, id: (s.id ?? s._id) as string }));

export const vendorSchema = z.object({ skus: z.array(skuSchema).default([]) }).passthrough();

export const clientsPageSchema = z
	.object({
		clients: z.array(z.object({ id, name: z.string() }).passthrough()).default([]),
	})
	.passthrough();

export const alertCreatedSchema = z
	.object({ messageId: z.string().nullish(), alertId: z.string().nullish() })
	.passthrough();

export const alertDebugSchema = z
	.object({
		status: z.string().nullish(),
		ticketId: z.union([z.string(), z.number()]).nullish(),
		message: z.string().nullish(),
		statusCode: z.number().nullish(),
		errors: z.array(z.string()).nullish(),
	})
	.passthrough();

export type Organization = z.infer<typeof organizationSchema>;
export type Account = z.infer<typeof accountSchema>;
export type Sku = z.infer<typeof skuSchema>;
export type PsaClient = z.infer<typeof clientsPageSchema>['clients'][number];
export type AlertDebug = z.infer<typeof alertDebugSchema>;

export const CATEGORIES = [
	'security',
	'backup',
	'productivity',
	'infrastructure',
	'service delivery',
	'consulting',
	'other',
] as const;

// Verbatim from Gradient's SDK, misspellings included: the server compares case-sensitively.
export const SUBCATEGORIES = [
	'endpoint detection and response (EDR)',
	'email security',
	'virtual private network services (VPN)',
	'DNS filtering',
	'dark web monitoring',
	'password management',
	'single sign on (SSO)',
	'priviledged access and identity management (PAM/PIM)',
	'security information and event management (SIEM)',
	'mobile device management (MDM)',
	'application security',
	'mobile application management (MAM)',
	'multi factor authentication (MFA)',
	'cloud backup',
	'local backup',
	'desktop backup',
	'data archiving',
	'physical offsite storage',
	'business continuity',
	'hosted email',
	'video conferencing',
	'voice over IP services (VOIP)',
	'line of business application support',
	'unified communications as a service (UCaaS)',
	'customer relationship management',
	'cloud storage',
	'website hosting',
	'hardware as a service (HaaS)',
	'managed print services',
	'virtual desktop infrastructure (VDI)',
	'virtual server hosting',
	'infrastructure as a service (IaaS)',
	'end user support',
	'server management and support',
	'network management and support',
	'printer management and support',
	'desktop management and support',
	'hosted security operations centre (SOC)',
	'software development',
	'penetration testing',
	'project services',
	'governance and compliance',
	'business intelligence services / analytics',
	'phishing simulation',
	'privacy and security awareness training',
	'other',
] as const;

export const INTEGRATION_STATUSES = ['inactive', 'pending', 'active'] as const;
