// The demo's alert mix: a deterministic (seeded) day-in-the-life of an MSP's three clients.
// Pure: returns the alerts to send, ordered by time; nothing here talks to the network.

export interface DemoAlert {
  company: string;
  asset: string;
  signature: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  status: 'firing' | 'resolved';
  occurredAt: Date;
  service?: string;
  summary: string;
  labels: Record<string, string>;
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SINGLE_SIGNATURES = [
  'cpu_high',
  'memory_high',
  'swap_usage',
  'ntp_drift',
  'cert_expiring',
  'http_latency',
  'inode_usage',
  'load_high',
] as const;

const SERVICES_ON_HOST = ['nginx_down', 'ssh_down', 'disk_io_high', 'ping_loss'] as const;

/** Where the demo's maintenance window applies (asset pattern, Alertmanager-style anchored regex). */
export const DEMO_MAINTENANCE_ASSETS = '.*-db-maint-.*';

/**
 * `run` shifts the asset names (run 0: srv-000…, run 1: srv-100…) so that a second stream into the
 * same database starts new problems instead of repeating the still-open ones.
 */
export function demoScenario(opts: {
  companies: string[];
  end: Date;
  seed?: number;
  hours?: number;
  run?: number;
}): DemoAlert[] {
  const rnd = prng(opts.seed ?? 42);
  const span = (opts.hours ?? 3) * 60; // minutes
  const start = opts.end.getTime() - span * 60_000;
  const at = (min: number) => new Date(start + min * 60_000);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const base = ((opts.run ?? 0) % 9) * 100;
  const pad = (n: number) => String(base + n).padStart(3, '0');
  const out: DemoAlert[] = [];

  for (const company of opts.companies) {
    const add = (
      a: Omit<DemoAlert, 'company' | 'summary' | 'labels'> & { labels?: Record<string, string> },
    ) =>
      out.push({
        company,
        labels: { env: 'prod', client: company, ...a.labels },
        summary: `${a.signature.replace(/_/g, ' ')} on ${a.asset}`,
        ...a,
      });

    // 1. Independent problems across 80 servers; about half clear on their own.
    for (let i = 0; i < 80; i++) {
      const asset = `${company}-srv-${pad(i)}`;
      const signature = pick(SINGLE_SIGNATURES);
      const t = rnd() * (span - 10);
      const severity = pick(['high', 'medium', 'medium', 'low'] as const);
      add({ asset, signature, severity, status: 'firing', occurredAt: at(t) });
      if (rnd() < 0.5)
        add({ asset, signature, severity, status: 'resolved', occurredAt: at(t + int(5, 40)) });
    }

    // 2. Repeats of one alert (a sender re-notifying while the condition lasts).
    for (let i = 0; i < 15; i++) {
      const isHero = company === opts.companies[0] && i === 0;
      const asset = isHero ? 'server-prod-01' : `${company}-app-${pad(i)}`;
      const signature = isHero ? 'disk_full' : pick(['disk_full', 'queue_backlog'] as const);
      const count = isHero ? 10 : int(3, 7);
      let t = isHero ? span - 30 : rnd() * (span - 20);
      for (let k = 0; k < count; k++) {
        add({
          asset,
          signature,
          severity: isHero ? 'critical' : 'high',
          status: 'firing',
          occurredAt: at(t),
        });
        t += isHero ? 0.4 : rnd() * 0.7 + 0.3;
      }
      if (!isHero && rnd() < 0.5)
        add({ asset, signature, severity: 'high', status: 'resolved', occurredAt: at(t + 5) });
    }

    // 3. One problem, several alert identities (filesystems of one host): grouped by asset|signature.
    for (let i = 0; i < 10; i++) {
      const asset = `${company}-fs-${pad(i)}`;
      const t = rnd() * (span - 10);
      const mounts = ['/var', '/home', '/data'].slice(0, int(2, 3));
      mounts.forEach((mount, k) =>
        add({
          asset,
          signature: 'disk_usage',
          severity: 'medium',
          status: 'firing',
          occurredAt: at(t + k),
          labels: { mount },
        }),
      );
    }

    // 4. Flapping health checks: firing/resolved every 3 minutes.
    for (let i = 0; i < 3; i++) {
      const asset = `${company}-svc-${pad(i)}`;
      const t = rnd() * (span - 40);
      for (let k = 0; k < 8; k++)
        add({
          asset,
          signature: 'http_check_failed',
          service: `checkout-${i}`,
          severity: 'high',
          status: k % 2 ? 'resolved' : 'firing',
          occurredAt: at(t + k * 3),
        });
    }

    // 5. A host goes down: its service alerts are inhibited while host_down fires.
    for (let i = 0; i < 2; i++) {
      const asset = `${company}-web-${pad(i)}`;
      const t = rnd() * (span - 30);
      add({ asset, signature: 'host_down', severity: 'critical', status: 'firing', occurredAt: at(t) });
      SERVICES_ON_HOST.forEach((signature, k) =>
        add({ asset, signature, severity: 'high', status: 'firing', occurredAt: at(t + 0.5 + k * 0.3) }),
      );
      add({
        asset,
        signature: 'host_down',
        severity: 'critical',
        status: 'resolved',
        occurredAt: at(t + 15),
      });
    }

    // 6. Database patching inside a maintenance window: suppressed, stored, counted.
    for (let i = 0; i < 8; i++) {
      const asset = `${company}-db-maint-${pad(i)}`;
      const t = rnd() * (span - 10);
      add({ asset, signature: 'replication_lag', severity: 'high', status: 'firing', occurredAt: at(t) });
      add({ asset, signature: 'backup_running', severity: 'info', status: 'firing', occurredAt: at(t + 2) });
    }

    // 7. A noisy check that re-fires every 15 minutes for the whole period.
    for (let i = 0; i < 4; i++) {
      const asset = `${company}-nas-${pad(i)}`;
      for (let t = i; t < span; t += 15)
        add({ asset, signature: 'backup_failed', severity: 'medium', status: 'firing', occurredAt: at(t) });
    }
  }
  // Anything scheduled after `end` (a late resolve) has not happened yet.
  return out
    .filter((a) => a.occurredAt.getTime() <= opts.end.getTime())
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
