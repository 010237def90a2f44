// Per-company AWS credentials: STS AssumeRole into the company's role with its External ID, a
// session name naming the company and 15-minute sessions. One provider per company and role, cached
// until shortly before the session expires, shared by every SSM client of that company.
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

export type AwsCredentialIdentityProvider = ReturnType<typeof fromTemporaryCredentials>;
export type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

/** STS's minimum, the shortest exposure: credentials the platform holds live 15 minutes. */
export const SESSION_SECONDS = 900;
/** Refresh this long before expiry (the SDK clients also treat < 5 minutes left as expired). */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000 + 10_000;

export interface AssumeTarget {
  companyId: string;
  companySlug: string;
  roleArn: string;
  externalId: string;
  region: string;
  /** The fake's endpoint for simulated companies; undefined for real AWS. */
  endpoint?: string;
  /** The MSP's own credentials (source of AssumeRole); undefined: the SDK's default chain. */
  masterCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  durationSeconds?: number;
}

/** `AlertWhisperer-<slug>`: what the client sees in their CloudTrail as the session name. */
export function roleSessionName(companySlug: string): string {
  const safe = companySlug.replace(/[^\w+=,.@-]/g, '-');
  return `AlertWhisperer-${safe}`.slice(0, 64);
}

interface Entry {
  base: AwsCredentialIdentityProvider;
  current?: AwsCredentialIdentity;
  pending?: Promise<AwsCredentialIdentity>;
  provider: AwsCredentialIdentityProvider;
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly now: () => number = Date.now) {}

  /** The cached provider for this company and role (a new role ARN or External ID gets a new one). */
  provider(t: AssumeTarget): AwsCredentialIdentityProvider {
    const key = [
      t.companyId,
      t.roleArn,
      t.externalId,
      t.region,
      t.endpoint ?? '',
      t.durationSeconds ?? '',
    ].join('|');
    const existing = this.entries.get(key);
    if (existing) return existing.provider;
    for (const k of this.entries.keys()) if (k.startsWith(`${t.companyId}|`)) this.entries.delete(k);
    const base = fromTemporaryCredentials({
      params: {
        RoleArn: t.roleArn,
        ExternalId: t.externalId,
        RoleSessionName: roleSessionName(t.companySlug),
        DurationSeconds: t.durationSeconds ?? SESSION_SECONDS,
      },
      ...(t.masterCredentials ? { masterCredentials: t.masterCredentials } : {}),
      clientConfig: { region: t.region, ...(t.endpoint ? { endpoint: t.endpoint } : {}), maxAttempts: 4 },
    });
    const entry: Entry = {
      base,
      provider: async () => {
        const c = entry.current;
        if (c && (!c.expiration || c.expiration.getTime() - this.now() > REFRESH_BEFORE_EXPIRY_MS)) return c;
        entry.pending ??= base()
          .then((fresh) => {
            entry.current = fresh;
            return fresh;
          })
          .finally(() => {
            entry.pending = undefined;
          });
        return entry.pending;
      },
    };
    this.entries.set(key, entry);
    return entry.provider;
  }

  /** Forgets a company's session (test connection, role change). */
  invalidate(companyId: string): void {
    for (const [k, e] of this.entries) if (k.startsWith(`${companyId}|`)) e.current = undefined;
  }
}
