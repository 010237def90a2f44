// The composition root: every service of one process is built here, once, and this file says what
// runs in each process role. Read it top to bottom; nothing else in the app builds a service.
//
//   PROCESS_ROLE (packages/config)   serves pages, tRPC, webhooks   correlation sweeps   job queue workers
//   web                              yes                            no                   no (only enqueues)
//   worker  (`npm run worker`)       no                             yes                  yes
//   all     (`npm start`, default)   yes                            yes                  yes
//
// A `web` process stores alerts as PENDING and enqueues jobs; a `worker` process decides the alerts
// (its sweep finds them within `sweepIntervalMs`, 5 s by default) and runs the jobs. Correctness
// rests on database locks and constraints, so any number of web and worker processes may run.
//
// Registering a feature (one line each, in `createRoot` below, or `root.…push(…)` before start):
//   - an incident listener: `incidentListeners.push((e, source) => …)`: called for every incident
//     change, `source` 'correlation' (a worker's decision) or 'portal' (a person, via tRPC);
//   - a queue worker: `queueWorkers.push({ name, register(queue) { queue.work(…) }, recover? })`:
//     registered on the job queue and started only where the role runs workers;
//   - a service the routes need: add it to `AppServices` and build it here from `prisma`/`pool`.
// Routes get the services from the tRPC context (`ctx.services`) or, in route handlers and server
// components, from `getRoot()`. Tests build their own root with `createRoot({ … })`: no globals.
import { awsRuntimeFromEnv, type AwsRuntime } from '@aw/aws';
import { registerComplianceWorker, startSchedule, type ComplianceDeps } from '@aw/compliance';
import { loadEnv, type TEnv, type TProcessRole } from '@aw/config';
import {
  CorrelationWorker,
  notifyPending,
  PendingWake,
  type CorrelationWorkerOptions,
  type IncidentChangedEvent,
  type TurnStages,
} from '@aw/correlation';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { ingestRuntimeFromEnv, type IngestRuntime } from '@aw/ingest';
import { JobQueue, type JobQueueOptions } from '@aw/jobs';
import { appMetrics } from '@aw/observability';
import {
  createIntakeAnnouncer,
  createRealtimeService,
  incidentChangeEvent,
  situationChangeEvents,
  realtimeSettingsFromEnv,
  type RealtimeService,
} from '@aw/realtime';
import {
  onIncidentsChanged as runbooksOnIncidentsChanged,
  recoverExecutions,
  registerRunbookWorker,
  type RunbookDeps,
} from '@aw/runbooks';
import {
  onIncidentsChanged as notifyOnIncidentsChanged,
  onRunbookPublished,
  registerNotificationWorker,
  startPsaPoller,
  type NotificationDeps,
} from '@aw/notifications';
import { registerRetentionWorker, startRetention, type RetentionWorkerDeps } from '@aw/retention';
import type pg from 'pg';
import {
  CorrelationThread,
  correlationThreadAvailable,
  threadWorkerOptions,
  type CorrelationRunner,
} from './correlation-thread';
import { appBaseUrl, mailer } from './mail';
import { encryptionKey } from './routers/ingest/access';

export type IncidentChangeSource = 'correlation' | 'portal';
export type IncidentListener = (e: IncidentChangedEvent, source: IncidentChangeSource) => unknown;

/** Work on the job queue: registered everywhere, run only where the role runs workers. */
export interface QueueWorker {
  name: string;
  register(queue: JobQueue): void;
  /** Runs once at start in a worker process (e.g. re-enqueue what a crash left behind). */
  recover?(): Promise<unknown>;
}

/** What routes and procedures use (the tRPC context carries it as `ctx.services`). */
export interface AppServices {
  role: TProcessRole;
  prisma: PrismaClient;
  pool: pg.Pool;
  realtime: RealtimeService;
  aws: AwsRuntime;
  /** Ingestion's runtime; only in processes that serve webhooks (throws in a `worker`). */
  readonly ingest: IngestRuntime;
  /** The job queue: every role enqueues, only worker roles run handlers. */
  queue: JobQueue;
  runbooks: RunbookDeps;
  /** Patch compliance (packages/compliance): syncs, figures, thresholds, export. */
  compliance: ComplianceDeps;
  /** Notifications (packages/notifications): channels, policies, delivery, escalation. */
  notifications: NotificationDeps;
  /** After a key or secret changes: drop this process's cached ingestion credentials at once. */
  forgetCachedCredentials(): void;
  /** Reports an incident change to every listener (tRPC mutations pass source 'portal'). */
  incidentChanged(e: IncidentChangedEvent, source: IncidentChangeSource): Promise<void>;
}

