// Tenant isolation sweep over every tRPC procedure, enumerated from the router itself: a procedure
// added tomorrow is covered without editing this file. Each procedure is called as a stranger
// (signed out), as each role of another MSP (owner, admin, technician, client admin, client viewer),
// and as a client admin and a client viewer of a sibling company, with every id that exists in the
// victim tenant in every id-shaped field of its input. Each call must be refused exactly as the same call with an id that exists nowhere (NOT_FOUND for a
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
import { populate, snapshot, tenant, tenantTables, type Tenant } from '../testing/tenant-fixture';
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
          : k === 'siblingAdmin' || k === 'siblingViewer'
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
    const incident = await prisma.incident.findFirstOrThrow({ where: { companyId: c1 } });
    const runbook = await prisma.runbook.findFirstOrThrow({ where: { mspId: victim.mspId } });
    const sample = [c1, victim.mspId, victim.users.admin, incident.id, runbook.id, victim.users.clientViewer];
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
      // Each lower role of another MSP, and a client viewer of the sibling company: every procedure,
      // with a sample of victim ids (the company, the MSP, a staff user, an incident, a runbook) to
      // keep the run within minutes; the owner and the client admin above take every id.
      ...(['admin', 'tech', 'clientAdmin', 'clientViewer'] as const).map((role) => ({
        name: `${role} of another MSP`,
        userId: attacker.users[role],
        own: attacker.companies[0]!,
        attack: sample,
        mustNotSee: all,
        except: null,
      })),
      {
        name: 'client viewer of a sibling company',
        userId: victim.users.siblingViewer,
        own: c2,
        attack: sample.filter((id) => owner.get(id) === c1),
        mustNotSee: all.filter((id) => owner.get(id) === c1),
        except: c2,
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
  }, 1_200_000);
});
