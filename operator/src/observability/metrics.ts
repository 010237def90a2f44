// The operator's Prometheus metrics (text format on GET /metrics). One registry per process (and
// per test), passed to whoever records.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(o: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (o.defaults) collectDefaultMetrics({ register: registry, prefix: 'aw_operator_' });
  const r = [registry];
  return {
    registry,
    queueDepth: new Gauge({
      name: 'aw_operator_queue_depth',
      help: 'Alerts in the on-disk queue, not yet delivered',
      registers: r,
    }),
    queueBytes: new Gauge({
      name: 'aw_operator_queue_bytes',
      help: 'Bytes of undelivered alerts on disk',
      registers: r,
    }),
    queueCapacityBytes: new Gauge({
      name: 'aw_operator_queue_capacity_bytes',
      help: 'The queue bound in bytes',
      registers: r,
    }),
    queueFull: new Gauge({
      name: 'aw_operator_queue_full',
      help: '1 while the queue refuses alerts (answers 503)',
      registers: r,
    }),
    accepted: new Counter({
      name: 'aw_operator_alerts_accepted_total',
      help: 'Alerts written to the queue',
      labelNames: ['source'],
      registers: r,
    }),
    rejectedFull: new Counter({
      name: 'aw_operator_alerts_rejected_full_total',
      help: 'Alerts refused because the queue was full',
      labelNames: ['source'],
      registers: r,
    }),
    forwarded: new Counter({
      name: 'aw_operator_alerts_forwarded_total',
      help: 'Alerts delivered upstream (acknowledged 2xx)',
      registers: r,
    }),
    batches: new Counter({
      name: 'aw_operator_batches_forwarded_total',
      help: 'Batches delivered upstream',
      registers: r,
    }),
    retries: new Counter({
      name: 'aw_operator_forward_retries_total',
      help: 'Delivery attempts that will be retried',
      registers: r,
    }),
    failures: new Counter({
      name: 'aw_operator_forward_failures_total',
      help: 'Failed delivery attempts by reason',
      labelNames: ['reason'],
      registers: r,
    }),
    deadLettered: new Counter({
      name: 'aw_operator_alerts_dead_lettered_total',
      help: 'Alerts the app refused as invalid (kept in dead-letter.jsonl)',
      registers: r,
    }),
    eventsSeen: new Counter({
      name: 'aw_operator_events_seen_total',
      help: 'Warning events observed',
      labelNames: ['reason'],
      registers: r,
    }),
    reconcileDuration: new Histogram({
      name: 'aw_operator_reconcile_duration_seconds',
      help: 'Reconcile duration by controller',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    reconcileErrors: new Counter({
      name: 'aw_operator_reconcile_errors_total',
      help: 'Reconciles that failed (and were requeued)',
      labelNames: ['controller'],
      registers: r,
    }),
    workqueueDepth: new Gauge({
      name: 'aw_operator_workqueue_depth',
      help: 'Keys waiting in a controller work queue',
      labelNames: ['controller'],
      registers: r,
    }),
    informerRelists: new Counter({
      name: 'aw_operator_informer_relists_total',
      help: 'Full relists by resource and cause',
      labelNames: ['resource', 'cause'],
      registers: r,
    }),
    leader: new Gauge({
      name: 'aw_operator_leader',
      help: '1 while this replica holds the Lease',
      registers: r,
    }),
  };
}
