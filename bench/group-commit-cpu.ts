// `npx tsx bench/group-commit-cpu.ts [--rounds 40] [--requests 20] [--per-request 50] [--pairs 2]
//   [--forms per-row,set-based]`:
// the PostgreSQL CPU of the intake's group commit per stored alert, for the statement the writer
// runs today (`set-based`, aw_ingest_group_commit: the dedup keys of the batch claimed in one
// set-based INSERT) against the one of migration 20261129190000_ingest_group_commit_function
// (`per-row`: each alert's key claimed by the per-row trigger aw_alert_dedup), alternated (A B A B)
// on one embedded PostgreSQL 17, each on a fresh database. Two diagnostic forms take today's
// function apart: `generic` forces its statement onto a generic plan, and `unwalled` drops its
// tenant wall (no role switch, no policies: never what the app runs, only to price the wall). The writer (GroupCommitWriter) runs on a pool of one connection, so
// one backend does all the work; its CPU comes from /proc. A tenth of each batch's alerts are
// redeliveries of alerts of the batch before (not stored again), as senders resend.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { finalizeAlerts } from '../packages/ingest/src/fingerprint.ts';
import { normalizeNative } from '../packages/ingest/src/normalizers/index.ts';
import { createTenants } from '../packages/ingest/src/testing/tenants.ts';
import type { NormalizedAlert } from '../packages/ingest/src/types.ts';
import { GroupCommitWriter, type WriteRequest } from '../packages/ingest/src/writer.ts';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { cpuMicros } from './lib/procs.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    requests: { type: 'string', default: '20' },
    'per-request': { type: 'string', default: '50' },
    pairs: { type: 'string', default: '2' },
    forms: { type: 'string', default: 'per-row,set-based' },
  },
});
const ROUNDS = Number(args.rounds);
const REQUESTS = Number(args.requests);
const PER = Number(args['per-request']);
// Per request: this many redeliveries of the batch before, the rest fresh alerts.
const AGAIN = Math.floor(PER / 10);

// The per-row form: the function of the earlier migration, and the trigger without its WHEN.
const earlier = readFileSync(
  path.join(
    import.meta.dirname,
    '../prisma/migrations/20261129190000_ingest_group_commit_function/migration.sql',
  ),
  'utf8',
);
const earlierStart = earlier.indexOf('CREATE OR REPLACE FUNCTION aw_ingest_group_commit');
const earlierFunction = earlier.slice(earlierStart, earlier.indexOf("';", earlierStart) + 1);
const PER_ROW = [
  earlierFunction,
  `DROP TRIGGER aw_alert_dedup ON "Alert"`,
  `CREATE TRIGGER aw_alert_dedup BEFORE INSERT ON "Alert" FOR EACH ROW EXECUTE FUNCTION aw_alert_dedup()`,
];

// Today's function, from the migration that defined it last, and the two diagnostic variants.
const current = readFileSync(
  path.join(
    import.meta.dirname,
    '../prisma/migrations/20261130000000_ingest_dedup_claim_set_based/migration.sql',
  ),
  'utf8',
);
const currentStart = current.indexOf('CREATE OR REPLACE FUNCTION aw_ingest_group_commit');
const currentFunction = current.slice(currentStart, current.indexOf("';", currentStart) + 1);
const WALL = 'PERFORM aw_ingest_wall(key_ids)\\x3B';
if (!currentFunction.includes(WALL))
  throw new Error('the group-commit function no longer walls itself in here');
const FORMS: Record<string, string[]> = {
  'per-row': PER_ROW,
  'set-based': [],
  generic: [
    currentFunction.replace(
      WALL,
      `${WALL}\n  PERFORM set_config(\\'plan_cache_mode\\', \\'force_generic_plan\\', true)\\x3B`,
    ),
  ],
  unwalled: [currentFunction.replace(WALL, '')],
};
const forms = args.forms.split(',');
for (const f of forms)
  if (!FORMS[f]) throw new Error(`--forms: unknown form ${f} (${Object.keys(FORMS).join(', ')})`);

const target = await startEmbedded17();

async function run(form: string): Promise<{ us: number; stored: number; offered: number }> {
  const db = await createTestDatabase(target);
  const prisma = createPrismaClient(db.url, { max: 2 });
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    const t = await createTenants(prisma);
    for (const sql of FORMS[form]!) await pool.query(sql);
    const writer = new GroupCommitWriter(pool, { logger: { info() {}, warn() {}, error: console.error } });
    const pid = (await pool.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
    let n = 0;
    let previous: NormalizedAlert[] = [];
    const batch = async () => {
      const reqs: WriteRequest[] = [];
      const sent: NormalizedAlert[] = [];
      for (let r = 0; r < REQUESTS; r++) {
        const body = Array.from({ length: PER - AGAIN }, () => {
          n++;
          return {
            asset: `host-${n % 500}`,
            signature: `check_${(n * 7) % 20}`,
            severity: 'high',
            summary: `disk almost full on host-${n % 500}`,
            labels: { env: 'prod', team: 'ops', region: 'eu-1', alert: `a${n}` },
            occurredAt: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
          };
        });
        const fresh = await finalizeAlerts(normalizeNative(body, { receivedAt: new Date() }).alerts);
        const again = previous.slice(r * AGAIN, (r + 1) * AGAIN);
        sent.push(...fresh);
        reqs.push({
          companyId: t.a.id,
          mspId: t.a.mspId,
          apiKeyId: t.a.keyId,
          alerts: [...fresh, ...again],
          idempotencyKey: null,
          nonce: null,
          reply: (s) => ({ status: 202, body: { accepted: s.length } }),
        });
      }
      previous = sent;
      const out = await Promise.all(reqs.map((q) => writer.submit(q)));
      const bad = out.find((o) => o.kind !== 'stored');
      if (bad) throw new Error(`a request was not stored: ${JSON.stringify(bad)}`);
      return reqs.reduce((s, q) => s + q.alerts.length, 0);
    };
    for (let i = 0; i < 5; i++) await batch();
    const before = (await pool.query<{ n: string }>('SELECT count(*) AS n FROM "Alert"')).rows[0]!.n;
    const cpu0 = cpuMicros([pid]);
    let offered = 0;
    for (let i = 0; i < ROUNDS; i++) offered += await batch();
    const us = cpuMicros([pid]) - cpu0;
    const after = (await pool.query<{ n: string }>('SELECT count(*) AS n FROM "Alert"')).rows[0]!.n;
    const stored = Number(after) - Number(before);
    // Every fresh alert stored once, no redelivery stored again.
    const expected = ROUNDS * REQUESTS * (PER - AGAIN);
    if (stored !== expected) throw new Error(`${form}: stored ${stored} alerts, expected ${expected}`);
    return { us: us / stored, stored, offered };
  } finally {
    await pool.end();
    await prisma.$disconnect();
    await db.drop();
  }
}

try {
  const results: Record<string, number[]> = {};
  for (let p = 0; p < Number(args.pairs); p++)
    for (const form of forms) {
      const r = await run(form);
      (results[form] ??= []).push(r.us);
      console.log(
        `${form.padEnd(9)} ${r.us.toFixed(1)} µs of PostgreSQL CPU per stored alert (${r.stored} stored of ${r.offered} sent)`,
      );
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(results[forms[0]!]!);
  console.log(
    `median: ${forms
      .map(
        (f) =>
          `${f} ${median(results[f]!).toFixed(1)} µs (÷ ${forms[0]} ${(median(results[f]!) / base).toFixed(2)})`,
      )
      .join(', ')}`,
  );
} finally {
  await target.stop();
}
