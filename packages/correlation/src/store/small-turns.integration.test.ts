// A turn of one or two alerts is the common case at a steady, low rate (the worker runs a turn as
// soon as a company has PENDING alerts). Its cost must not grow with the company's backlog, and
// its statements must not be planned again on every turn: PostgreSQL kept a custom plan for the
// batch read (its LIMIT was a parameter) and planning it cost more than running it, and the
// decision UPDATE hashed the turn's rows and read every PENDING alert of the company to find them.
// Both are checked here by what PostgreSQL reports (plans counted per prepared statement, buffers
// through auto_explain), not by time.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { explainEveryStatement, topBuffers } from '../testing/explain.ts';
import { createTenant, storeAlerts } from '../testing/fixtures.ts';
import { correlateCompany } from './apply.ts';
import { GENERIC_TURN_MAX } from './sql.ts';

const BACKLOG = 4000;
const TURNS = 12;

interface Plans {
  statement: string;
  generic: number;
  custom: number;
}

/** How often each of the connection's turn statements was planned, generic and custom. */
async function preparedPlans(c: pg.Pool): Promise<Plans[]> {
  const { rows } = await c.query<Plans>(
    `SELECT statement, generic_plans::int AS generic, custom_plans::int AS custom
       FROM pg_prepared_statements WHERE name LIKE 'aw\\_c\\_%'`,
  );
  return rows;
}
const isBatchRead = (p: Plans) =>
  /FROM "Alert" WHERE "companyId" = \$1 AND decision = 'PENDING'/.test(p.statement);
const isRulesRead = (p: Plans) => /FROM "MaintenanceWindow"/.test(p.statement);

/** A pool of one connection that records the text of every statement it sends, whitespace folded. */
function recordedPool(url: string): { turns: pg.Pool; sent: string[] } {
  const turns = createPool(url, { max: 1 });
  const sent: string[] = [];
  turns.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
      const q = a[0] as string | { text: string };
      sent.push((typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').trim());
      return query(...a);
    };
  });
  return { turns, sent };
}

