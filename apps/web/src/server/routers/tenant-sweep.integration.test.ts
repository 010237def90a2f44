// Tenant isolation sweep over every tRPC procedure, enumerated from the router itself: a procedure
// added tomorrow is covered without editing this file. Each procedure is called as a stranger
// (signed out), as the owner of another MSP, as a client admin of a sibling company and as a client
// viewer, with every id that exists in the victim tenant in every id-shaped field of its input. Each
// call must be refused exactly as the same call with an id that exists nowhere (NOT_FOUND for a
// missing row must not turn into FORBIDDEN for someone else's, nor the reverse), must return no
// victim data, and the victim's rows must be byte-for-byte unchanged afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appRouter, createCaller } from '../root';
import { buildInput, holdsId, type IdFill } from '../testing/zod-inputs';
import { createContext } from '../trpc';
import { testRoot } from '../../testing/services';
import type { Root } from '../../server/composition';

const [target] = inject('pgTargets');
const MARK = `VICTIM${randomBytes(4).toString('hex')}`;

type Procedure = { _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[] } };
const procedures = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures,
);

interface Tenant {
  mspId: string;
  companies: string[];
  users: Record<'owner' | 'admin' | 'tech' | 'clientAdmin' | 'clientViewer' | 'siblingAdmin', string>;
}

async function tenant(
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
    },
  };
}

