// The tenant fixture shared by the isolation sweeps (tRPC: routers/tenant-sweep, HTTP:
// app/api/route-sweep): two MSPs with two companies each, a user per role, one row in every
// tenant-owned table, and a count + checksum of a tenant's rows read from the live schema.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@aw/db';

export interface Tenant {
  mspId: string;
  companies: string[];
  users: Record<
    'owner' | 'admin' | 'tech' | 'clientAdmin' | 'clientViewer' | 'siblingAdmin' | 'siblingViewer',
    string
  >;
}

export async function tenant(
  prisma: PrismaClient,
  tag: string,
  passwordHash: string,
  MARK: string,
): Promise<Tenant> {
  const msp = await prisma.msp.create({ data: { name: `${tag} MSP`, slug: `${tag.toLowerCase()}-msp` } });
  const mark = (n: number) => (n === 1 ? MARK : 'plain');
  const companies: string[] = [];
  for (const n of [1, 2]) {
    const c = await prisma.company.create({
      data: {
        mspId: msp.id,
        name: `${tag} company ${n} ${mark(n)}`,
        slug: `${tag.toLowerCase()}-c${n}`,
        awsExternalId: `${tag}-${n}-${randomUUID()}`,
      },
    });
    companies.push(c.id);
  }
  const user = async (
    role: string,
    dbRole: 'OWNER' | 'ADMIN' | 'TECHNICIAN' | 'CLIENT_ADMIN' | 'CLIENT_VIEWER',
    companyId: string | null,
  ) => {
    const name = `${tag} ${role} ${companyId === companies[0] ? MARK : ''}`.trim();
    const u = await prisma.user.create({
      data: { email: `${role}@${tag.toLowerCase()}.test`, name, passwordHash },
    });
    await prisma.membership.create({ data: { userId: u.id, mspId: msp.id, companyId, role: dbRole } });
    return u.id;
  };
  return {
    mspId: msp.id,
    companies,
    users: {
      owner: await user('owner', 'OWNER', null),
      admin: await user('admin', 'ADMIN', null),
      tech: await user('tech', 'TECHNICIAN', null),
      clientAdmin: await user('clientadmin', 'CLIENT_ADMIN', companies[0]!),
      clientViewer: await user('clientviewer', 'CLIENT_VIEWER', companies[0]!),
      siblingAdmin: await user('siblingadmin', 'CLIENT_ADMIN', companies[1]!),
      siblingViewer: await user('siblingviewer', 'CLIENT_VIEWER', companies[1]!),
    },
  };
}