describe.each(inject('pgTargets'))('turns of one alert with a backlog waiting on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let companyId: string;
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 2 });
    const t = (tenant = await createTenant(pool));
    companyId = await t.company('Busy');
    // A backlog of PENDING alerts over many hosts and signatures, analyzed as autovacuum would.
    await pool.query(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
            "occurredAt", labels, raw)
       SELECT $1, $2, 'NATIVE', h || '/' || s, md5(g::text), h, s, 'MEDIUM', 'FIRING',
              timestamp '2026-03-02 10:00' + g * interval '1 second', '{}', '{}'
         FROM generate_series(1, $3::int) AS g,
              LATERAL (SELECT 'host-' || (g * 7919 % 300) AS h, 'sig-' || (g % 10) AS s) AS x`,
      [t.mspId, companyId, BACKLOG],
    );
    await pool.query('ANALYZE');
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('plans its statements once per connection and reads only its own alerts to decide them', async () => {
    // One connection, so every turn runs on the same prepared statements.
    const turns = createPool(db.url, { max: 1 });
    const decisionBuffers: number[] = [];
    explainEveryStatement(turns, (s) => {
      if (/Query Text: UPDATE "Alert" a SET decision/.test(s)) decisionBuffers.push(topBuffers(s));
    });
    try {
      let decided = 0;
      for (let i = 0; i < TURNS; i++) {
        const r = await correlateCompany(turns, companyId, { batchSize: 1 });
        decided += r.decided;
      }
      expect(decided).toBe(TURNS);
      const { rows: left } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Alert" WHERE "companyId" = $1 AND decision = 'PENDING'`,
        [companyId],
      );
      expect(left[0]!.n).toBe(BACKLOG - TURNS);

      // Every turn's UPDATE of its one alert touched a few index and heap pages (about 20 here once
      // the first turn has warmed up), not the company's PENDING alerts (the count grew with the
      // backlog).
      expect(decisionBuffers).toHaveLength(TURNS);
      expect(Math.max(...decisionBuffers.slice(1)), JSON.stringify(decisionBuffers)).toBeLessThan(40);

      // The turn's prepared statements ran generic plans, planned once. PostgreSQL plans the first
      // five executions of a statement custom; only the opening, which asks for generic plans, may
      // show those. The batch read and the rules read never are (planning the batch read of the
      // partitioned table cost more than running it).
      const plans = await preparedPlans(turns);
      const everyTurn = plans.filter((p) => p.generic + p.custom >= TURNS);
      expect(everyTurn.filter(isBatchRead)).toHaveLength(1);
      expect(everyTurn.filter((p) => p.custom > 5).map((p) => p.statement.slice(0, 200))).toEqual([]);
      expect(everyTurn.filter((p) => p.custom > 0).map((p) => p.statement.slice(0, 60))).toEqual([
        expect.stringMatching(/^SELECT c\."mspId"/),
      ]);
    } finally {
      await turns.end();
    }
  }, 120_000);

  it('leaves the plans of larger turns to PostgreSQL', async () => {
    // After the test above, more than GENERIC_TURN_MAX alerts are still waiting. Turns of 100 on one
    // connection run on PostgreSQL's default: every statement's first five executions are custom
    // plans, where a small turn plans only its first three statements custom.
    const turns = createPool(db.url, { max: 1 });
    try {
      for (let i = 0; i < 8; i++) {
        const r = await correlateCompany(turns, companyId, { batchSize: GENERIC_TURN_MAX + 36 });
        expect(r.decided).toBe(GENERIC_TURN_MAX + 36);
      }
      const plans = await preparedPlans(turns);
      expect(plans.filter((p) => p.custom > 0).length).toBeGreaterThan(3);
      // The batch read, which reads the rules beside the batch in one statement, runs before the
      // turn's size is known: generic in every turn.
      const early = plans.filter((p) => isBatchRead(p) || isRulesRead(p));
      expect(early.map((p) => [isBatchRead(p) && isRulesRead(p), p.generic, p.custom])).toEqual([
        [true, 8, 0],
      ]);
    } finally {
      await turns.end();
    }
  }, 120_000);
  it('a turn of one alert is seven round trips, with an inhibition rule and a maintenance window too', async () => {
    // Every round trip wakes PostgreSQL and then this process; at a low rate a turn's cost is mostly
    // those. The batch read brings the rules along, and the fingerprint read the inhibition sources.
    const c = await tenant.company('Round trips');
    await pool.query(
      `INSERT INTO "InhibitionRule" ("mspId", "companyId", name, "sourceMatchers", "targetMatchers", equal, "updatedAt")
       VALUES ($1, $2, 'host down', '[{"field":"signature","op":"=","value":"host_down"}]',
               '[{"field":"signature","op":"!=","value":"host_down"}]', '{asset}', now())`,
      [tenant.mspId, c],
    );
    await pool.query(
      `INSERT INTO "MaintenanceWindow" ("mspId", "companyId", name, matchers, "startsAt", "endsAt", "updatedAt")
       VALUES ($1, $2, 'patch night', '[{"field":"asset","op":"=","value":"db-9"}]', now() - interval '1 hour', now() + interval '1 hour', now())`,
      [tenant.mspId, c],
    );
    const t0 = new Date(Date.now() - 60_000);
    await storeAlerts(pool, tenant.mspId, c, [
      { asset: 'web-1', signature: 'host_down', occurredAt: t0 },
      { asset: 'web-1', signature: 'disk_full', occurredAt: new Date(t0.getTime() + 1000) },
      { asset: 'db-9', signature: 'disk_full', occurredAt: new Date(t0.getTime() + 2000) },
      { asset: 'web-1', signature: 'host_down', occurredAt: new Date(t0.getTime() + 3000) },
    ]);
    const { turns, sent } = recordedPool(db.url);
    try {
      const turnsSent: string[][] = [];
      for (let i = 0; i < 4; i++) {
        sent.length = 0;
        const r = await correlateCompany(turns, c, { batchSize: 1 });
        expect(r.decided).toBe(1);
        turnsSent.push([...sent]);
      }
      // Before its writes every turn sends BEGIN, the opening, the batch with its rules, the states
      // with the inhibition sources and the incidents; then its write and COMMIT. When an incident
      // gains entity keys (a new incident here) the situation linker reads before the write, and the
      // write is aw_turn_write, which carries the linker's writes too.
      for (const t of turnsSent) {
        expect(t[0]).toBe('BEGIN');
        const linked = t[5]!.startsWith('WITH o AS MATERIALIZED');
        expect(t[linked ? 6 : 5], JSON.stringify(t)).toMatch(
          linked ? /^SELECT aw_turn_write\(/ : /^SELECT aw_correlation_write\(/,
        );
        expect(t.filter((x) => /FROM "MaintenanceWindow"/.test(x) && /FROM "Alert"/.test(x))).toHaveLength(1);
        expect(t.filter((x) => /FROM "AlertState"/.test(x))).toHaveLength(1);
        expect(t.at(-1)).toBe('COMMIT');
      }
      // The inhibited alert changes no incident: seven round trips in all. So does the repeat of
      // host_down, which updates its incident: the linker takes the incident from the turn (it
      // gains no entity key) instead of reading it again.
      // The first turn opens an incident that gains entity keys: eight. The third falls in the
      // maintenance window and opens none.
      expect(turnsSent.map((t) => t.length)).toEqual([8, 7, 7, 7]);
      expect(
        turnsSent.flat().filter((x) => /WHERE id = ANY\(\$1::uuid\[\]\) ORDER BY "firstSeenAt"/.test(x)),
      ).toEqual([]);
      // The rule and the window still apply: the host_down alert inhibits the other on web-1, and
      // the alert on db-9 falls in the window.
      const { rows } = await pool.query<{ asset: string; signature: string; decision: string }>(
        `SELECT asset, signature, decision::text FROM "Alert" WHERE "companyId" = $1 ORDER BY id`,
        [c],
      );
      expect(rows).toEqual([
        {
          asset: 'web-1',
          signature: 'host_down',
          decision: expect.not.stringMatching(/INHIBITED|SUPPRESSED/),
        },
        { asset: 'web-1', signature: 'disk_full', decision: 'INHIBITED' },
        { asset: 'db-9', signature: 'disk_full', decision: 'SUPPRESSED' },
        {
          asset: 'web-1',
          signature: 'host_down',
          decision: expect.not.stringMatching(/INHIBITED|SUPPRESSED/),
        },
      ]);
    } finally {
      await turns.end();
    }
  });
  it('the situation linker reads in one round trip and writes with the turn, whatever it links', async () => {
    // Three incidents on one asset, one a turn: the second opens a situation with the first (a new
    // situation, two assignments, an explanation, the count), the third joins it (the situation is
    // read beside the incidents). The linker sends one read (incidents, their situations and the
    // hub count) before the turn's write, and its writes go with the turn's in aw_turn_write: they
    // were a round trip of their own after the turn's write (aw_situation_link_write), and before
    // that the situation read, the hub count, the new situation, the keys, the explanations and the
    // counts were a round trip each (three in the first turn, six in the second and the third).
    const c = await tenant.company('Linker round trips');
    const t0 = new Date(Date.now() - 60_000);
    await storeAlerts(pool, tenant.mspId, c, [
      { asset: 'app-1', signature: 'host_down', occurredAt: t0 },
      { asset: 'app-1', signature: 'disk_full', occurredAt: new Date(t0.getTime() + 1000) },
      { asset: 'app-1', signature: 'cpu_high', occurredAt: new Date(t0.getTime() + 2000) },
    ]);
    // Every row version a turn writes of "Incident", by a row trigger (SECURITY DEFINER: the turn
    // runs as the tenant role). Each incident is written once a turn: the new incident carries its
    // keys and situation in its INSERT (it was inserted, then updated by the linker's write).
    await pool.query(`CREATE TABLE aw_test_incident_writes (id uuid, op text)`);
    await pool.query(`CREATE FUNCTION aw_test_incident_writes() RETURNS trigger LANGUAGE plpgsql
                        SECURITY DEFINER SET search_path = public AS $$
                      BEGIN INSERT INTO aw_test_incident_writes VALUES (NEW.id, TG_OP)\x3B RETURN NULL\x3B END $$`);
    await pool.query(`CREATE TRIGGER aw_test_incident_writes AFTER INSERT OR UPDATE ON "Incident"
                      FOR EACH ROW EXECUTE FUNCTION aw_test_incident_writes()`);
    const { turns, sent } = recordedPool(db.url);
    try {
      const linker: string[][] = [];
      const writes: string[][] = [];
      for (let i = 0; i < 3; i++) {
        sent.length = 0;
        await pool.query(`TRUNCATE aw_test_incident_writes`);
        const r = await correlateCompany(turns, c, { batchSize: 1 });
        expect(r.decided).toBe(1);
        const { rows: written } = await pool.query<{ op: string; n: number }>(
          `SELECT op, count(*)::int AS n FROM aw_test_incident_writes GROUP BY id, op ORDER BY op, n`,
        );
        writes.push(written.map((x) => `${x.op} ${x.n}`));
        // After the incidents read FOR UPDATE: the linker's read, the one write, COMMIT.
        const w = sent.findIndex((x) => x.endsWith('FOR UPDATE'));
        expect(sent.at(-1)).toBe('COMMIT');
        linker.push(sent.slice(w + 1, -1));
      }
      for (const l of linker) {
        expect(l, JSON.stringify(l)).toHaveLength(2);
        expect(l[0]).toMatch(/^WITH o AS MATERIALIZED/);
        expect(l[1]).toMatch(/^SELECT aw_turn_write\(/);
      }
      // One version per incident and turn: the new incident's INSERT; in the second turn also the
      // first incident, which the turn did not write, joining the new situation.
      expect(writes).toEqual([['INSERT 1'], ['INSERT 1', 'UPDATE 1'], ['INSERT 1']]);
      const { rows: sits } = await pool.query<{ id: string; n: number; status: string }>(
        `SELECT id, "incidentCount" AS n, status::text FROM "Situation" WHERE "companyId" = $1`,
        [c],
      );
      expect(sits.map((x) => [x.n, x.status])).toEqual([[3, 'OPEN']]);
      const { rows: inc } = await pool.query<{ signature: string; sid: string; keys: string[] }>(
        `SELECT signature, "situationId" AS sid, "entityKeys" AS keys FROM "Incident" WHERE "companyId" = $1 ORDER BY signature`,
        [c],
      );
      expect(inc.map((x) => [x.signature, x.sid, x.keys])).toEqual(
        ['cpu_high', 'disk_full', 'host_down'].map((sig) => [
          sig,
          sits[0]!.id,
          ['asset=app-1', 'topology=app-1'],
        ]),
      );
      const { rows: links } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "SituationLink" WHERE "situationId" = $1`,
        [sits[0]!.id],
      );
      expect(links[0]!.n).toBe(3);
      const { rows: keys } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "IncidentEntityKey" WHERE "companyId" = $1 AND key = 'asset=app-1' AND open`,
        [c],
      );
      expect(keys[0]!.n).toBe(3);
    } finally {
      await turns.end();
      await pool.query(`DROP TABLE aw_test_incident_writes`);
      await pool.query(`DROP TRIGGER aw_test_incident_writes ON "Incident"`);
      await pool.query(`DROP FUNCTION aw_test_incident_writes()`);
    }
  });
});
