// The group-commit writer walled in by row-level security (issue 17). Each transaction runs as
// `aw_tenant` with `aw.ingest_scope` naming the companies of the API keys that authenticated its
// requests, so a row for any other company is refused by PostgreSQL even when the writer is handed
// one (a deliberately mis-scoped request: the key of company A, rows for company B), while correct
// batches spanning companies of several MSPs still commit in one transaction. A trigger records the
// role and scope of every alert insert. The intake's signing-secret reads are walled in the same way.
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { withTenantScope } from '@aw/db/tenant-scope';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { finalizeAlerts } from './fingerprint.ts';
import { normalizeNative } from './normalizers/index.ts';
import { CredentialStore } from './auth.ts';
import { createTenants, TEST_ENCRYPTION_KEY } from './testing/tenants.ts';
import { GROUP_COMMIT_SQL, walledQuery } from './writer-sql.ts';
import type { Logger, NormalizedAlert } from './types.ts';
import { GroupCommitWriter, type WriteOutcome, type WriteRequest } from './writer.ts';

const targets = inject('pgTargets');

async function alerts(tag: string, n = 2): Promise<NormalizedAlert[]> {
  const body = Array.from({ length: n }, (_, i) => ({
    asset: `${tag}-${i}`,
    signature: 'disk_full',
    severity: 'high',
  }));
  return finalizeAlerts(normalizeNative(body, { receivedAt: new Date() }).alerts);
}