/** One row in each tenant-owned table of the victim's first company (and MSP-level rows). */
export async function populate(prisma: PrismaClient, t: Tenant, MARK: string) {
  const [c] = t.companies as [string];
  const base = { mspId: t.mspId, companyId: c };
  const now = new Date();
  const later = new Date(Date.now() + 86_400_000);
  const incident = await prisma.incident.create({
    data: {
      ...base,
      correlationKey: `${MARK}|disk`,
      openKey: `${MARK}|disk`,
      title: `${MARK} disk full`,
      asset: MARK,
      signature: 'disk_full',
      source: 'NATIVE',
      severity: 'HIGH',
      windowStart: now,
      windowEnd: later,
      firstSeenAt: now,
      lastSeenAt: now,
    },
  });
  await prisma.alert.create({
    data: {
      ...base,
      source: 'NATIVE',
      fingerprint: MARK,
      dedupKey: MARK,
      asset: MARK,
      signature: 'disk_full',
      severity: 'HIGH',
      status: 'FIRING',
      occurredAt: now,
      raw: { mark: MARK },
      decision: 'CORRELATED',
      incidentId: incident.id,
    },
  });
  await prisma.incidentEvent.create({ data: { ...base, incidentId: incident.id, type: 'note' } });
  await prisma.silence.create({ data: { ...base, endsAt: later } });
  await prisma.maintenanceWindow.create({ data: { ...base, name: MARK, startsAt: now, endsAt: later } });
  await prisma.inhibitionRule.create({ data: { ...base, name: MARK } });
  await prisma.apiKey.create({
    data: { ...base, name: MARK, prefix: `aw_${t.mspId.slice(0, 8)}`, hash: MARK },
  });
  await prisma.webhookSecret.create({ data: { ...base, ciphertext: MARK } });
  await prisma.genericMapping.create({ data: { ...base, name: MARK, paths: { asset: 'host' } } });
  const runbook = await prisma.runbook.create({
    data: { mspId: t.mspId, name: MARK, documentName: `MSP-${MARK}` },
  });
  await prisma.runbookPolicy.create({ data: { ...base, runbookId: runbook.id, signature: 'disk_full' } });
  await prisma.runbookExecution.create({ data: { ...base, runbookId: runbook.id } });
  await prisma.patchComplianceSnapshot.create({
    data: { ...base, instanceId: 'i-0123456789abcdef0', compliant: false },
  });
  await prisma.hybridActivation.create({
    data: {
      ...base,
      activationId: randomUUID(),
      iamRole: MARK,
      region: 'us-east-1',
      registrationLimit: 1,
      expiresAt: later,
    },
  });
  await prisma.managedNode.create({
    data: { ...base, instanceId: 'mi-0123456789abcdef0', pingStatus: 'Online', name: MARK },
  });
  await prisma.site.create({ data: { ...base, name: MARK } });
  await prisma.auditLog.create({ data: { ...base, action: MARK, targetType: 'company' } });
  await prisma.invitation.create({
    data: {
      ...base,
      email: `${MARK.toLowerCase()}@victim.test`,
      role: 'CLIENT_VIEWER',
      tokenHash: `${MARK}${t.mspId}`,
      expiresAt: later,
    },
  });
  await prisma.invitation.create({
    data: {
      mspId: t.mspId,
      email: `staff-${t.mspId}@victim.test`,
      role: 'TECHNICIAN',
      tokenHash: `staff${t.mspId}`,
      expiresAt: later,
    },
  });
}

/** Tables with a tenant column, read from the live schema (a new table is covered by itself). */
export async function tenantTables(
  prisma: PrismaClient,
): Promise<
  { table: string; col: 'mspId' | 'companyId'; hasCompany: boolean; hasId: boolean; idType: string }[]
> {
  const rows = await prisma.$queryRaw<{ table_name: string; cols: string[]; id_type: string | null }[]>`
    SELECT c.table_name, array_agg(c.column_name::text) AS cols,
           max(CASE WHEN c.column_name = 'id' THEN c.data_type END) AS id_type
    FROM information_schema.columns c
    WHERE c.table_schema = current_schema() GROUP BY c.table_name`;
  return rows
    .filter((r) => r.cols.includes('mspId') || r.cols.includes('companyId'))
    .map((r) => ({
      table: r.table_name,
      col: r.cols.includes('mspId') ? ('mspId' as const) : ('companyId' as const),
      hasCompany: r.cols.includes('companyId'),
      hasId: r.id_type !== null,
      idType: r.id_type ?? '',
    }));
}

/**
 * Count and checksum of the tenant's rows per table; `except`: a company whose own rows are left out
 * (the sibling company's client admin may change its own company, not company 1 or the MSP's rows).
 */
export async function snapshot(
  prisma: PrismaClient,
  t: Tenant,
  tables: Awaited<ReturnType<typeof tenantTables>>,
  except: string | null = null,
) {
  const out: Record<string, string> = {};
  for (const { table, col, hasCompany } of tables) {
    const ids = col === 'mspId' ? [t.mspId] : t.companies;
    const skip = except
      ? ` AND ${hasCompany ? `x."companyId" IS DISTINCT FROM '${except}'::uuid` : 'true'}` +
        (table === 'Company' ? ` AND x.id <> '${except}'::uuid` : '')
      : '';
    const [row] = await prisma.$queryRawUnsafe<{ n: bigint; h: string | null }[]>(
      `SELECT count(*) AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM "${table}" x WHERE x."${col}"::text = ANY($1)${skip}`,
      ids,
    );
    out[table] = `${row!.n}:${row!.h}`;
  }
  const [users] = await prisma.$queryRawUnsafe<{ h: string | null }[]>(
    `SELECT md5(string_agg(u::text, '|' ORDER BY u::text)) AS h FROM "User" u WHERE u.id::text = ANY($1)`,
    Object.values(t.users),
  );
  out.User = users!.h ?? '';
  return out;
}
