// Row-level security enforced on the app's own queries (issue 17): a signed-in person's tRPC call
// runs walled in to their MSP, a client user's to their company (`protectedProcedure` →
// `withTenant`, @aw/db), so a service whose
// query forgets the tenant filter still sees and changes none of another MSP's rows. The procedures
// below are deliberately unscoped queries mounted on the real `protectedProcedure` and called through
// the real context (session user, composition root, the app's Prisma client); each is also run
// outside the wall to show it would leak there (the test fails if the wall is taken away). Real
// procedures answer as before (company list).
import { randomBytes } from 'node:crypto';
import { createPrismaClient, withTenant, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { testRoot } from '../testing/services';
import type { Root } from './composition';
import { createCaller as createAppCaller } from './root';
import { populate, tenant, type Tenant } from './testing/tenant-fixture';
import { createCallerFactory, createContext, protectedProcedure, router } from './trpc';

const [target] = inject('pgTargets');

/** Services that forgot their tenant filter. */
const leaky = router({
  incidents: protectedProcedure.query(({ ctx }) =>
    ctx.prisma.incident.findMany({ select: { mspId: true, companyId: true } }),
  ),
  alertsWithCompany: protectedProcedure.query(({ ctx }) =>
    ctx.services.prisma.alert.findMany({ select: { companyId: true, company: { select: { mspId: true } } } }),
  ),
  memberships: protectedProcedure.query(({ ctx }) =>
    ctx.prisma.membership.findMany({ select: { mspId: true, companyId: true } }),
  ),
  raw: protectedProcedure.query(
    ({ ctx }) => ctx.prisma.$queryRaw<{ mspId: string }[]>`SELECT "mspId"::text AS "mspId" FROM "ApiKey"`,
  ),
  interactive: protectedProcedure.query(({ ctx }) =>
    ctx.prisma.$transaction(async (tx) => ({
      companies: await tx.company.findMany({ select: { mspId: true, id: true } }),
      secrets: await tx.webhookSecret.count(),
    })),
  ),
  batch: protectedProcedure.query(async ({ ctx }) => {
    const [msps, runbooks] = await ctx.prisma.$transaction([
      ctx.prisma.msp.findMany({ select: { id: true } }),
      ctx.prisma.runbook.findMany({ select: { mspId: true } }),
    ]);
    return { msps, runbooks };
  }),
  retitleAll: protectedProcedure.mutation(({ ctx }) =>
    ctx.prisma.incident.updateMany({ data: { title: 'retitled by a leaky service' } }),
  ),
  plantSilence: protectedProcedure
    .input(z.object({ mspId: z.string(), companyId: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.prisma.silence.create({ data: { ...input, endsAt: new Date(Date.now() + 3_600_000) } }),
    ),
});

describe('row-level security on the tRPC request path', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  let a: Tenant;
  let b: Tenant;
  const leakyAs = async (userId: string) =>
    createCallerFactory(leaky)(await createContext({ userId, services: root }));
  const appAs = async (userId: string) => createAppCaller(await createContext({ userId, services: root }));

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    root = testRoot(db.url, { prisma });
    a = await tenant(prisma, 'Alpha', 'x', `ALPHA${randomBytes(3).toString('hex')}`);
    b = await tenant(prisma, 'Bravo', 'x', 'bravo');
    await populate(prisma, a, 'ALPHA');
    await populate(prisma, b, 'BRAVO');
  });
  afterAll(async () => {
    await root?.stop();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('an unscoped read shows MSP staff only their own MSP, where the owner role shows both', async () => {
    const api = await leakyAs(a.users.owner);
    const incidents = await api.incidents();
    expect(incidents.length).toBeGreaterThan(0);
    expect(new Set(incidents.map((i) => i.mspId))).toEqual(new Set([a.mspId]));
    // The same query outside the wall (the tables' owner) sees B's rows: this is what the wall stops.
    const unwalled = await prisma.incident.findMany({ select: { mspId: true } });
    expect(new Set(unwalled.map((i) => i.mspId))).toEqual(new Set([a.mspId, b.mspId]));

    const alerts = await api.alertsWithCompany();
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((x) => x.company.mspId === a.mspId)).toBe(true);
    const raw = await api.raw();
    expect(raw.length).toBeGreaterThan(0);
    expect(new Set(raw.map((r) => r.mspId))).toEqual(new Set([a.mspId]));
  });

  it('walls in interactive and batch transactions too', async () => {
    const api = await leakyAs(a.users.admin);
    const tx = await api.interactive();
    expect(tx.companies.map((c) => c.id).sort()).toEqual([...a.companies].sort());
    expect(tx.secrets).toBe(await prisma.webhookSecret.count({ where: { company: { mspId: a.mspId } } }));
    const batch = await api.batch();
    expect(batch.msps).toEqual([{ id: a.mspId }]);
    expect(batch.runbooks.every((r) => r.mspId === a.mspId)).toBe(true);
  });

  it('walls a client user in to their company and the MSP shared rows, where MSP staff see every company', async () => {
    const [first, second] = a.companies as [string, string];
    // The fixture's rows are all in the first company; the sibling users belong to the second.
    const staff = await (await leakyAs(a.users.tech)).incidents();
    expect(new Set(staff.map((i) => i.companyId))).toEqual(new Set([first]));
    const sibling = await leakyAs(a.users.siblingViewer);
    expect(await sibling.incidents()).toEqual([]);
    expect(await sibling.alertsWithCompany()).toEqual([]);
    expect((await sibling.interactive()).companies.map((c) => c.id)).toEqual([second]);
    // Rows with no company are the MSP's shared rows: staff memberships and the runbook catalog stay
    // visible; the first company's client memberships do not.
    const memberships = await sibling.memberships();
    expect(new Set(memberships.map((m) => m.companyId))).toEqual(new Set([null, second]));
    expect(memberships.every((m) => m.mspId === a.mspId)).toBe(true);
    const catalog = await prisma.runbook.count({ where: { mspId: a.mspId } });
    expect(catalog).toBeGreaterThan(0);
    expect((await sibling.batch()).runbooks).toHaveLength(catalog);
    // The first company's own client user sees its rows.
    const own = await (await leakyAs(a.users.clientViewer)).incidents();
    expect(own.length).toBe(staff.length);
  });

  it("refuses a client user's write into a sibling company and changes none of its rows", async () => {
    const first = a.companies[0]!;
    const api = await leakyAs(a.users.siblingAdmin);
    const silences = await prisma.silence.count({ where: { companyId: first } });
    await expect(api.plantSilence({ mspId: a.mspId, companyId: first })).rejects.toThrow(
      /row-level security|violates/,
    );
    expect(await prisma.silence.count({ where: { companyId: first } })).toBe(silences);
    const titles = await prisma.incident.findMany({ where: { companyId: first }, select: { title: true } });
    expect((await api.retitleAll()).count).toBe(0);
    expect(await prisma.incident.findMany({ where: { companyId: first }, select: { title: true } })).toEqual(
      titles,
    );
  });

  it("an unscoped write changes only the caller's rows, and a write into another tenant is refused", async () => {
    const api = await leakyAs(a.users.owner);
    const bTitles = await prisma.incident.findMany({ where: { mspId: b.mspId }, select: { title: true } });
    const { count } = await api.retitleAll();
    expect(count).toBe(await prisma.incident.count({ where: { mspId: a.mspId } }));
    expect(await prisma.incident.findMany({ where: { mspId: b.mspId }, select: { title: true } })).toEqual(
      bTitles,
    );
    const bSilences = await prisma.silence.count({ where: { mspId: b.mspId } });
    await expect(api.plantSilence({ mspId: b.mspId, companyId: b.companies[0]! })).rejects.toThrow(
      /row-level security|violates/,
    );
    expect(await prisma.silence.count({ where: { mspId: b.mspId } })).toBe(bSilences);
  });

  it('real procedures answer as before under the wall', async () => {
    const companies = await (await appAs(a.users.owner)).company.list();
    expect(companies.map((c) => c.id).sort()).toEqual([...a.companies].sort());
  });

  it('does not carry the tenant into the next query on the same pooled connection', async () => {
    await withTenant({ mspId: b.mspId }, () => prisma.incident.count());
    expect(
      new Set((await prisma.incident.findMany({ select: { mspId: true } })).map((i) => i.mspId)),
    ).toEqual(new Set([a.mspId, b.mspId]));
  });
});
