// Group commit: concurrent requests queue here; each flush commits many of them in ONE
// transaction with set-based SQL (INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING), and only
// then resolves each request's promise, so a 2xx always follows a commit. Up to `maxInFlight`
// transactions run at once; while they run, new requests pile up into the next batch.
// Every statement that reads or writes a tenant's rows runs walled in by row-level security: as the
// role `aw_tenant`, with `aw.ingest_scope` naming exactly the companies (and their MSPs) of the API
// keys that authenticated the batch's requests (writer-sql.ts, `walledQuery`; the policies are in
// prisma/migrations/20261129100000_ingest_writer_wall). A row for any other company is refused by
// PostgreSQL whatever this code puts in it. Only the expiry sweep (every company's old nonces and
// idempotency records) runs as the tables' owner.
import { appMetrics } from '@aw/observability';
import type pg from 'pg';
import type { AlertSink, Logger, NormalizedAlert } from './types.ts';
import { consoleLogger } from './types.ts';
import {
  GROUP_COMMIT_CALL_SQL,
  GROUP_COMMIT_CALL_STATEMENT,
  insertAlertsSql,
  insertReplayNoncesSql,
  NOW_UTC,
  REDELIVERED_CALL_SQL,
  REDELIVERED_CALL_STATEMENT,
  WALL_TRANSACTION_SQL,
  walledQuery,
} from './writer-sql.ts';

export interface StoredAlertRef {
  id: string;
  fingerprint: string;
  created: boolean;
}

export interface HttpReply {
  status: number;
  body: unknown;
}

export interface WriteRequest {
  companyId: string;
  mspId: string;
  apiKeyId: string;
  alerts: NormalizedAlert[];
  idempotencyKey: string | null;
  /** A verified signature, recorded for the replay window. */
  nonce: { signature: string; expiresAt: Date } | null;
  /** Builds the reply from what was stored; it is also what an idempotent redelivery gets back. */
  reply(stored: StoredAlertRef[]): HttpReply;
}

