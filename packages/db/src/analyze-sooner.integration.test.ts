// A company the planner's statistics have not seen is estimated at a row or two, and a correlation
// turn's statements can then read its incidents through a company index, all of them on every turn
// (docs/PERFORMANCE.md, "Plans that do not depend on the statistics"). The tables a turn reads by
// tenant are analyzed after 1 % of their rows changed (migration
// 20261130150000_correlation_tables_analyze_sooner) instead of PostgreSQL's 10 %: a new client's
// first incidents are seen within a naptime once they are 1 % of the table. This runs its own
// embedded server (the 10 s naptime of `npm start`) so that autovacuum timing is its own.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startEmbedded17, type StartedTarget } from './testing/postgres.ts';

const OLD = 20_000;
/** 2 % of the table: past 50 rows + 1 % (250), short of PostgreSQL's default 50 + 10 % (2,090). */
const NEW = 400;

describe('autovacuum ANALYZE of the tables a correlation turn reads by tenant', () => {
  let target: StartedTarget;
  let db: { url: string; drop(): Promise<void> };
  let c: pg.Client;

  beforeAll(async () => {
    target = await startEmbedded17();
    db = await createTestDatabase(target);
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
  }, 120_000);
  afterAll(async () => {
    await c?.end();
    await db?.drop();
    await target?.stop();
  });

  async function company(mspId: string, name: string): Promise<string> {
    const r = await c.query<{ id: string }>(
      `INSERT INTO "Company" ("mspId", name, slug, "awsExternalId", "updatedAt")
       VALUES ($1, $2, $2, 'x-' || md5($2), now()) RETURNING id`,
      [mspId, name],
    );
    return r.rows[0]!.id;
  }

  async function addIncidents(mspId: string, companyId: string, n: number) {
    await c.query(
      `INSERT INTO "Incident" ("mspId", "companyId", "correlationKey", title, asset, signature, source, status,
              severity, "windowStart", "windowEnd", "firstSeenAt", "lastSeenAt", "resolvedAt", "updatedAt")
       SELECT $1, $2, 'h-' || g || '|sig', 'old', 'h-' || g, 'sig', 'NATIVE', 'RESOLVED', 'LOW',
              now(), now(), now(), now(), now(), now()
         FROM generate_series(1, $3::int) AS g`,
      [mspId, companyId, n],
    );
  }

  async function estimate(companyId: string): Promise<number> {
    // A literal id, as a custom plan of a turn's statement sees it.
    const r = await c.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM "Incident" WHERE "companyId" = '${companyId}'::uuid`,
    );
    return Number(/rows=(\d+)/.exec(r.rows[0]!['QUERY PLAN'])![1]);
  }

  async function autoAnalyzeCount(): Promise<number> {
    const r = await c.query<{ n: string }>(
      `SELECT autoanalyze_count::text AS n FROM pg_stat_user_tables WHERE relname = 'Incident'`,
    );
    return Number(r.rows[0]!.n);
  }

  /** Waits (up to 45 s, a few naptimes) for autovacuum to analyze "Incident" more than `count` times. */
  async function autoAnalyzedAfter(count: number): Promise<boolean> {
    const started = Date.now();
    while (Date.now() - started < 45_000) {
      if ((await autoAnalyzeCount()) > count) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  }

  it('sets a 1 % scale factor on each of them', async () => {
    const r = await c.query<{ relname: string; opts: string[] | null }>(
      `SELECT relname, reloptions AS opts FROM pg_class
        WHERE relname IN ('Incident', 'IncidentEntityKey', 'AlertState', 'Situation') ORDER BY relname`,
    );
    expect(r.rows).toEqual(
      ['AlertState', 'Incident', 'IncidentEntityKey', 'Situation'].map((relname) => ({
        relname,
        opts: ['autovacuum_analyze_scale_factor=0.01'],
      })),
    );
  });

  it("sees a new company's incidents within seconds once they are 2 % of the table", async () => {
    const msp = await c.query<{ id: string }>(
      `INSERT INTO "Msp" (name, slug, "updatedAt") VALUES ('m', 'm', now()) RETURNING id`,
    );
    const mspId = msp.rows[0]!.id;
    const old = await company(mspId, 'old');
    await addIncidents(mspId, old, OLD);
    // Autovacuum analyzes the first rows by itself (a table that grew from empty); wait for it, so
    // that the next analysis can only come from the new company's rows.
    expect(await autoAnalyzedAfter(0)).toBe(true);
    const before = await autoAnalyzeCount();
    const fresh = await company(mspId, 'fresh');
    await addIncidents(mspId, fresh, NEW);
    // The trap: the statistics know one company, so the new one is estimated at next to nothing.
    expect(await estimate(fresh)).toBeLessThan(10);
    expect(await autoAnalyzedAfter(before)).toBe(true);
    const seen = await estimate(fresh);
    // Analyzed by autovacuum (nobody ran ANALYZE after the new rows), and the company is now known.
    expect(seen).toBeGreaterThan(NEW / 4);
  }, 120_000);
});
