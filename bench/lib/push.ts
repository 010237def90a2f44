// Push latency for bench/run.ts: one live subscriber on the app's SSE stream, signed in as a
// technician the way a browser is (Auth.js credentials sign-in, session cookie, GET
// /api/realtime/stream), receiving every event of the bench's MSP while the load runs.
//
// Three figures per run, each to the subscriber's receipt (the events still on their way when the
// run has drained get up to 30 s; the counts received / opened are reported with them):
//   alert     the sender's 2xx → the `alert.received` event that counts its alerts (the intake's
//             live event; events count a whole committed batch, so they are matched by running sum);
//   incident  the 2xx of the alert that opened an incident → its `incident.created` event (this
//             includes the correlation decision: the decided lag plus the push);
//   decided   the incident's decision (`decidedAt` of that alert, stored with clock_timestamp()
//             shortly before the turn commits) → its `incident.created` event;
//   delivery  the event's publication (its row's `createdAt`) → receipt: the transport alone.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from '@aw/core';
import type { PrismaClient } from '@aw/db';
import { q } from '@aw/correlation';
import { connectSse, type SseClient } from '@aw/realtime/testing';
import { pct, type Prepared } from './load.ts';

/** Creates a technician of the MSP and signs in over HTTP; returns the session's cookie header. */
export async function technicianCookie(prisma: PrismaClient, mspId: string, base: string): Promise<string> {
  const email = `bench-${randomBytes(4).toString('hex')}@bench.test`;
  const password = randomBytes(18).toString('base64url');
  const user = await prisma.user.create({
    data: { email, name: 'Bench technician', passwordHash: await hashPassword(password) },
  });
  await prisma.membership.create({ data: { userId: user.id, mspId, role: 'TECHNICIAN' } });
  const jar = new Map<string, string>();
  const take = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${base}/api/auth/csrf`);
  take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${base}/dashboard` }),
  });
  take(res);
  const session = (await (
    await fetch(`${base}/api/auth/session`, { headers: { cookie: header() } })
  ).json()) as {
    user?: { email?: string };
  } | null;
  if (session?.user?.email !== email)
    throw new Error(`the bench technician's sign-in gave no session (callback answered ${res.status})`);
  return header();
}

/** The live subscriber: connected and past its `ready` frame. */
export async function liveSubscriber(base: string, cookie: string): Promise<SseClient> {
  const sub = connectSse(`${base}/api/realtime/stream`, { cookie });
  const status = await sub.status;
  if (status !== 200) throw new Error(`the live stream answered ${status}`);
  await sub.waitFor((f) => f.some((x) => x.event === 'ready'), 30_000);
  return sub;
}

/** Milliseconds; null when no event of the kind arrived. */
export interface PushFigures {
  alertEvents: number;
  alertP50: number | null;
  alertP99: number | null;
  incidentEvents: number;
  /** Incidents the run opened (each should have reached the subscriber within the settle time). */
  incidentsOpened: number;
  incidentP50: number | null;
  incidentP99: number | null;
  decidedP50: number | null;
  decidedP99: number | null;
  /** Each incident event's publication (its row's `createdAt`) → receipt: the transport alone. */
  deliveryP50: number | null;
  deliveryP99: number | null;
}

interface Ev {
  type: string;
  createdAt: string;
  companyId: string | null;
  payload: { received?: number; incidentId?: string };
}

/**
 * Matches the subscriber's frames of one run (its company) with the run's requests. Waits up to
 * `settleMs` for the incident events still on their way, then takes the frames out of `sub`.
 */
export async function pushFigures(
  sub: SseClient,
  pool: pg.Pool,
  companyId: string,
  reqs: Prepared[],
  answeredAt: Float64Array,
  settleMs = 30_000,
): Promise<PushFigures> {
  const opened = Number(
    (
      await q<{ n: bigint }>(pool, `SELECT count(*) AS n FROM "Incident" WHERE "companyId" = $1::uuid`, [
        companyId,
      ])
    ).rows[0]!.n,
  );
  const parse = () =>
    sub.frames
      .filter((f) => f.event === 'alert.received' || f.event === 'incident.created')
      .map((f) => ({ at: f.receivedAt, wall: f.receivedAtWall, ev: JSON.parse(f.data) as Ev }))
      .filter((x) => x.ev.companyId === companyId);
  await sub
    .waitFor(() => parse().filter((x) => x.ev.type === 'incident.created').length >= opened, settleMs)
    .catch(() => undefined);
  const frames = parse();
  sub.frames.splice(0);

  // alert.received: the k-th alert answered is counted by the first event whose running sum reaches k.
  const answered = reqs
    .map((r, i) => ({ at: answeredAt[i]!, alerts: r.alerts }))
    .filter((r) => !Number.isNaN(r.at))
    .sort((a, b) => a.at - b.at);
  const alertFrames = frames.filter((x) => x.ev.type === 'alert.received');
  const alertLat: number[] = [];
  let sum = 0;
  let f = 0;
  let need = 0;
  for (const r of answered) {
    need += r.alerts;
    while (f < alertFrames.length && sum < need) sum += alertFrames[f++]!.ev.payload.received ?? 0;
    if (sum < need) break;
    alertLat.push(alertFrames[f - 1]!.at - r.at);
  }

  // incident.created: the request of the alert that opened the incident, and its decision time.
  const incidentFrames = frames.filter((x) => x.ev.type === 'incident.created');
  const byIncident = new Map(incidentFrames.map((x) => [x.ev.payload.incidentId!, x]));
  const reqOfSeq = new Map<string, number>();
  reqs.forEach((r, i) => r.seqs.forEach((s) => reqOfSeq.set(s, i)));
  const { rows } = await q<{ id: string; seq: string; decided: number }>(
    pool,
    `SELECT DISTINCT ON (a."incidentId") a."incidentId"::text AS id, a.labels->>'seq' AS seq,
            extract(epoch FROM a."decidedAt") * 1000 AS decided
       FROM "Alert" a
      WHERE a."companyId" = $1::uuid AND a."incidentId" = ANY($2::uuid[])
      ORDER BY a."incidentId", a.id`,
    [companyId, [...byIncident.keys()]],
  );
  const incidentLat: number[] = [];
  const decidedLat: number[] = [];
  // From a database timestamp to a receipt: both on the wall clock (receivedAtWall).
  const deliveryLat = incidentFrames.map((x) => x.wall - Date.parse(x.ev.createdAt));
  for (const r of rows) {
    const got = byIncident.get(r.id)!;
    const sent = answeredAt[reqOfSeq.get(r.seq) ?? -1];
    if (sent !== undefined && !Number.isNaN(sent)) incidentLat.push(got.at - sent);
    decidedLat.push(got.wall - Number(r.decided));
  }
  const at = (xs: number[], p: number) => (xs.length ? Math.round(pct(xs, p) * 10) / 10 : null);
  return {
    alertEvents: alertFrames.length,
    alertP50: at(alertLat, 50),
    alertP99: at(alertLat, 99),
    incidentEvents: incidentFrames.length,
    incidentsOpened: opened,
    incidentP50: at(incidentLat, 50),
    incidentP99: at(incidentLat, 99),
    decidedP50: at(decidedLat, 50),
    decidedP99: at(decidedLat, 99),
    deliveryP50: at(deliveryLat, 50),
    deliveryP99: at(deliveryLat, 99),
  };
}