describe.each(targets)('the writer behind row-level security on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let t: Awaited<ReturnType<typeof createTenants>>;
  const errors: { msg: string; data?: Record<string, unknown> }[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (msg, data) => errors.push({ msg, data }) };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 2 });
    pool = createPool(db.url, { max: 4 });
    t = await createTenants(prisma);
    // Who writes each alert, and under which scope (the trigger runs as the writing role).
    await pool.query(`CREATE TABLE wall_log (role text, scope text, company uuid)`);
    await pool.query(`GRANT INSERT ON wall_log TO aw_tenant`);
    await pool.query(`CREATE FUNCTION wall_log_fn() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO wall_log VALUES (current_user, current_setting('aw.ingest_scope', true), NEW."companyId");
      RETURN NEW; END $$`);
    await pool.query(
      `CREATE TRIGGER wall_log AFTER INSERT ON "Alert" FOR EACH ROW EXECUTE FUNCTION wall_log_fn()`,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await prisma?.$disconnect();
    await db?.drop();
  });

  const request = (
    key: { keyId: string },
    tenant: { id: string; mspId: string },
    list: NormalizedAlert[],
    extra: Partial<WriteRequest> = {},
  ): WriteRequest => ({
    companyId: tenant.id,
    mspId: tenant.mspId,
    apiKeyId: key.keyId,
    alerts: list,
    idempotencyKey: null,
    nonce: null,
    reply: (stored) => ({ status: 202, body: { accepted: stored.length } }),
    ...extra,
  });
  const count = (companyId: string, prefix: string) =>
    prisma.alert.count({ where: { companyId, asset: { startsWith: prefix } } });

  it('commits a batch of companies of two MSPs in one transaction, walled in to exactly their companies', async () => {
    const writer = new GroupCommitWriter(pool, { logger });
    const outcomes = await Promise.all([
      writer.submit(request(t.a, t.a, await alerts('multi-a'))),
      writer.submit(request(t.a2, t.a2, await alerts('multi-a2'))),
      writer.submit(request(t.b, t.b, await alerts('multi-b'))),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'stored', 'stored']);
    expect(writer.stats).toMatchObject({ transactions: 1, requests: 3, maxBatchRequests: 3 });
    expect(await count(t.a.id, 'multi-a-')).toBe(2);
    expect(await count(t.a2.id, 'multi-a2-')).toBe(2);
    expect(await count(t.b.id, 'multi-b-')).toBe(2);
    const log = await pool.query<{ role: string; scope: string; company: string }>(
      `SELECT role, scope, company FROM wall_log`,
    );
    expect(log.rows).toHaveLength(6);
    for (const r of log.rows) {
      expect(r.role).toBe('aw_tenant');
      expect(JSON.parse(r.scope)).toEqual({
        [t.a.id]: t.a.mspId,
        [t.a2.id]: t.a2.mspId,
        [t.b.id]: t.b.mspId,
      });
    }
    // Bookkeeping went through the wall too.
    const c = await prisma.company.findMany({ where: { id: { in: [t.a.id, t.b.id] } } });
    expect(c.every((x) => x.firstAlertAt)).toBe(true);
  });

  it.each([
    ['one statement (no Idempotency-Key)', null],
    ['the explicit transaction (Idempotency-Key)', 'idem'],
  ])(
    'refuses rows for another company in a batch authenticated only for company A: %s',
    async (_name, idem) => {
      const tag = idem ? 'tx' : 'st';
      const writer = new GroupCommitWriter(pool, { logger });
      errors.length = 0;
      const withIdem = (k: string) => (idem ? { idempotencyKey: `${idem}-${k}` } : {});
      const [good, intoB, intoMspB, good2] = await Promise.all([
        writer.submit(request(t.a, t.a, await alerts(`${tag}-good-a`), withIdem('1'))),
        // A's key, B's company (another MSP): what a bug routing rows by the body would do.
        writer.submit(request(t.a, t.b, await alerts(`${tag}-wrong-b`), withIdem('2'))),
        // A's key and company but B's MSP on the row.
        writer.submit(
          request(t.a, { id: t.a.id, mspId: t.b.mspId }, await alerts(`${tag}-wrong-msp`), withIdem('3')),
        ),
        // A's key, A2's company (same MSP, not authenticated in this batch).
        writer.submit(request(t.a, t.a2, await alerts(`${tag}-wrong-a2`), withIdem('4'))),
      ]);
      expect(good.kind).toBe('stored');
      for (const o of [intoB, intoMspB, good2] as WriteOutcome[]) expect(o.kind).toBe('unavailable');
      expect(await count(t.a.id, `${tag}-good-a-`)).toBe(2);
      expect(await count(t.b.id, `${tag}-wrong-b-`)).toBe(0);
      expect(await prisma.alert.count({ where: { asset: { startsWith: `${tag}-wrong-msp-` } } })).toBe(0);
      expect(await count(t.a2.id, `${tag}-wrong-a2-`)).toBe(0);
      // Nothing else of the refused requests either: no idempotency claim, no nonce.
      if (idem)
        expect(await prisma.idempotencyRecord.count({ where: { key: { startsWith: `${idem}-` } } })).toBe(1);
      const refusals = errors.filter((e) => e.msg === 'commit refused by the tenant wall');
      expect(refusals).toHaveLength(3);
      expect(String(refusals[0]!.data?.error)).toMatch(/row-level security/);
    },
  );

  it('hands its one connection back unwalled after a refused and after a committed batch', async () => {
    // One connection: whatever the writer did on it, the next user of the pool gets it.
    const one = createPool(db.url, { max: 1 });
    try {
      const writer = new GroupCommitWriter(one, { logger });
      const who = async () =>
        (
          await one.query<{ role: string; scope: string | null }>(
            `SELECT current_user AS role, nullif(current_setting('aw.ingest_scope', true), '') AS scope`,
          )
        ).rows[0]!;
      const owner = await who();
      expect(owner.role).not.toBe('aw_tenant');
      expect((await writer.submit(request(t.a, t.b, await alerts('reuse-wrong-b')))).kind).toBe(
        'unavailable',
      );
      expect(await who()).toEqual(owner);
      expect((await writer.submit(request(t.a, t.a, await alerts('reuse-good-a')))).kind).toBe('stored');
      expect(await who()).toEqual(owner);
      expect(await count(t.a.id, 'reuse-good-a-')).toBe(2);
    } finally {
      await one.end();
    }
  });

  it('refuses a replay nonce for another company', async () => {
    const writer = new GroupCommitWriter(pool, { logger });
    const nonce = { signature: 'f'.repeat(64), expiresAt: new Date(Date.now() + 600_000) };
    const o = await writer.submit(request(t.a, t.b, [], { nonce }));
    expect(o.kind).toBe('unavailable');
    expect(await prisma.replayNonce.count({ where: { companyId: t.b.id } })).toBe(0);
    // The same nonce for the key's own company is stored.
    expect((await writer.submit(request(t.a, t.a, [], { nonce }))).kind).toBe('stored');
    expect(await prisma.replayNonce.count({ where: { companyId: t.a.id } })).toBe(1);
  });

  it("reads signing secrets walled in to the key's company", async () => {
    const store = new CredentialStore(pool, TEST_ENCRYPTION_KEY, 0);
    expect(await store.webhookSecrets({ id: t.b.keyId, companyId: t.b.id })).toEqual([t.b.secret]);
    // A's key asking for B's secrets (a bug passing the wrong company) gets none.
    expect(await store.webhookSecrets({ id: t.a.keyId, companyId: t.b.id })).toEqual([]);
    expect(await store.webhookSecrets({ id: t.a.keyId, companyId: t.a.id })).toEqual([t.a.secret]);
  });

  it('looks keys up through one named statement per connection, and still refuses a wrong key', async () => {
    const one = createPool(db.url, { max: 1 });
    try {
      // No cache (ttl 0): every call goes to the database, on the pool's one connection.
      const store = new CredentialStore(one, TEST_ENCRYPTION_KEY, 0);
      for (let i = 0; i < 3; i++) expect((await store.verifyApiKey(t.a.key))?.companyId).toBe(t.a.id);
      expect(await store.verifyApiKey(`${t.a.key.slice(0, -4)}xxxx`)).toBeNull();
      expect((await store.verifyApiKey(t.b.key))?.companyId).toBe(t.b.id);
      const r = await one.query<{ name: string; n: string }>(
        `SELECT name, generic_plans + custom_plans AS n FROM pg_prepared_statements
          WHERE statement LIKE '%FROM "ApiKey" k JOIN "Company" c%WHERE k.prefix = $1'`,
      );
      // One prepared statement served all five lookups.
      expect(r.rows.length).toBe(1);
      expect(r.rows[0]!.name).toMatch(/^aw_ingest_/);
      expect(Number(r.rows[0]!.n)).toBe(5);
    } finally {
      await one.end();
    }
  });

  it('cannot be used by a session walled in to one MSP to reach another', async () => {
    // A transaction already walled in to MSP A (as a signed-in call is) names B's key: the scope is
    // read from "ApiKey" as that session, which sees none of B's keys, so it reaches none of B's rows.
    const q = walledQuery(
      [t.b.keyId, t.a.keyId],
      `SELECT 'alert'::text, id::text, "companyId"::text, NULL::text FROM "Alert"`,
      {},
    );
    const rows = await withTenantScope(pool, { mspId: t.a.mspId }, (c) => c.query<{ c: string }>(q), {
      asRole: 'aw_tenant',
    });
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows.filter((r) => r.c === t.b.id)).toEqual([]);
    // (what it sees is what its own MSP setting already showed it: A's and A2's)
    for (const r of rows.rows) expect([t.a.id, t.a2.id]).toContain(r.c);
  });

  it('answers a committed batch stored even when the read of its redelivered alerts fails', async () => {
    // The ids of redelivered alerts are read after the commit. When that read fails the alerts are
    // stored and the nonces taken: the requests must be answered as stored, not retried (a retry
    // would find its own nonce taken and answer 401) and not 503.
    const first = await alerts('redelivery-read');
    expect((await new GroupCommitWriter(pool, { logger }).submit(request(t.a, t.a, first))).kind).toBe(
      'stored',
    );
    let failedReads = 0;
    const flaky = {
      connect: () => pool.connect(),
      query: (...a: unknown[]) => {
        const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string }).text;
        if (text?.includes('aw_ingest_redelivered(')) {
          failedReads++;
          return Promise.reject(new Error('connection terminated'));
        }
        return (pool.query as (...x: unknown[]) => Promise<unknown>).apply(pool, a);
      },
    } as unknown as pg.Pool;
    const before = errors.length;
    const writer = new GroupCommitWriter(flaky, { logger });
    const fresh = await alerts('redelivery-read-new', 1);
    const nonce = { signature: 'e'.repeat(64), expiresAt: new Date(Date.now() + 600_000) };
    const o = await writer.submit(request(t.a, t.a, [...first, ...fresh], { nonce }));
    expect(failedReads).toBe(2);
    expect(o).toMatchObject({ kind: 'stored', created: 1, reply: { status: 202 } });
    expect(await count(t.a.id, 'redelivery-read-')).toBe(3); // 2 first, 1 new: nothing twice
    expect(await prisma.replayNonce.count({ where: { companyId: t.a.id, signature: 'e'.repeat(64) } })).toBe(
      1,
    );
    expect(errors.slice(before).map((e) => e.msg)).toEqual(['reading the ids of redelivered alerts failed']);
  });

  it('claims the dedup keys of a group commit in one statement, not by the per-row trigger, by the same rule', async () => {
    const writer = new GroupCommitWriter(pool, { logger });
    const errorsBefore = errors.length;
    // The per-row trigger made to fail: the group commit must not run it.
    const trigger = (
      await pool.query<{ def: string }>(`SELECT pg_get_functiondef('aw_alert_dedup'::regproc) AS def`)
    ).rows[0]!.def;
    await pool.query(`CREATE OR REPLACE FUNCTION aw_alert_dedup() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN RAISE EXCEPTION 'the per-row dedup trigger ran'; END $$`);
    // Without a time from the sender, occurredAt is the receive time and the dedup key hashes the
    // payload: a redelivery a month later has the same key in another partition.
    const received = (at: string) =>
      finalizeAlerts(
        normalizeNative([{ asset: 'claim-a', signature: 'disk_full', severity: 'high' }], {
          receivedAt: new Date(at),
        }).alerts,
      );
    const nov = await received('2026-11-20T10:00:00Z');
    const dec = await received('2026-12-20T10:00:00Z');
    const jan = await received('2027-01-05T10:00:00Z');
    expect(dec[0]!.dedupKey).toBe(nov[0]!.dedupKey);
    expect(dec[0]!.occurredAt).not.toEqual(nov[0]!.occurredAt);
    const b = await alerts('claim-b', 1);
    try {
      // One batch: the key twice (two months) and another alert. The first copy is stored.
      const first = await writer.submit(request(t.a, t.a, [...nov, ...dec, ...b]));
      expect(first).toMatchObject({ kind: 'stored', created: 2 });
      const stored = await prisma.alert.findMany({ where: { companyId: t.a.id, asset: 'claim-a' } });
      expect(stored.map((a) => a.occurredAt)).toEqual([nov[0]!.occurredAt]);
      // The next batch: a redelivery (same key and time), the key in a third month, the other alert
      // again and a new one. Only the new one is stored.
      const c = await alerts('claim-c', 1);
      const second = await writer.submit(request(t.a, t.a, [...nov, ...jan, ...b, ...c]));
      expect(second).toMatchObject({ kind: 'stored', created: 1 });
      expect(await count(t.a.id, 'claim-')).toBe(3);
      const keys = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM "AlertDedupKey" WHERE "companyId" = $1 AND "dedupKey" = ANY($2)`,
        [t.a.id, [nov[0]!.dedupKey, b[0]!.dedupKey, c[0]!.dedupKey]],
      );
      expect(Number(keys.rows[0]!.n)).toBe(3);
    } finally {
      await pool.query(trigger);
    }
    // The explicit transaction (Idempotency-Key) still claims through the trigger, against the keys
    // claimed above: the redelivery is not stored again.
    const third = await writer.submit(request(t.a, t.a, [...dec, ...b], { idempotencyKey: 'claim-idem' }));
    expect(third).toMatchObject({ kind: 'stored', created: 0 });
    expect(await count(t.a.id, 'claim-')).toBe(3);
    expect(errors.slice(errorsBefore)).toEqual([]);
  });

  it('runs the statement of GROUP_COMMIT_SQL in aw_ingest_group_commit, walled in before it', async () => {
    // The migration carries the statement as static SQL (planned once per session); it must stay
    // the one the writer's other paths and bench/ingest-wall.ts use.
    const src = (
      await pool.query<{ src: string }>(
        `SELECT prosrc AS src FROM pg_proc WHERE proname = 'aw_ingest_group_commit'`,
      )
    ).rows[0]!.src;
    const statement = GROUP_COMMIT_SQL.replace(/\$([1-6])\b/g, 'p$1');
    expect(src).toContain(`RETURN QUERY ${statement};`);
    expect(src.indexOf('PERFORM aw_ingest_wall(key_ids);')).toBeGreaterThan(-1);
    expect(src.indexOf('PERFORM aw_ingest_wall(key_ids);')).toBeLessThan(src.indexOf('RETURN QUERY'));
  });
});
