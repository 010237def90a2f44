import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestbed, type Testbed } from '../../../testing/testbed';

const [target] = inject('pgTargets');

describe('runbooks procedures: tenancy and roles', () => {
  let t: Testbed;
  let prisma: Testbed['prisma'];
  const ids: Record<string, string> = {};
  const as = (userId: string) => t.as(userId);

  beforeAll(async () => {
    t = await createTestbed(target!);
    prisma = t.prisma;
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${m}`, slug: `rb-${m}` } });
      ids[`msp${m}`] = msp.id;
      const rb = await prisma.runbook.create({
        data: { mspId: msp.id, name: 'MSP-ServiceRestart', documentName: 'MSP-ServiceRestart' },
      });
      for (const c of ['1', '2']) {
        const company = await prisma.company.create({
          data: { mspId: msp.id, name: `${m}${c}`, slug: `${m}${c}`, awsExternalId: `rb-x${m}${c}` },
        });
        ids[`${m}${c}`] = company.id;
        const inc = await prisma.incident.create({
          data: {
            mspId: msp.id,
            companyId: company.id,
            correlationKey: 'k',
            openKey: 'k',
            title: 't',
            asset: `${m}${c}-web`,
            signature: 'service_down',
            source: 'NATIVE',
            severity: 'HIGH',
            windowStart: new Date(),
            windowEnd: new Date(),
            firstSeenAt: new Date(),
            lastSeenAt: new Date(),
          },
        });
        ids[`inc${m}${c}`] = inc.id;
        const e = await prisma.runbookExecution.create({
          data: {
            mspId: msp.id,
            companyId: company.id,
            runbookId: rb.id,
            incidentId: inc.id,
            status: 'PENDING_APPROVAL',
            automatic: true,
            parameters: { ServiceName: 'nginx' },
          },
        });
        ids[`ex${m}${c}`] = e.id;
      }
      ids[`tech${m}`] = await t.member(`rb-tech@${m}.test`, msp.id, 'TECHNICIAN');
    }
    ids.client = await t.member('rb-admin@a1.test', ids.mspa!, 'CLIENT_ADMIN', ids.a1);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a client admin sees only their company’s executions and cannot approve or run', async () => {
    const c = await as(ids.client!);
    const list = await c.runbooks.executions.list({});
    expect(list.map((e) => e.id)).toEqual([ids.exa1]);
    const panel = await c.runbooks.incident({ incidentId: ids.inca1! });
    expect(panel.executions.map((e) => e.status)).toEqual(['PENDING_APPROVAL']);
    await expect(c.runbooks.incident({ incidentId: ids.inca2! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(c.runbooks.executions.approve({ executionId: ids.exa1! })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      c.runbooks.executions.run({ incidentId: ids.inca1!, runbookId: panel.runbooks[0]!.id, parameters: {} }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.runbooks.policies.list({ companyId: ids.a2! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await prisma.runbookExecution.findUniqueOrThrow({ where: { id: ids.exa1! } })).status).toBe(
      'PENDING_APPROVAL',
    );
  });

  it('staff of another MSP can neither see nor approve', async () => {
    const b = await as(ids.techb!);
    expect((await b.runbooks.executions.list({})).map((e) => e.id).sort()).toEqual(
      [ids.exb1, ids.exb2].sort(),
    );
    await expect(b.runbooks.executions.approve({ executionId: ids.exa1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(b.runbooks.incident({ incidentId: ids.inca1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('a technician’s ad hoc run with shell in a parameter is refused with the field, and nothing is created', async () => {
    const a = await as(ids.techa!);
    const panel = await a.runbooks.incident({ incidentId: ids.inca2! });
    const restart = panel.runbooks.find((r) => r.name === 'MSP-ServiceRestart')!;
    expect(restart.parameters.find((p) => p.name === 'ServiceName')).toMatchObject({ value: '' });
    const before = await prisma.runbookExecution.count();
    await expect(
      a.runbooks.executions.run({
        incidentId: ids.inca2!,
        runbookId: restart.id,
        parameters: { ServiceName: 'nginx; rm -rf /' },
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('ServiceName does not match'),
    });
    expect(await prisma.runbookExecution.count()).toBe(before);
  });

  it('only owners and admins change policies; parameters must belong to the document', async () => {
    const a = await as(ids.techa!);
    await expect(
      a.runbooks.policies.save({
        companyId: ids.a1!,
        runbookName: 'MSP-DiskCleanup',
        signature: 'disk_full',
        mode: 'AUTO',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const owner = await prisma.user.create({
      data: { email: 'rb-owner@a.test', name: 'o', passwordHash: 'x' },
    });
    await prisma.membership.create({ data: { userId: owner.id, mspId: ids.mspa!, role: 'OWNER' } });
    const o = await as(owner.id);
    await expect(
      o.runbooks.policies.save({
        companyId: ids.a1!,
        runbookName: 'MSP-DiskCleanup',
        signature: 'disk_full',
        mode: 'AUTO',
        parameters: { Rm: 'x' },
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'parameters.Rm: not a parameter of MSP-DiskCleanup',
    });
    await expect(
      o.runbooks.policies.save({
        companyId: ids.b1!,
        runbookName: 'MSP-DiskCleanup',
        signature: 'disk_full',
        mode: 'AUTO',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const p = await o.runbooks.policies.save({
      companyId: ids.a1!,
      runbookName: 'MSP-DiskCleanup',
      signature: 'disk_full',
      mode: 'AUTO',
      parameters: { OlderThanDays: '{{labels.days}}' },
    });
    expect((await o.runbooks.policies.list({ companyId: ids.a1! })).map((x) => x.id)).toEqual([p.id]);
  });
});
