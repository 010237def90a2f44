// The composition root of one operator process: the queue, the forwarder and the HTTP endpoints run
// on every replica (each has its own volume, so what a replica accepted it also delivers); the
// controllers and the Warning-event watch run only on the replica holding the Lease.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { HYBRID_ACTIVATION, SITE, type HybridActivation, type Site } from './api/v1alpha1/index.ts';
import type { TConfig } from './config.ts';
import { HybridActivationController } from './controllers/hybrid-activation.ts';
import { SiteController } from './controllers/site.ts';
import type { KubeEvent } from './forwarder/alerts.ts';
import { DiskQueue } from './forwarder/disk-queue.ts';
import { Forwarding } from './forwarder/pipeline.ts';
import { createHttpServer, listen } from './http-server.ts';
import { createLogger, type Logger } from './observability/log.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { systemClock, type Clock } from './runtime/clock.ts';
import { Informer, objectKey, type KubeObject } from './runtime/informer.ts';
import { Kube, loadKubeConfig, microTime } from './runtime/kube.ts';
import { LeaderElector } from './runtime/leader.ts';
import { runWorkers, WorkQueue } from './runtime/workqueue.ts';

export const OPERATOR_VERSION: string = (() => {
  try {
    return (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '0.0.0';
  }
})();

export interface RunningOperator {
  port: number;
  forwarding: Forwarding;
  metrics: Metrics;
  leader: LeaderElector | null;
  isLeader(): boolean;
  stop(): Promise<void>;
}

interface Controllers {
  stop(): Promise<void>;
}

function startControllers(
  kube: Kube,
  cfg: TConfig,
  forwarding: Forwarding,
  metrics: Metrics,
  log: Logger,
  clock: Clock,
  siteWake: { fn: () => void },
): Controllers {
  const ns = cfg.POD_NAMESPACE;
  const siteQueue = new WorkQueue({ clock });
  const haQueue = new WorkQueue({ clock });
  const site = new SiteController({
    kube,
    namespace: ns,
    siteName: cfg.SITE_NAME,
    operatorVersion: OPERATOR_VERSION,
    forwarding,
    log: log.child({ controller: 'site' }),
    clock,
    heartbeatMs: cfg.HEARTBEAT_SECONDS * 1000,
  });
  const ha = new HybridActivationController({
    kube,
    operatorVersion: OPERATOR_VERSION,
    log: log.child({ controller: 'hybridactivation' }),
    clock,
  });
  siteWake.fn = () => siteQueue.add(`${ns}/${cfg.SITE_NAME}`);
  const watcher = {
    watch: (
      p: string,
      q: Record<string, string | number | boolean | undefined>,
      cb: (t: string, o: unknown) => void,
      done: (e: unknown) => void,
    ) => kube.watcher.watch(p, q, cb, done),
  };
  const relisted = (resource: string) => (cause: string) => {
    if (cause !== 'initial') metrics.informerRelists.inc({ resource, cause });
  };
  const sites = new Informer<Site>({
    resource: SITE.plural,
    list: () => kube.listCustom<Site>('sites', ns),
    watchPath: kube.customWatchPath('sites', ns),
    watcher,
    onUpsert: (o) => siteQueue.add(objectKey(o)),
    onDelete: (o) => siteQueue.add(objectKey(o)),
    onRelist: relisted(SITE.plural),
    log,
    clock,
  });
  const activations = new Informer<HybridActivation>({
    resource: HYBRID_ACTIVATION.plural,
    list: () => kube.listCustom<HybridActivation>('hybridactivations', ns),
    watchPath: kube.customWatchPath('hybridactivations', ns),
    watcher,
    onUpsert: (o) => haQueue.add(objectKey(o)),
    onDelete: (o) => haQueue.add(objectKey(o)),
    onRelist: relisted(HYBRID_ACTIVATION.plural),
    log,
    clock,
  });
  const events = new Informer<KubeObject & KubeEvent>({
    resource: 'events',
    list: async () => {
      const r = await kube.listWarningEvents(cfg.EVENTS_NAMESPACE || undefined);
      return { items: r.items as (KubeObject & KubeEvent)[], resourceVersion: r.resourceVersion };
    },
    watchPath: kube.eventsWatchPath(cfg.EVENTS_NAMESPACE || undefined),
    watchQuery: { fieldSelector: 'type=Warning' },
    watcher,
    onUpsert: (e) => void forwarding.acceptEvent(e),
    onRelist: relisted('events'),
    log,
    clock,
  });
  for (const i of [sites, activations, events]) i.start();
  // A Site whose Secret changes is picked up by its next heartbeat reconcile.
  const timed = (name: string, q: WorkQueue, fn: (k: string) => Promise<{ requeueAfterMs?: number }>) =>
    runWorkers(
      q,
      2,
      async (key) => {
        const end = metrics.reconcileDuration.startTimer({ controller: name });
        try {
          return await fn(key);
        } finally {
          end();
          metrics.workqueueDepth.set({ controller: name }, q.length);
        }
      },
      (key, err, retryInMs) => {
        metrics.reconcileErrors.inc({ controller: name });
        log.warn('reconcile failed, requeued', { controller: name, key, error: err, retryInMs });
      },
    );
  const workers = [
    timed('site', siteQueue, (k) => site.reconcile(k)),
    timed('hybridactivation', haQueue, (k) => ha.reconcile(k)),
  ];
  return {
    async stop() {
      for (const i of [sites, activations, events]) i.stop();
      siteQueue.shutdown();
      haQueue.shutdown();
      siteWake.fn = () => {};
      await Promise.all(workers);
    },
  };
}

export async function runOperator(
  cfg: TConfig,
  o: { log?: Logger; clock?: Clock } = {},
): Promise<RunningOperator> {
  const log = o.log ?? createLogger({ level: cfg.LOG_LEVEL, base: { pod: cfg.POD_NAME } });
  const clock = o.clock ?? systemClock;
  const metrics = createMetrics({ defaults: true });
  const queue = await DiskQueue.open(path.join(cfg.DATA_DIR, 'queue'), {
    maxBytes: cfg.QUEUE_MAX_BYTES,
    segmentBytes: cfg.QUEUE_SEGMENT_BYTES,
    onRecovery: (info) => log.warn('queue recovered from a torn write', info),
  });
  log.info('queue opened', { depth: queue.depth, bytes: queue.bytes, dir: queue.dir });
  const siteWake = { fn: () => {} };
  const forwarding = new Forwarding(queue, metrics, log, {
    cluster: cfg.CLUSTER_NAME,
    operatorVersion: OPERATOR_VERSION,
    sender: {
      maxBatchAlerts: cfg.FORWARD_BATCH_MAX,
      backoffBaseMs: cfg.BACKOFF_BASE_MS,
      backoffMaxMs: cfg.BACKOFF_MAX_MS,
    },
    onStateChange: () => siteWake.fn(),
  });
  forwarding.start();
  const kube = new Kube(loadKubeConfig({ kubeconfig: cfg.KUBECONFIG }));
  let controllers: Controllers | null = null;
  const lead = () => {
    metrics.leader.set(1);
    controllers = startControllers(kube, cfg, forwarding, metrics, log, clock, siteWake);
  };
  const unlead = () => {
    metrics.leader.set(0);
    const c = controllers;
    controllers = null;
    void c?.stop();
  };
  let leader: LeaderElector | null = null;
  if (cfg.LEADER_ELECTION) {
    leader = new LeaderElector(
      {
        get: (ns, name) => kube.getLease(ns, name),
        create: (ns, l) => kube.createLease(ns, l),
        replace: (ns, l) => kube.replaceLease(ns, l),
        time: microTime,
      },
      {
        namespace: cfg.POD_NAMESPACE,
        name: cfg.LEASE_NAME,
        identity: cfg.POD_NAME,
        leaseDurationMs: cfg.LEASE_DURATION_MS,
        renewDeadlineMs: cfg.RENEW_DEADLINE_MS,
        retryPeriodMs: cfg.RETRY_PERIOD_MS,
        clock,
        log,
        onStartedLeading: lead,
        onStoppedLeading: unlead,
      },
    );
    leader.start();
  } else {
    lead();
  }
  const server: http.Server = createHttpServer({
    forwarding,
    metrics,
    log,
    receiverToken: cfg.RECEIVER_TOKEN,
    ready: () => true,
  });
  const port = await listen(server, cfg.PORT, cfg.HOST);
  log.info('operator started', {
    version: OPERATOR_VERSION,
    port,
    namespace: cfg.POD_NAMESPACE,
    site: cfg.SITE_NAME,
  });
  return {
    port,
    forwarding,
    metrics,
    leader,
    isLeader: () => controllers !== null,
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      if (leader) await leader.stop();
      else unlead();
      await (controllers as Controllers | null)?.stop();
      await forwarding.stop();
      await queue.close();
    },
  };
}