/** One row in each tenant-owned table of the victim's first company (and MSP-level rows). */
async function populate(prisma: PrismaClient, t: Tenant, MARK: string) {
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
async function tenantTables(
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
async function snapshot(
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

type Outcome =
  { ok: true; json: string } | { ok: false; code: string; message: string; inputRejected: boolean };

async function call(root: Root, userId: string | null, path: string, input: unknown): Promise<Outcome> {
  const caller = createCaller(await createContext({ userId, services: root }));
  let fn: unknown = caller;
  for (const part of path.split('.')) fn = (fn as Record<string, unknown>)[part];
  try {
    const res = await (fn as (i: unknown) => Promise<unknown>)(input);
    return {
      ok: true,
      json: JSON.stringify(res, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null',
    };
  } catch (e) {
    if (e instanceof TRPCError)
      return { ok: false, code: e.code, message: e.message, inputRejected: e.cause instanceof ZodError };
    throw e;
  }
}

describe.each([target!])('tenant isolation sweep on $name', (pg) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  let victim: Tenant;
  let attacker: Tenant;
  let pool: { uuids: string[]; digits: string[] };
  let owner: Map<string, string | null>;

  beforeAll(async () => {
    db = await createTestDatabase(pg);
    prisma = createPrismaClient(db.url, { max: 4 });
    root = testRoot(db.url, { prisma });
    const passwordHash = await hashPassword('irrelevant password');
    victim = await tenant(prisma, 'Victim', passwordHash, MARK);
    attacker = await tenant(prisma, 'Attacker', passwordHash, 'attackerown');
    await populate(prisma, victim, MARK);
    await populate(prisma, attacker, 'attackerown');
    // Every victim id, with the company it belongs to (null: MSP-level).
    owner = new Map<string, string | null>([
      [victim.mspId, null],
      [victim.companies[0]!, victim.companies[0]!],
      [victim.companies[1]!, victim.companies[1]!],
    ]);
    for (const [k, id] of Object.entries(victim.users))
      owner.set(
        id,
        k === 'clientAdmin' || k === 'clientViewer'
          ? victim.companies[0]!
          : k === 'siblingAdmin'
            ? victim.companies[1]!
            : null,
      );
    const digits = new Set<string>();
    for (const t of await tenantTables(prisma)) {
      if (!t.hasId || t.col !== 'mspId') continue;
      const hasCompany =
        (
          await prisma.$queryRawUnsafe<{ n: bigint }[]>(
            `SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'companyId'`,
            t.table,
          )
        )[0]!.n > 0n;
      const rows = await prisma.$queryRawUnsafe<{ id: string; c: string | null }[]>(
        `SELECT id::text AS id, ${hasCompany ? '"companyId"::text' : t.table === 'Company' ? 'id::text' : 'NULL'} AS c FROM "${t.table}" WHERE "mspId" = $1::uuid`,
        victim.mspId,
      );
      for (const r of rows) {
        if (t.idType === 'uuid') owner.set(r.id, r.c);
        else digits.add(r.id);
      }
    }
    pool = { uuids: [...owner.keys()], digits: [...digits] };
  }, 120_000);
  afterAll(async () => {
    await root?.stop();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('refuses every procedure × identity × victim id, the same way as a missing id, and changes nothing', async () => {
    const tables = await tenantTables(prisma);
    const before = await snapshot(prisma, victim, tables, victim.companies[1]!);
    // `own`: the company the identity may name as its own; `attack`: victim ids it must not reach;
    // `mustNotSee`: victim ids (and the marker) that must never appear in an answer to it.
    const c1 = victim.companies[0]!;
    const c2 = victim.companies[1]!;
    const all = pool.uuids;
    const identities: {
      name: string;
      userId: string | null;
      own: string;
      attack: string[];
      mustNotSee: string[];
      /** Its own company, whose rows it may change. */
      except: string | null;
    }[] = [
      {
        name: 'signed out',
        userId: null,
        own: attacker.companies[0]!,
        attack: all,
        mustNotSee: all,
        except: null,
      },
      {
        name: 'owner of another MSP',
        userId: attacker.users.owner,
        own: attacker.companies[0]!,
        attack: all,
        mustNotSee: all,
        except: null,
      },
      {
        // A client admin of the victim MSP's other company: it may see MSP-level names (its MSP, the
        // staff who work its incidents), never company 1's rows.
        name: 'client admin of a sibling company',
        userId: victim.users.siblingAdmin,
        own: c2,
        // MSP-level rows (its MSP, the staff it may assign) are the permission matrix's business;
        // the line drawn here is between companies.
        attack: all.filter((id) => owner.get(id) === c1),
        mustNotSee: all.filter((id) => owner.get(id) === c1),
        except: c2,
      },
    ];
    const violations: string[] = [];
    const unexercised: string[] = [];
    let calls = 0;
    const tally = new Map<string, number>();
    const changedBy: string[] = [];
    for (const [path, proc] of procedures) {
      if (proc._def.type === 'subscription') continue;

      const schema = proc._def.inputs[0];
      for (const who of identities) {
        // Each identity's mutations against the victim's checksum, so a write names its caller.
        const pre = proc._def.type === 'mutation' ? await snapshot(prisma, victim, tables, who.except) : null;
        const ids: (string | null)[] = schema && holdsId(schema) ? who.attack : [null];
        const fillWith = (id: string | null, companyOwn: boolean): IdFill => ({
          uuid: (key) => (companyOwn && /company/i.test(key) ? who.own : (id ?? randomUUID())),
          digits: () =>
            id === null ? String(9_000_000_000 + Math.floor(Math.random() * 1e6)) : (pool.digits[0] ?? '1'),
        });
        for (const companyOwn of [false, true]) {
          const baselineInput = schema ? buildInput(schema, fillWith(null, companyOwn)) : undefined;
          const baseline = await call(root, who.userId, path, baselineInput);
          calls++;
          if (!baseline.ok && baseline.inputRejected && who.userId)
            unexercised.push(`${path} as ${who.name}: ${baseline.message.slice(0, 160)}`);
          for (const id of ids) {
            if (id === null && companyOwn) continue;
            const input = schema ? buildInput(schema, fillWith(id, companyOwn)) : undefined;
            const got = await call(root, who.userId, path, input);
            calls++;
            const label = `${path} as ${who.name} with ${id ?? 'no id'}${companyOwn ? ' (own company)' : ''}`;
            if (got.ok) {
              // Echoing the id the caller sent (e.g. "not found: <id>") tells it nothing new.
              if (got.json.includes(MARK) || who.mustNotSee.some((u) => u !== id && got.json.includes(u)))
                violations.push(`${label}: answered with victim data`);
              else if (id !== null && !baseline.ok)
                violations.push(`${label}: succeeded where a missing id gets ${baseline.code}`);
            } else {
              if (id !== null && (baseline.ok || baseline.code !== got.code))
                violations.push(
                  `${label}: ${got.code} (${got.message}) but a missing id gets ${baseline.ok ? 'success' : baseline.code}`,
                );
              if (who.userId === null && got.code !== 'UNAUTHORIZED')
                violations.push(`${label}: ${got.code} instead of UNAUTHORIZED`);
              tally.set(who.name, (tally.get(who.name) ?? 0) + 1);
            }
          }
        }
        if (pre) {
          const post = await snapshot(prisma, victim, tables, who.except);
          const diff = Object.keys(post).filter((k) => post[k] !== pre[k]);
          if (diff.length) changedBy.push(`${path} as ${who.name} changed the victim's ${diff.join(', ')}`);
        }
      }
    }
    const after = await snapshot(prisma, victim, tables, victim.companies[1]!);
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    console.log(
      `tenant sweep: ${procedures.length} procedures × ${identities.length} identities, ${calls} calls, ` +
        `${pool.uuids.length} victim ids over ${tables.length} tenant tables; refused: ` +
        [...tally].map(([k, v]) => `${k} ${v}`).join(', '),
    );
    expect(
      unexercised,
      'procedures whose generated input the schema rejected (extend zod-inputs.ts)',
    ).toEqual([]);
    // One line per procedure and kind of violation, with how many calls showed it.
    const grouped = new Map<string, number>();
    for (const v of violations) {
      const k = v.replace(/ with [0-9a-f-]{36}/, ' with <victim id>');
      grouped.set(k, (grouped.get(k) ?? 0) + 1);
    }
    expect([...grouped].map(([k, n]) => `${k} (×${n})`)).toEqual([]);
    expect(changedBy, 'procedures whose refused calls changed the victim').toEqual([]);
    expect(changed, 'victim tables changed by refused calls').toEqual([]);
  }, 600_000);
});
