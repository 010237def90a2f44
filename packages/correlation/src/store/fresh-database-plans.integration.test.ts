// The planner's estimates for a company are wrong in two common cases: a new install (or a new
// table) has no statistics until autovacuum analyzes it, and a company that the last ANALYZE did not
// see (a new client's first alert storm) is estimated at a row or two. The turn's statements are
// prepared once per connection, so a plan chosen on such estimates must not turn a statement into
// work that grows with the company's incidents. The situation linker's statements did: on a database
// without statistics its key read joined as a nested loop that read the keys again for every
// incident (2.3 million buffers in one turn of 500 alerts here, 0.5-1 s a turn), and a form that
// named the company beside the incident id read the company's incidents once per key for a company
// new to the statistics (1.1-1.3 s a turn in the bench). A company whose long history the
// statistics have not seen (imported, or grown since the last ANALYZE) is the same trap at scale:
// statements that named the company beside the ids, or gave the planner its id as a literal, read
// its 150,000 old incidents on every turn. This drives real turns in these cases and reads, through
// auto_explain, how many buffers every statement touched and how many rows it read and threw away:
// measures of work, not of time, so a slow machine cannot fail them.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { explainEveryStatement, topBuffers } from '../testing/explain.ts';
import { createTenant } from '../testing/fixtures.ts';
import { CorrelationWorker } from './worker.ts';

const ALERTS = 3000;
const PER_TURN = 500;
const HOSTS = 300;
const SIGNATURES = 10;
/** Resolved incidents of the imported company, added after the last ANALYZE. */
const HISTORY = 150_000;
/**
 * Buffers one statement of a turn may touch per alert of the turn. The largest seen here (the
 * linker's key and incident write) is about 22 per alert; the broken plans took 100 to 4,500.
 */
const BUFFERS_PER_ALERT = 40;
/**
 * Rows one statement may read and throw away per alert of the turn: a join of the turn's arrays
 * with its rows costs up to about 100 (PostgreSQL 15); the broken plans threw away 700 to 5,000.
 */
const DISCARDED_PER_ALERT = 200;
/**
 * Rows the touched situations' recount may throw away per alert of the turn. It counts each
 * situation's members by the situation's id: nothing is joined, so what it throws away is at most
 * the situations a small table's scan passes over (up to about 4 per alert here). Joined with the
 * turn's arrays, it read them again for every situation (up to 117 per alert here, 55,000 rows a turn
 * in the bench), work that grew with the square of the situations a turn touched.
 */
const RECOUNT_DISCARDED_PER_ALERT = 10;

/** Rows the plan's nodes read and threw away (filters, join filters), over every loop. */
function discarded(notice: string): number {
  let n = 0;
  for (const m of notice.matchAll(/Rows Removed by (?:Join )?Filter: (\d+)/g)) n += Number(m[1]);
  return n;
}

interface Plan {
  text: string;
  buffers: number;
  discarded: number;
}

