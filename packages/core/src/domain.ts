// The shared vocabulary: each value list declared once, here; Prisma's enums, zod enums and the
// UI derive from these (a type test in domain.test.ts keeps Prisma's generated enums equal).

/** Alert and incident severities, most severe first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where an incident stands. */
export const INCIDENT_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Membership roles: MSP staff first, then the client company's people. */
export const ROLES = ['OWNER', 'ADMIN', 'TECHNICIAN', 'CLIENT_ADMIN', 'CLIENT_VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** MSP staff see every company of their MSP. */
export const STAFF_ROLES = ['OWNER', 'ADMIN', 'TECHNICIAN'] as const satisfies readonly Role[];
/** Client people see only their own company (their membership carries its id). */
export const CLIENT_ROLES = ['CLIENT_ADMIN', 'CLIENT_VIEWER'] as const satisfies readonly Role[];

export function isStaffRole(role: Role): boolean {
  return (STAFF_ROLES as readonly Role[]).includes(role);
}

export function isClientRole(role: Role): boolean {
  return (CLIENT_ROLES as readonly Role[]).includes(role);
}

/**
 * The one interface between ingestion and correlation. Ingestion calls it after the transaction
 * that stored the alerts has committed, with the ids of newly created rows (all
 * `decision = 'PENDING'`); the correlation worker implements it. Errors are logged and ignored: the
 * worker sweeps PENDING alerts on restart, so a crash or failure after commit loses nothing.
 */
export interface AlertSink {
  alertsStored(batch: { companyId: string; alertIds: bigint[] }[]): void | Promise<void>;
}

/** Who called a site endpoint (the operator of a cluster): the company behind its site API key. */
export interface SiteCaller {
  companyId: string;
  mspId: string;
  apiKeyId: string;
}

/**
 * Checks the site key, its scope and the signature over the exact body bytes (read under `limit`
 * while they stream) and returns the caller with those bytes; throws an AppError (401/403/413/415/
 * 429) otherwise. Implemented by ingestion (`createSiteAuthenticator(...).raw`), used by the site
 * endpoints in packages/aws.
 */
export type SiteAuthenticate = (
  req: Request,
  opts: { methods: readonly string[]; limit: number },
) => Promise<{ caller: SiteCaller; raw: Uint8Array }>;