export interface Root extends AppServices {
  runsWeb: boolean;
  runsWorkers: boolean;
  /** Correlation: in-process, or in its own thread under CORRELATION_THREAD (null in a `web` process). */
  correlation: CorrelationRunner | null;
  incidentListeners: IncidentListener[];
  queueWorkers: QueueWorker[];
  /** Starts what this role runs (idempotent). */
  start(): Root;
  /** Stops everything and closes what this root opened. */
  stop(): Promise<void>;
}

export interface RootOptions {
  /** Default: PROCESS_ROLE from the environment. */
  role?: TProcessRole;
  /** The environment to read (default process.env). */
  source?: Record<string, string | undefined>;
  /** Hand in your own (tests); otherwise built from DATABASE_URL and closed by stop(). */
  prisma?: PrismaClient;
  pool?: pg.Pool;
  aws?: AwsRuntime;
  correlation?: Partial<
    Omit<CorrelationWorkerOptions, 'pool' | 'onIncidentChanged' | 'onIncidentsChanged' | 'onIncidentsDecided'>
  >;
  queue?: Partial<Omit<JobQueueOptions, 'pool'>>;
  logger?: Pick<Console, 'error' | 'warn'>;
}

export function createRoot(o: RootOptions = {}): Root {
  const source = o.source ?? process.env;
  const env: TEnv = loadEnv(source);
  const role = o.role ?? env.PROCESS_ROLE;
  const runsWeb = role !== 'worker';
  const runsWorkers = role !== 'web';
  const logger = o.logger ?? console;
  const url = env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start`, which provides it.');
  const owned: (() => Promise<unknown> | void)[] = [];

  // The database: one Prisma client and one pg pool (for the set-based hot paths).
  const prisma = o.prisma ?? createPrismaClient(url);
  if (!o.prisma) owned.push(() => prisma.$disconnect());
  const pool = o.pool ?? createPool(url);
  if (!o.pool) owned.push(() => pool.end());

  // Live updates: published by every role; the SSE hub's LISTEN opens only when a page subscribes.
  const realtime = createRealtimeService({
    pool,
    connectionString: url,
    settings: realtimeSettingsFromEnv(source),
    onNotified: (seconds) => appMetrics().realtimeNotified(seconds),
    onPublished: (seconds) => appMetrics().realtimePublished(seconds),
  });
  owned.push(() => realtime.close());

  // AWS: per-company AssumeRole (or the demo's simulated account, when the launcher set it up).
  const aws = o.aws ?? awsRuntimeFromEnv(source);
  if (!o.aws) owned.push(() => aws.destroy());

  // The job queue: runbook executions, notification deliveries, compliance syncs and exports.
  const queue = new JobQueue({ pool, logger, ...o.queue });
  // Notifications: delivered as jobs on the same queue; channel secrets sealed with the app key.
  const notifications: NotificationDeps = {
    prisma,
    pool,
    queue,
    get mailer() {
      return mailer();
    },
    // Read when first needed: a process without APP_ENCRYPTION_KEY refuses (UNAVAILABLE) then.
    get encryptionKey() {
      return encryptionKey();
    },
    baseUrl: appBaseUrl(),
    // Plain-http destinations only off production (loopback receivers while developing).
    allowHttp: env.NODE_ENV !== 'production',
    allowPrivateNetworks: env.NOTIFY_ALLOW_PRIVATE_DESTINATIONS,
    // An incident resolved from a PSA ticket reaches every listener, like a portal action.
    onIncidentChanged: (e) => incidentChanged(e, 'portal'),
  };
  const runbooks: RunbookDeps = {
    prisma,
    pool,
    runtime: aws,
    queue,
    // Runbook progress goes out live, then to the notification policies (runbook triggers).
    publish: (e) =>
      realtime.publish(e).finally(
        () =>
          void Promise.resolve()
            .then(() => onRunbookPublished(notifications, e))
            .catch((err: unknown) =>
              logger.error(`[notifications] runbook event: ${(err as Error).message}`),
            ),
      ),
    logger,
  };
  // Patch compliance: threshold alerts are handed to this process's correlation worker (if any;
  // otherwise a worker's sweep finds them PENDING).
  const compliance: ComplianceDeps = {
    prisma,
    pool,
    runtime: aws,
    queue,
    publish: (e) => realtime.publish(e),
    alertsStored: (batch) => announcePending(batch),
    logger: console,
  };

  const retention: RetentionWorkerDeps = { pool, queue, logger: console };

  // Incident changes: published live from anywhere; matching runbook policies (AUTO or APPROVAL)
  // create executions for correlation's decisions.
  // They take a batch (a correlation turn's events at once, or one portal change) set-based;
  // features may add per-event listeners to `incidentListeners`, called after them. Correlation's
  // live push goes out as soon as a turn commits (the worker's onIncidentsDecided), the rest after.
  const pushIncidentChanges = (es: IncidentChangedEvent[]) =>
    realtime.publishMany(es.flatMap((e) => [incidentChangeEvent(e), ...situationChangeEvents(e)]));
  const incidentBatchListeners: ((es: IncidentChangedEvent[], from: IncidentChangeSource) => unknown)[] = [
    (es, from) => (from === 'correlation' ? undefined : pushIncidentChanges(es)),
    (es, from) => (from === 'correlation' ? runbooksOnIncidentsChanged(runbooks, es) : undefined),
    (es) => notifyOnIncidentsChanged(notifications, es),
  ];
  const incidentListeners: IncidentListener[] = [];
  async function incidentsChanged(es: IncidentChangedEvent[], from: IncidentChangeSource): Promise<void> {
    for (const listener of incidentBatchListeners) {
      try {
        await listener(es, from);
      } catch (err) {
        logger.error(`[incidents ${es.length}] listener: ${(err as Error).message}`);
      }
    }
    for (const e of es)
      for (const listener of incidentListeners) {
        try {
          await listener(e, from);
        } catch (err) {
          logger.error(`[incident ${e.incidentId}] listener: ${(err as Error).message}`);
        }
      }
  }
  const incidentChanged = (e: IncidentChangedEvent, from: IncidentChangeSource) =>
    incidentsChanged([e], from);

  // Queue workers: run only where the role runs workers.
  const queueWorkers: QueueWorker[] = [
    {
      name: 'runbooks',
      register: () => registerRunbookWorker(runbooks),
      recover: () => recoverExecutions(runbooks),
    },
    {
      name: 'notifications',
      register: () => registerNotificationWorker(notifications),
      recover: () => startPsaPoller(notifications),
    },
    {
      name: 'compliance',
      register: () => registerComplianceWorker(compliance),
      recover: () => startSchedule(compliance),
    },
    // Data retention (packages/retention): every MSP's policy, hourly.
    {
      name: 'retention',
      register: () => registerRetentionWorker(retention),
      recover: () => startRetention(retention),
    },
  ];

  // Correlation: a worker role decides PENDING alerts (handed over in-process under `all`, swept
  // from the database otherwise) and applies time-based transitions. Under `all` with
  // CORRELATION_THREAD it runs in a worker thread of this process (correlation-thread.ts): the
  // turns no longer hold the event loop the intake and pages answer on.
  const onTurn = (t: { decided: number; seconds: number; stages?: TurnStages }) =>
    appMetrics().correlationTurn(t.decided, t.seconds, t.stages);
  const wantsThread = runsWeb && runsWorkers && env.CORRELATION_THREAD === true;
  const threaded = wantsThread && correlationThreadAvailable();
  if (wantsThread && !threaded)
    logger.warn(
      '[correlation] CORRELATION_THREAD is set, but this build has no thread sources: correlating in-process',
    );
  const correlation: CorrelationRunner | null = !runsWorkers
    ? null
    : threaded
      ? new CorrelationThread({
          connectionString: url,
          realtime: realtime.settings,
          options: {
            minTurnIntervalMs: env.CORRELATION_TURN_INTERVAL_MS ?? THREAD_TURN_INTERVAL_MS,
            turnIntervalFactor: env.CORRELATION_TURN_INTERVAL_FACTOR ?? THREAD_TURN_INTERVAL_FACTOR,
            liveWindowMs: LIVE_WINDOW_MS,
            listenerWindowMs: LISTENER_WINDOW_MS,
            ...threadWorkerOptions(o.correlation),
          },
          logger,
          onIncidentsChanged: (es) => incidentsChanged(es, 'correlation'),
          onTurn,
          onRestart: () => appMetrics().correlationThreadRestarted(),
        })
      : new CorrelationWorker({
          pool,
          logger,
          minTurnIntervalMs: env.CORRELATION_TURN_INTERVAL_MS ?? IN_PROCESS_TURN_INTERVAL_MS,
          turnIntervalFactor: env.CORRELATION_TURN_INTERVAL_FACTOR ?? 0,
          liveWindowMs: LIVE_WINDOW_MS,
          listenerWindowMs: LISTENER_WINDOW_MS,
          ...o.correlation,
          onIncidentsDecided: pushIncidentChanges,
          onIncidentsChanged: (es) => incidentsChanged(es, 'correlation'),
          onTurn,
        });

  // New PENDING alerts: handed straight to this process's correlation worker under `all`; a web
  // process without one wakes the worker processes (NOTIFY; packages/correlation/src/store/wake.ts),
  // which LISTEN for it. Their sweep stays the safety net for a missed wake-up.
  function announcePending(batch: { companyId: string; alertIds: bigint[] }[]): void {
    if (correlation) return correlation.alertsStored(batch);
    void notifyPending(
      pool,
      batch.map((b) => b.companyId),
    ).catch((e: unknown) => logger.warn(`[correlation] wake-up: ${(e as Error).message}`));
  }
  const wake =
    correlation && !runsWeb
      ? new PendingWake({
          connectionString: url,
          onPending: (companyId) => void correlation.drainCompany(companyId).catch(() => 0),
          // (Re)connected: what was announced meanwhile is found by a sweep now.
          onListening: () => void correlation.sweep().catch(() => 0),
          onError: (e) => logger.warn(`[correlation] wake-up listener: ${(e as Error).message}`),
        })
      : null;
  if (wake) owned.unshift(() => wake.stop());

  // Ingestion: a web role serves the webhooks; stored alerts are announced live and handed to
  // correlation (announcePending).
  let ingest: IngestRuntime | null = null;
  if (runsWeb) {
    const announceIntake = createIntakeAnnouncer({
      pool,
      publish: (e) => realtime.publish(e),
      publishMany: (es) => realtime.publishMany(es),
    });
    ingest = ingestRuntimeFromEnv({
      pool,
      source,
      sink: {
        alertsStored(batch) {
          announcePending(batch);
          void announceIntake(batch).catch((e: unknown) => logger.error(`[intake] live event: ${String(e)}`));
        },
      },
    });
    const rt = ingest;
    owned.unshift(() => rt.close());
  }

  let started = false;
  const root: Root = {
    role,
    runsWeb,
    runsWorkers,
    prisma,
    pool,
    realtime,
    aws,
    get ingest(): IngestRuntime {
      if (!ingest) throw new Error(`ingestion is not served by a ${role} process`);
      return ingest;
    },
    queue,
    runbooks,
    compliance,
    notifications,
    forgetCachedCredentials: () => ingest?.credentials.clear(),
    correlation,
    incidentListeners,
    queueWorkers,
    incidentChanged,
    start() {
      if (started) return root;
      started = true;
      if (!runsWorkers) return root;
      for (const w of queueWorkers) w.register(queue);
      queue.start();
      correlation!.start();
      void wake?.start();
      for (const w of queueWorkers)
        void w
          .recover?.()
          .catch((e: unknown) => logger.error(`[${w.name}] recover: ${(e as Error).message}`));
      return root;
    },
    async stop() {
      await correlation?.stop();
      await queue.stop();
      for (const close of owned) await Promise.resolve(close()).catch(() => undefined);
    },
  };
  return root;
}

// One root per process. The globalThis slot exists only so that Next.js dev hot reload (which
// re-evaluates modules) does not build a second set of pools, LISTEN connections and workers.
const slot = globalThis as unknown as { __awRoot?: Root };

/** This process's root (built from the environment on first use). */
export function getRoot(): Root {
  return (slot.__awRoot ??= createRoot());
}

/** Replaces this process's root (route-handler tests that build their own); returns the old one. */
export function replaceRoot(root: Root | undefined): Root | undefined {
  const old = slot.__awRoot;
  slot.__awRoot = root;
  return old;
}

/**
 * On the thread a company's turns start at most every 100 ms while it keeps up: its turns no longer
 * wait on a busy event loop, and without a floor they came four to six times smaller than in-process
 * and cost a quarter more CPU per alert (docs/PERFORMANCE.md).
 */
const THREAD_TURN_INTERVAL_MS = 100;
/**
 * …and, while the machine's CPUs are more than 80 % busy, no sooner than twice the last turn's
 * duration after it started: a saturated machine makes longer turns, so the turns grow with the
 * load and cost less CPU per alert (docs/PERFORMANCE.md, "Turns that grow when the CPUs are busy").
 */
const THREAD_TURN_INTERVAL_FACTOR = 2;
/**
 * In-process, a company's turns start at most every 25 ms while it keeps up. A turn has a fixed cost
 * (about 5 ms of CPU for a one-alert turn, most of it PostgreSQL's). With alerts arriving evenly at
 * 100/s the worker otherwise ran a turn per alert (235-267 in three seconds) at 11.9-12.2 ms of CPU
 * per alert, the app's and its PostgreSQL's; with the floor it ran 109-113 turns of three at 9.3-9.4
 * ms, and the decided lag was no longer (docs/PERFORMANCE.md, "A floor between a company's turns,
 * in-process").
 */
const IN_PROCESS_TURN_INTERVAL_MS = 25;
/**
 * Correlation's live push goes out at most every 20 ms, the runbook and notification listeners are
 * called at most every 100 ms; the turns that commit in between go together (CorrelationWorker's
 * liveWindowMs/listenerWindowMs). Many companies sending an alert now and then each make a turn of
 * their own, and each turn cost the push one statement and the listeners two or more
 * (docs/PERFORMANCE.md, "Many companies, an alert a second each").
 */
const LIVE_WINDOW_MS = 20;
const LISTENER_WINDOW_MS = 100;