describe.each(inject('pgTargets'))(
  'turn plans when the statistics are missing or stale on $name',
  (target) => {
    let db: { url: string; drop(): Promise<void> };
    let pool: pg.Pool;

    beforeAll(async () => {
      db = await createTestDatabase(target);
      pool = createPool(db.url, { max: 2 });
      // Only the test decides when tables are analyzed: autovacuum must not do it halfway through.
      await pool.query(`DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', r.t);
      END LOOP; END $$`);
    });
    afterAll(async () => {
      await pool.end();
      await db.drop();
    });

    /** Stores a deterministic stream: many hosts and signatures, every tenth alert a resolve. */
    async function storeStream(mspId: string, companyId: string, seed: number) {
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const t0 = Date.parse('2026-03-02T10:00:00Z');
      const hosts: string[] = [];
      const sigs: string[] = [];
      const status: string[] = [];
      const at: string[] = [];
      for (let i = 0; i < ALERTS; i++) {
        const resolve = i % 10 === 9;
        const j = resolve ? Math.floor(next() * i) : i;
        hosts.push(resolve ? hosts[j]! : `host-${String(Math.floor(next() * HOSTS)).padStart(3, '0')}`);
        sigs.push(resolve ? sigs[j]! : `sig-${Math.floor(next() * SIGNATURES)}`);
        status.push(resolve ? 'RESOLVED' : 'FIRING');
        at.push(new Date(t0 + i * 1000).toISOString());
      }
      await pool.query(
        `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
              "occurredAt", labels, raw)
       SELECT $1, $2, 'NATIVE', v.h || '/' || v.s, md5(v.h || v.s || v.t), v.h, v.s, 'MEDIUM', v.st::"AlertStatus",
              v.t::timestamp, '{}', '{}'
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS v(h, s, st, t)`,
        [mspId, companyId, hosts, sigs, status, at],
      );
    }

    /** Decides every alert of the company in turns of PER_TURN; with `plans`, explains every statement. */
    async function drain(companyId: string, plans?: Plan[]) {
      const turns = createPool(db.url, { max: 2 });
      if (plans)
        explainEveryStatement(turns, (s) => {
          const text = /Query Text: ([\s\S]*?)\n(?=[A-Z][a-z]+[ :])/.exec(s)?.[1];
          if (text)
            plans.push({
              text: text.replace(/\s+/g, ' ').slice(0, 400),
              buffers: topBuffers(s),
              discarded: discarded(s),
            });
        });
      const worker = new CorrelationWorker({
        pool: turns,
        sweepIntervalMs: 0,
        tickIntervalMs: 0,
        batchSize: PER_TURN,
      });
      try {
        expect(await worker.drainCompany(companyId)).toBe(ALERTS);
      } finally {
        await worker.stop();
        await turns.end();
      }
    }

    async function expectInProportion(companyId: string, plans: Plan[]) {
      const { rows: counts } = await pool.query<{ incidents: number; keys: number }>(
        `SELECT (SELECT count(*)::int FROM "Incident" WHERE "companyId" = $1 AND title <> 'old') AS incidents,
              (SELECT count(*)::int FROM "IncidentEntityKey" WHERE "companyId" = $1) AS keys`,
        [companyId],
      );
      // The stream alone makes far more incidents than a turn has alerts (the imported history aside),
      // so a plan that reads them all (or once per row) shows.
      expect(counts[0]!.incidents).toBeGreaterThan(3 * PER_TURN);
      expect(counts[0]!.keys).toBeGreaterThan(counts[0]!.incidents);
      // The linker's reads and writes ran (the statements this guards).
      expect(plans.some((p) => p.text.includes('SELECT "incidentId" FROM "IncidentEntityKey"'))).toBe(true);
      expect(plans.some((p) => p.text.startsWith('WITH keys AS'))).toBe(true);
      // The write functions are measured by their statements (auto_explain logs nested ones too);
      // their own figures are the sums.
      const own = plans.filter(
        (p) =>
          !p.text.startsWith('SELECT aw_correlation_write') && !p.text.startsWith('SELECT aw_turn_write'),
      );
      const most = (by: (p: Plan) => number) => [...own].sort((a, b) => by(b) - by(a)).slice(0, 3);
      const read = most((p) => p.buffers);
      expect(
        read.filter((p) => p.buffers > BUFFERS_PER_ALERT * PER_TURN),
        JSON.stringify(read),
      ).toEqual([]);
      const recounts = plans.filter((p) => /UPDATE "Situation" s SET \(?"incidentCount"/.test(p.text));
      expect(recounts.length).toBeGreaterThan(0);
      expect(
        recounts.filter((p) => p.discarded > RECOUNT_DISCARDED_PER_ALERT * PER_TURN),
        JSON.stringify(recounts),
      ).toEqual([]);
      const thrown = most((p) => p.discarded);
      expect(
        thrown.filter((p) => p.discarded > DISCARDED_PER_ALERT * PER_TURN),
        JSON.stringify(thrown),
      ).toEqual([]);
    }

    /** A company of `t` whose turns ran before the ANALYZE that follows: one the statistics know. */
    async function seenByStatistics(t: Awaited<ReturnType<typeof createTenant>>, name: string, seed: number) {
      const companyId = await t.company(name);
      await storeStream(t.mspId, companyId, seed);
      await drain(companyId);
      await pool.query('ANALYZE');
    }

    /** Stores the company's stream, decides it with every statement explained, and checks the plans. */
    async function expectTurnsInProportion(mspId: string, companyId: string, seed: number) {
      await storeStream(mspId, companyId, seed);
      const plans: Plan[] = [];
      await drain(companyId, plans);
      await expectInProportion(companyId, plans);
    }

    it('keeps every statement of a turn in proportion to the turn on a database never analyzed', async () => {
      const { rows: never } = await pool.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM pg_stat_user_tables
        WHERE relname IN ('Incident', 'IncidentEntityKey') AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)`,
      );
      expect(never[0]!.n).toBe('0');
      const t = await createTenant(pool);
      await expectTurnsInProportion(t.mspId, await t.company('Fresh'), 7);
    }, 180_000);

    it('keeps them in proportion for a company the statistics have not seen', async () => {
      // The statistics know one company (the one above, and one more of this MSP); the next one is new.
      const t = await createTenant(pool);
      await seenByStatistics(t, 'Known', 11);
      await expectTurnsInProportion(t.mspId, await t.company('New'), 13);
    }, 180_000);

    it.each([
      ['a new MSP', false],
      ['an MSP the statistics know', true],
    ])(
      'keeps them in proportion for a company of %s whose long history the statistics have not seen',
      async (_, knownMsp) => {
        // A client imported with its history (or grown since the last ANALYZE): 150,000 resolved
        // incidents the planner does not know of. A statement that lets the planner pick a company
        // index for its rows reads all of them on every turn.
        const known = await createTenant(pool);
        await seenByStatistics(known, 'Seen', 23);
        const tenant = knownMsp ? known : await createTenant(pool);
        const mspId = tenant.mspId;
        const companyId = await tenant.company('Imported');
        await pool.query(
          `INSERT INTO "Incident" ("mspId", "companyId", "correlationKey", title, asset, signature, source, status,
                severity, "windowStart", "windowEnd", "firstSeenAt", "lastSeenAt", "resolvedAt", "updatedAt")
           SELECT $1, $2, 'old-' || g || '|sig', 'old', 'old-' || g, 'sig', 'NATIVE', 'RESOLVED', 'LOW',
                  ts, ts, ts, ts, ts, ts
             FROM generate_series(1, $3::int) AS g,
                  LATERAL (SELECT timestamp '2025-06-01' + g * interval '1 minute' AS ts) AS t`,
          [mspId, companyId, HISTORY],
        );
        await expectTurnsInProportion(mspId, companyId, 17);
      },
      240_000,
    );
  },
);