export type WriteOutcome =
  | { kind: 'stored'; reply: HttpReply; created: number }
  | { kind: 'idempotent-replay'; reply: HttpReply }
  | { kind: 'unauthorized'; reason: 'key' | 'replay' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unavailable'; reason: string };

interface Pending {
  req: WriteRequest;
  resolve(o: WriteOutcome): void;
  /** performance.now() when it was queued (aw_ingest_write_seconds). */
  queuedAt: number;
}

export interface WriterOptions {
  sink?: AlertSink;
  logger?: Logger;
  /** Alerts per transaction (a request is never split). */
  maxBatchAlerts?: number;
  maxInFlight?: number;
  /** Queued alerts beyond this answer 503 at once (back-pressure). */
  maxQueuedAlerts?: number;
}

interface ResolvedOutcome {
  p: Pending;
  outcome: WriteOutcome;
  createdIds: string[];
}

export class GroupCommitWriter {
  private queue: Pending[] = [];
  private queuedAlerts = 0;
  private inFlight = 0;
  private scheduled = false;
  private closed = false;
  private idle: (() => void)[] = [];
  private lastSweep = 0;
  /** When this process last wrote each key's lastUsedAt, and companies known to have a first alert. */
  private keyTouchedAt = new Map<string, number>();
  private companiesWithAlerts = new Set<string>();
  readonly stats = { transactions: 0, requests: 0, alerts: 0, maxBatchRequests: 0 };
  private sink?: AlertSink;
  private logger: Logger;
  private maxBatchAlerts: number;
  private maxInFlight: number;
  private maxQueuedAlerts: number;

  constructor(
    private pool: pg.Pool,
    opts: WriterOptions = {},
  ) {
    this.sink = opts.sink;
    this.logger = opts.logger ?? consoleLogger;
    this.maxBatchAlerts = opts.maxBatchAlerts ?? 5000;
    // Two transactions at a time: while they run the next batch fills. With four, on the 2-core
    // bench machine, batches were half as large for no more throughput (bench/ingest-load.ts,
    // alternated runs: 1,309–1,345 alerts/s at four, 1,553–1,974 at two, and less CPU per alert).
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.maxQueuedAlerts = opts.maxQueuedAlerts ?? 100_000;
  }

  submit(req: WriteRequest): Promise<WriteOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'unavailable', reason: 'shutting down' });
    if (this.queuedAlerts + req.alerts.length > this.maxQueuedAlerts)
      return Promise.resolve({ kind: 'unavailable', reason: 'write queue full' });
    return new Promise((resolve) => {
      this.queue.push({ req, resolve, queuedAt: performance.now() });
      this.queuedAlerts += req.alerts.length;
      this.schedule();
    });
  }

  /** Stops accepting and waits until everything queued has been committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate lets requests that arrive in the same turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Pending[] = [];
      let n = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        if (batch.length > 0 && n + next.req.alerts.length > this.maxBatchAlerts) break;
        batch.push(this.queue.shift()!);
        n += next.req.alerts.length;
      }
      this.queuedAlerts -= n;
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
        else if (this.inFlight === 0) for (const r of this.idle.splice(0)) r();
      });
    }
  }

  private async run(batch: Pending[]) {
    let results: ResolvedOutcome[];
    const started = performance.now();
    try {
      results = batch.some((p) => p.req.idempotencyKey)
        ? await this.commit(batch)
        : await this.commitOneStatement(batch);
      appMetrics().commitBatch(
        batch.length,
        batch.reduce((n, p) => n + p.req.alerts.length, 0),
        (performance.now() - started) / 1000,
      );
    } catch (e) {
      if (batch.length === 1) {
        const err = e as { code?: string; message?: string };
        // Class 22 = data exception: this request's content cannot be stored (a client fault).
        const outcome: WriteOutcome = err.code?.startsWith('22')
          ? { kind: 'invalid', reason: err.message ?? 'data exception' }
          : { kind: 'unavailable', reason: err.message ?? 'database error' };
        // 42501 here is the tenant wall refusing a row outside the batch's authenticated companies:
        // a bug of ours, never the sender's; nothing of the request was stored.
        if (err.code === '42501')
          this.logger.error('commit refused by the tenant wall', {
            error: err.message,
            companyId: batch[0]!.req.companyId,
            apiKeyId: batch[0]!.req.apiKeyId,
          });
        else if (outcome.kind === 'unavailable') this.logger.error('commit failed', { error: err.message });
        results = [{ p: batch[0]!, outcome, createdIds: [] }];
      } else {
        // One bad request must not fail its neighbours: retry each on its own.
        this.logger.warn('batch commit failed, retrying requests one by one', {
          error: (e as Error).message,
          requests: batch.length,
        });
        await Promise.all(batch.map((p) => this.run([p])));
        return;
      }
    }
    const metrics = appMetrics();
    const now = performance.now();
    for (const r of results) {
      metrics.intakeWrite((now - r.p.queuedAt) / 1000);
      r.p.resolve(r.outcome);
    }
    this.handOff(results);
  }

  private handOff(results: ResolvedOutcome[]) {
    if (!this.sink) return;
    const byCompany = new Map<string, bigint[]>();
    for (const r of results) {
      if (r.createdIds.length === 0) continue;
      const list = byCompany.get(r.p.req.companyId) ?? [];
      for (const id of r.createdIds) list.push(BigInt(id));
      byCompany.set(r.p.req.companyId, list);
    }
    if (byCompany.size === 0) return;
    const batch = [...byCompany].map(([companyId, alertIds]) => ({ companyId, alertIds }));
    try {
      Promise.resolve(this.sink.alertsStored(batch)).catch((e: unknown) =>
        this.logger.error('alert sink failed (alerts stay PENDING for the sweep)', {
          error: (e as Error).message,
        }),
      );
    } catch (e) {
      this.logger.error('alert sink failed (alerts stay PENDING for the sweep)', {
        error: (e as Error).message,
      });
    }
  }

  /**
   * The common case (no Idempotency-Key in the batch) in ONE round trip: `aw_ingest_group_commit`
   * walls its implicit transaction in and runs GROUP_COMMIT_SQL (data-modifying CTEs re-check the
   * keys, record the replay nonces and insert the alerts of the requests that passed both); its
   * answer comes after the COMMIT, before any reply is built, so every reply follows the commit.
   */
  private async commitOneStatement(batch: Pending[]): Promise<ResolvedOutcome[]> {
    const out = new Map<Pending, ResolvedOutcome>();
    const done = (p: Pending, outcome: WriteOutcome, createdIds: string[] = []) =>
      out.set(p, { p, outcome, createdIds });
    // A signature twice in one batch: the later copies are replays.
    const seen = new Set<string>();
    const open: Pending[] = [];
    for (const p of batch) {
      const k = p.req.nonce ? `${p.req.companyId}\n${p.req.nonce.signature}` : null;
      if (k && seen.has(k)) done(p, { kind: 'unauthorized', reason: 'replay' });
      else {
        if (k) seen.add(k);
        open.push(p);
      }
    }
    const rows: { i: number; a: NormalizedAlert }[] = [];
    open.forEach((p, i) => {
      for (const a of p.req.alerts) rows.push({ i, a });
    });
    const req = <T>(f: (p: Pending) => T) => open.map(f);
    const values = [
      open.map((_, i) => i),
      req((p) => p.req.apiKeyId),
      req((p) => p.req.companyId),
      req((p) => p.req.nonce?.signature ?? null),
      req((p) => p.req.nonce?.expiresAt.toISOString() ?? null),
      // One JSON document instead of 17 arrays: JSON.stringify is far cheaper than pg's array
      // escaping, and the raw payload travels as JSON, not as an escaped string inside an array.
      JSON.stringify(
        rows.map((r) => {
          const p = open[r.i]!.req;
          return {
            ri: r.i,
            m: p.mspId,
            c: p.companyId,
            s: r.a.source,
            f: r.a.fingerprint,
            d: r.a.dedupKey,
            a: r.a.asset,
            sg: r.a.signature,
            sv: r.a.service,
            sm: r.a.summary,
            sev: r.a.severity,
            st: r.a.status,
            o: r.a.occurredAt.toISOString(),
            l: r.a.labels,
            an: r.a.annotations,
            r: r.a.raw ?? null,
            k: p.apiKeyId,
            kd: r.a.kind ?? null,
          };
        }),
      ),
    ];
    const accepted = new Set<number>();
    const idByKey = new Map<string, string>();
    const createdKeys = new Set<string>();
    // One round trip: the function walls its implicit transaction in, runs the group commit and
    // commits; its answer arrives only after the COMMIT.
    const keyIds = [...new Set(open.map((p) => p.req.apiKeyId))];
    const res = await this.pool.query<{ kind: string; a: string; c: string | null; d: string | null }>({
      name: GROUP_COMMIT_CALL_STATEMENT,
      text: GROUP_COMMIT_CALL_SQL,
      values: [keyIds, ...values],
    });
    for (const r of res.rows) {
      if (r.kind === 'ok') accepted.add(Number(r.a));
      else {
        const k = `${r.c}\n${r.d}`;
        idByKey.set(k, r.a);
        createdKeys.add(k);
      }
    }
    const stored = open.filter((_, i) => accepted.has(i));
    // Redelivered alerts of accepted requests (not inserted again): their stored ids, committed by
    // now (a concurrent insert of the same key made the group commit wait for it), read walled in.
    const missing = [
      ...new Set(stored.flatMap((p) => p.req.alerts.map((a) => `${p.req.companyId}\n${a.dedupKey}`))),
    ].filter((k) => !idByKey.has(k));
    if (missing.length) {
      // The batch is committed: a failure here must not fail it (a retry of its requests would find
      // their replay nonces taken and answer 401). One more try, then the duplicates are answered
      // without their stored id.
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          const sel = await this.pool.query<{ a: string; c: string; d: string }>({
            name: REDELIVERED_CALL_STATEMENT,
            text: REDELIVERED_CALL_SQL,
            values: [keyIds, missing.map((k) => k.split('\n')[0]!), missing.map((k) => k.split('\n')[1]!)],
          });
          for (const r of sel.rows) idByKey.set(`${r.c}\n${r.d}`, r.a);
          break;
        } catch (e) {
          this.logger[attempt === 2 ? 'error' : 'warn']('reading the ids of redelivered alerts failed', {
            error: (e as Error).message,
            attempt,
            alerts: missing.length,
          });
        }
      }
    }
    // Committed. Requests refused by the key check or the replay window get 401 (nothing of theirs
    // was inserted).
    open.forEach((p, i) => {
      if (!accepted.has(i)) done(p, { kind: 'unauthorized', reason: p.req.nonce ? 'replay' : 'key' });
    });
    const claimedNew = new Set<string>();
    for (const p of stored) {
      const refs: StoredAlertRef[] = [];
      const created: string[] = [];
      for (const a of p.req.alerts) {
        const k = `${p.req.companyId}\n${a.dedupKey}`;
        const id = idByKey.get(k) ?? '';
        const isNew = createdKeys.has(k) && !claimedNew.has(k);
        if (isNew) {
          claimedNew.add(k);
          created.push(id);
        }
        refs.push({ id, fingerprint: a.fingerprint, created: isNew });
      }
      done(p, { kind: 'stored', reply: p.req.reply(refs), created: created.length }, created);
    }
    this.stats.transactions++;
    this.stats.requests += batch.length;
    this.stats.alerts += rows.length;
    this.stats.maxBatchRequests = Math.max(this.stats.maxBatchRequests, batch.length);
    await this.bookkeeping(
      stored.map((p) => p.req.apiKeyId),
      stored.filter((p) => out.get(p)!.createdIds.length > 0).map((p) => p.req.companyId),
      stored.map((p) => p.req.apiKeyId),
    );
    void this.sweep();
    return batch.map((p) => out.get(p)!);
  }

  /**
   * Last use of each key (at most every 30 s per key) and each company's first alert, best effort, in
   * one walled statement (`wall`: the keys that authenticated the stored requests).
   */
  private async bookkeeping(keyIds: string[], companiesWithNewAlerts: string[], wall: string[]) {
    const nowMs = Date.now();
    const keys = [...new Set(keyIds)].filter((id) => nowMs - (this.keyTouchedAt.get(id) ?? 0) > 30_000);
    const companies = [...new Set(companiesWithNewAlerts)].filter((c) => !this.companiesWithAlerts.has(c));
    if (!keys.length && !companies.length) return;
    try {
      for (const id of keys) this.keyTouchedAt.set(id, nowMs);
      for (const c of companies) this.companiesWithAlerts.add(c);
      await this.pool.query(
        walledQuery(
          wall,
          `WITH k AS (
             UPDATE "ApiKey" SET "lastUsedAt" = ${NOW_UTC} WHERE id = ANY($2)
               AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${NOW_UTC} - interval '30 seconds') RETURNING 1
           ), c AS (
             UPDATE "Company" SET "firstAlertAt" = ${NOW_UTC} WHERE id = ANY($3) AND "firstAlertAt" IS NULL RETURNING 1
           )
           SELECT 'done'::text, (SELECT count(*) FROM k)::text, (SELECT count(*) FROM c)::text, NULL::text`,
          { p2: keys, p3: companies },
        ),
      );
    } catch (e) {
      this.logger.warn('bookkeeping failed', { error: (e as Error).message });
    }
  }

  private async commit(batch: Pending[]): Promise<ResolvedOutcome[]> {
    const out = new Map<Pending, ResolvedOutcome>();
    const done = (p: Pending, outcome: WriteOutcome, createdIds: string[] = []) =>
      out.set(p, { p, outcome, createdIds });
    const client = await this.pool.connect();
    let ok = false;
    try {
      await client.query('BEGIN');
      await client.query(WALL_TRANSACTION_SQL, [[...new Set(batch.map((p) => p.req.apiKeyId))]]);

      // 1. Keys still usable now (revocation takes effect at once, whatever a cache said).
      const keyIds = [...new Set(batch.map((p) => p.req.apiKeyId))];
      const live = await client.query<{ id: string }>(
        `SELECT id FROM "ApiKey" WHERE id = ANY($1::uuid[]) AND "revokedAt" IS NULL
           AND ("expiresAt" IS NULL OR "expiresAt" > ${NOW_UTC})`,
        [keyIds],
      );
      const liveIds = new Set(live.rows.map((r) => r.id));
      let open = batch.filter((p) => {
        if (liveIds.has(p.req.apiKeyId)) return true;
        done(p, { kind: 'unauthorized', reason: 'key' });
        return false;
      });

      // 2. Idempotency-Key already answered → the stored reply. Within the batch, a later request
      //    with the same key waits for the first one's reply.
      const firstByIdem = new Map<string, Pending>();
      const idemFollowers: [Pending, Pending][] = [];
      open = open.filter((p) => {
        if (!p.req.idempotencyKey) return true;
        const k = `${p.req.companyId}\n${p.req.idempotencyKey}`;
        const first = firstByIdem.get(k);
        if (first) {
          idemFollowers.push([p, first]);
          return false;
        }
        firstByIdem.set(k, p);
        return true;
      });
      const keyed = open.filter((p) => p.req.idempotencyKey);
      if (keyed.length) {
        const prior = await this.selectIdempotency(client, keyed);
        open = open.filter((p) => {
          const hit = p.req.idempotencyKey
            ? prior.get(`${p.req.companyId}\n${p.req.idempotencyKey}`)
            : undefined;
          if (!hit) return true;
          done(p, { kind: 'idempotent-replay', reply: hit });
          return false;
        });
      }

      // 3. Replay window: a (company, signature) pair already seen is rejected.
      const signed = open.filter((p) => p.req.nonce);
      if (signed.length) {
        const seen = new Set<string>();
        const unique: Pending[] = [];
        for (const p of signed) {
          const k = `${p.req.companyId}\n${p.req.nonce!.signature}`;
          if (seen.has(k)) done(p, { kind: 'unauthorized', reason: 'replay' });
          else {
            seen.add(k);
            unique.push(p);
          }
        }
        const ins = await client.query<{ companyId: string; signature: string }>(
          insertReplayNoncesSql('unnest($1::uuid[], $2::text[], $3::text[]) AS x(c, sig, exp)'),
          [
            unique.map((p) => p.req.companyId),
            unique.map((p) => p.req.nonce!.signature),
            unique.map((p) => p.req.nonce!.expiresAt.toISOString()),
          ],
        );
        const fresh = new Set(ins.rows.map((r) => `${r.companyId}\n${r.signature}`));
        for (const p of unique)
          if (!fresh.has(`${p.req.companyId}\n${p.req.nonce!.signature}`))
            done(p, { kind: 'unauthorized', reason: 'replay' });
        open = open.filter((p) => !out.has(p));
      }

      // 4. Claim idempotency keys (a concurrent transaction may hold the same key: it wins).
      const toClaim = open.filter((p) => p.req.idempotencyKey);
      if (toClaim.length) {
        const ins = await client.query<{ companyId: string; key: string }>(
          `INSERT INTO "IdempotencyRecord" ("companyId", key, response, "createdAt")
           SELECT c, k, '{}'::jsonb, ${NOW_UTC} FROM unnest($1::uuid[], $2::text[]) AS x(c, k)
           ON CONFLICT ("companyId", key) DO NOTHING RETURNING "companyId", key`,
          [toClaim.map((p) => p.req.companyId), toClaim.map((p) => p.req.idempotencyKey)],
        );
        const claimed = new Set(ins.rows.map((r) => `${r.companyId}\n${r.key}`));
        const lost = toClaim.filter((p) => !claimed.has(`${p.req.companyId}\n${p.req.idempotencyKey}`));
        if (lost.length) {
          const prior = await this.selectIdempotency(client, lost);
          for (const p of lost) {
            const hit = prior.get(`${p.req.companyId}\n${p.req.idempotencyKey}`);
            done(
              p,
              hit
                ? { kind: 'idempotent-replay', reply: hit }
                : { kind: 'unavailable', reason: 'idempotency race' },
            );
          }
          open = open.filter((p) => !out.has(p));
        }
      }

      // 5. The alerts, set-based; a redelivered alert (same company + dedupKey) is not inserted.
      const rows: { p: Pending; a: NormalizedAlert }[] = [];
      for (const p of open) for (const a of p.req.alerts) rows.push({ p, a });
      const idByKey = new Map<string, string>(); // companyId\ndedupKey → id
      const createdKeys = new Set<string>();
      if (rows.length) {
        const col = <T>(f: (r: { p: Pending; a: NormalizedAlert }) => T) => rows.map(f);
        const ins = await client.query<{ id: string; companyId: string; dedupKey: string }>(
          insertAlertsSql(
            `unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
               $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::jsonb[],
               $15::jsonb[], $16::uuid[], $17::text[], $18::text[])
             AS x(m, c, s, f, d, a, sg, sv, sm, sev, st, o, l, an, r, k, ik, kd)`,
          ),
          [
            col((r) => r.p.req.mspId),
            col((r) => r.p.req.companyId),
            col((r) => r.a.source),
            col((r) => r.a.fingerprint),
            col((r) => r.a.dedupKey),
            col((r) => r.a.asset),
            col((r) => r.a.signature),
            col((r) => r.a.service),
            col((r) => r.a.summary),
            col((r) => r.a.severity),
            col((r) => r.a.status),
            col((r) => r.a.occurredAt.toISOString()),
            col((r) => JSON.stringify(r.a.labels)),
            col((r) => JSON.stringify(r.a.annotations)),
            col((r) => JSON.stringify(r.a.raw ?? null)),
            col((r) => r.p.req.apiKeyId),
            col((r) => r.p.req.idempotencyKey),
            col((r) => r.a.kind ?? null),
          ],
        );
        for (const r of ins.rows) {
          const k = `${r.companyId}\n${r.dedupKey}`;
          idByKey.set(k, r.id);
          createdKeys.add(k);
        }
        const missing = [...new Set(rows.map((r) => `${r.p.req.companyId}\n${r.a.dedupKey}`))].filter(
          (k) => !idByKey.has(k),
        );
        if (missing.length) {
          const sel = await client.query<{ id: string; companyId: string; dedupKey: string }>(
            `SELECT a.id::text AS id, a."companyId", a."dedupKey" FROM "Alert" a
             JOIN unnest($1::uuid[], $2::text[]) AS x(c, d) ON a."companyId" = x.c AND a."dedupKey" = x.d`,
            [missing.map((k) => k.split('\n')[0]), missing.map((k) => k.split('\n')[1])],
          );
          for (const r of sel.rows) idByKey.set(`${r.companyId}\n${r.dedupKey}`, r.id);
        }
      }

      // 6. Replies (first occurrence of a new row is "created", every other one a duplicate).
      const claimedNew = new Set<string>();
      const replies: { p: Pending; reply: HttpReply; created: string[] }[] = [];
      for (const p of open) {
        const stored: StoredAlertRef[] = [];
        const created: string[] = [];
        for (const a of p.req.alerts) {
          const k = `${p.req.companyId}\n${a.dedupKey}`;
          const id = idByKey.get(k);
          if (!id) throw new Error('stored alert not found after insert');
          const isNew = createdKeys.has(k) && !claimedNew.has(k);
          if (isNew) {
            claimedNew.add(k);
            created.push(id);
          }
          stored.push({ id, fingerprint: a.fingerprint, created: isNew });
        }
        replies.push({ p, reply: p.req.reply(stored), created });
      }
      const withKey = replies.filter((r) => r.p.req.idempotencyKey);
      if (withKey.length) {
        await client.query(
          `UPDATE "IdempotencyRecord" i SET response = x.r FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS x(c, k, r)
           WHERE i."companyId" = x.c AND i.key = x.k`,
          [
            withKey.map((r) => r.p.req.companyId),
            withKey.map((r) => r.p.req.idempotencyKey),
            withKey.map((r) => JSON.stringify(r.reply)),
          ],
        );
      }

      // 7. Bookkeeping: last use of each key (at most every 30 s) and the company's first alert.
      const nowMs = Date.now();
      const usedKeys = [
        ...new Set(
          batch
            .filter((p) => !out.has(p) || out.get(p)!.outcome.kind === 'idempotent-replay')
            .map((p) => p.req.apiKeyId)
            .filter((id) => nowMs - (this.keyTouchedAt.get(id) ?? 0) > 30_000),
        ),
      ];
      if (usedKeys.length)
        await client.query(
          `UPDATE "ApiKey" SET "lastUsedAt" = ${NOW_UTC} WHERE id = ANY($1::uuid[])
             AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${NOW_UTC} - interval '30 seconds')`,
          [usedKeys],
        );
      const firstAlertCompanies = [
        ...new Set(replies.filter((r) => r.created.length).map((r) => r.p.req.companyId)),
      ].filter((c) => !this.companiesWithAlerts.has(c));
      if (firstAlertCompanies.length)
        await client.query(
          `UPDATE "Company" SET "firstAlertAt" = ${NOW_UTC} WHERE id = ANY($1::uuid[]) AND "firstAlertAt" IS NULL`,
          [firstAlertCompanies],
        );

      await client.query('COMMIT');
      ok = true;
      for (const id of usedKeys) this.keyTouchedAt.set(id, nowMs);
      for (const c of firstAlertCompanies) this.companiesWithAlerts.add(c);
      if (this.keyTouchedAt.size > 100_000) this.keyTouchedAt.clear();
      if (this.companiesWithAlerts.size > 100_000) this.companiesWithAlerts.clear();

      for (const r of replies)
        done(r.p, { kind: 'stored', reply: r.reply, created: r.created.length }, r.created);
      for (const [follower, first] of idemFollowers) {
        const o = out.get(first)!.outcome;
        done(follower, o.kind === 'stored' ? { kind: 'idempotent-replay', reply: o.reply } : o);
      }
      this.stats.transactions++;
      this.stats.requests += batch.length;
      this.stats.alerts += rows.length;
      this.stats.maxBatchRequests = Math.max(this.stats.maxBatchRequests, batch.length);
    } finally {
      if (!ok) await client.query('ROLLBACK').catch(() => undefined);
      client.release(!ok);
    }
    void this.sweep();
    return batch.map((p) => out.get(p)!);
  }

  private async selectIdempotency(client: pg.PoolClient, ps: Pending[]): Promise<Map<string, HttpReply>> {
    const res = await client.query<{ companyId: string; key: string; response: HttpReply }>(
      `SELECT i."companyId", i.key, i.response FROM "IdempotencyRecord" i
       JOIN unnest($1::uuid[], $2::text[]) AS x(c, k) ON i."companyId" = x.c AND i.key = x.k`,
      [ps.map((p) => p.req.companyId), ps.map((p) => p.req.idempotencyKey)],
    );
    return new Map(res.rows.map((r) => [`${r.companyId}\n${r.key}`, r.response]));
  }

  /** Every minute: drop replay nonces past their window and idempotency records older than 24 h. */
  private async sweep() {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    try {
      await this.pool.query(`DELETE FROM "ReplayNonce" WHERE "expiresAt" < ${NOW_UTC}`);
      await this.pool.query(
        `DELETE FROM "IdempotencyRecord" WHERE "createdAt" < ${NOW_UTC} - interval '24 hours'`,
      );
    } catch (e) {
      this.logger.warn('sweep failed', { error: (e as Error).message });
    }
  }
}
