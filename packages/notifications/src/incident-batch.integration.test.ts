import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { IncidentChangedEvent } from '@aw/correlation';
import { createHarness, type Harness } from './testing/harness.ts';
import { onIncidentChanged, onIncidentsChanged, triggersOf, triggersOfBatch } from './index.ts';

const target = inject('pgTargets')[0]!;

describe(`a turn's incident events at once on ${target.name}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  type Inc = Awaited<ReturnType<Harness['incident']>>;
  /** One turn of a busy company: opens, re-fires, severity steps up and down, flapping, ack, resolve. */
  const turn = (a: Inc, b: Inc, c: Inc): IncidentChangedEvent[] => [
    h.event(a, 'incident.created'),
    h.event(a, 'incident.updated', { alertCount: 2 }),
    h.event(b, 'incident.updated', { severity: 'CRITICAL' }), // b has no trigger state yet
    h.event(a, 'incident.updated', { severity: 'HIGH' }),
    h.event(a, 'incident.updated', { severity: 'CRITICAL' }),
    h.event(a, 'incident.updated', { severity: 'HIGH' }),
    h.event(a, 'incident.updated', { flapping: true }),
    h.event(a, 'incident.updated', { flapping: true }),
    h.event(b, 'incident.updated', { severity: 'CRITICAL', status: 'ACKNOWLEDGED' }),
    h.event(c, 'incident.created', { flapping: true }),
    h.event(c, 'incident.created'),
    h.event(b, 'incident.resolved'),
    h.event(c, 'incident.updated', { severity: 'CRITICAL' }),
  ];
  const state = async (ids: string[]) =>
    (
      await h.pool.query<{ incidentId: string; maxSeverity: string; flapping: boolean }>(
        `SELECT "incidentId"::text AS "incidentId", "maxSeverity"::text AS "maxSeverity", flapping
           FROM "NotificationIncidentState" WHERE "incidentId" = ANY($1::uuid[])`,
        [ids],
      )
    ).rows;

  it('gives the triggers and trigger state that the events give one by one', async () => {
    const co = await h.company('Batch');
    const make = async () => [
      await h.incident(co.id, { severity: 'MEDIUM', asset: 'db-01' }),
      await h.incident(co.id, { severity: 'LOW', asset: 'web-01' }),
      await h.incident(co.id, { severity: 'MEDIUM', asset: 'app-01' }),
    ];
    const one = await make();
    const all = await make();
    // Both sets start from the same prior state for the first incident (an earlier turn saw LOW).
    for (const i of [one[0]!, all[0]!])
      await triggersOf(h.deps, h.event(i, 'incident.updated', { severity: 'LOW' }));

    const sequential = [];
    for (const e of turn(one[0]!, one[1]!, one[2]!)) sequential.push(...(await triggersOf(h.deps, e)));
    const batched = await triggersOfBatch(h.deps, turn(all[0]!, all[1]!, all[2]!));

    const index = (set: Inc[]) => (id: string) => set.findIndex((i) => i.id === id);
    const shape = (ts: typeof batched, set: Inc[]) =>
      ts.map((t) => ({
        i: index(set)(t.incidentId),
        trigger: t.trigger,
        suffix: t.suffix,
        detail: t.detail,
      }));
    expect(shape(batched, all)).toEqual(shape(sequential, one));
    expect(shape(batched, all).map((t) => t.trigger)).toContain('incident.severity_raised');
    expect(shape(batched, all).map((t) => t.trigger)).toContain('incident.flapping');

    const st = (rows: Awaited<ReturnType<typeof state>>, set: Inc[]) =>
      rows
        .map((r) => ({ i: index(set)(r.incidentId), maxSeverity: r.maxSeverity, flapping: r.flapping }))
        .sort((x, y) => x.i - y.i);
    const seqState = st(await state(one.map((i) => i.id)), one);
    expect(st(await state(all.map((i) => i.id)), all)).toEqual(seqState);
    expect(seqState).toEqual([
      { i: 0, maxSeverity: 'CRITICAL', flapping: true },
      { i: 1, maxSeverity: 'CRITICAL', flapping: false },
      { i: 2, maxSeverity: 'CRITICAL', flapping: true },
    ]);
  });

  it('queues the deliveries of the events one by one, and nothing for an MSP with nothing to deliver to', async () => {
    const co = await h.company('Deliver');
    const ch = await h.channel({
      kind: 'WEBHOOK',
      name: 'batch',
      url: `${h.receivers.webhook.url}/batch`,
      signingSecret: 'sixteen-chars-or-more',
    });
    await h.policy({
      companyId: co.id,
      channelIds: [ch],
      triggers: ['incident.opened', 'incident.severity_raised', 'incident.resolved', 'incident.flapping'],
    });
    const make = async () => [
      await h.incident(co.id, { severity: 'MEDIUM', asset: 'db-01' }),
      await h.incident(co.id, { severity: 'LOW', asset: 'web-01' }),
      await h.incident(co.id, { severity: 'MEDIUM', asset: 'app-01' }),
    ];
    const one = await make();
    const all = await make();
    let sequential = 0;
    for (const e of turn(one[0]!, one[1]!, one[2]!))
      sequential += (await onIncidentChanged(h.deps, e)).length;
    const batched = await onIncidentsChanged(h.deps, turn(all[0]!, all[1]!, all[2]!));
    expect(sequential).toBeGreaterThan(3);
    expect(batched).toHaveLength(sequential);

    // Another MSP with no policy, PSA connection or ticket: the state is kept, nothing is queued.
    const other = await h.prisma.msp.create({ data: { name: 'Quiet', slug: `quiet-${Date.now()}` } });
    const qco = await h.company('Quiet', 'UTC', other.id);
    const [a, b, c] = [
      await h.incident(qco.id, { severity: 'MEDIUM' }),
      await h.incident(qco.id, { severity: 'LOW' }),
      await h.incident(qco.id, { severity: 'MEDIUM' }),
    ];
    expect(await onIncidentsChanged(h.deps, turn(a!, b!, c!))).toEqual([]);
    expect(await state([a!.id, b!.id, c!.id])).toHaveLength(3);
    const queued = await h.prisma.notificationDelivery.count({ where: { mspId: other.id } });
    expect(queued).toBe(0);
  });

  it('plans its reads once per connection, not on every turn', async () => {
    // One connection, so every call below runs in the session whose prepared statements are read.
    const one = new pg.Pool({ connectionString: h.pool.options.connectionString, max: 1 });
    try {
      const co = await h.company('Plans');
      for (let turnNo = 0; turnNo < 8; turnNo++) {
        const i = await h.incident(co.id, { severity: 'MEDIUM', asset: `plans-${turnNo}` });
        await onIncidentsChanged({ ...h.deps, pool: one }, [h.event(i, 'incident.created')]);
      }
      const { rows } = await one.query<{ statement: string; generic: number; custom: number }>(
        `SELECT statement, generic_plans::int AS generic, custom_plans::int AS custom
           FROM pg_prepared_statements
          WHERE statement LIKE '%FROM "NotificationIncidentState"%' OR statement LIKE '%"NotificationPolicy"%'`,
      );
      expect(rows).toHaveLength(2);
      // PostgreSQL's default tries five custom plans, then keeps the generic one when it is no dearer.
      for (const r of rows)
        expect([r.statement.slice(0, 40), r.custom, r.generic]).toEqual([r.statement.slice(0, 40), 5, 3]);
    } finally {
      await one.end();
    }
  });
});
