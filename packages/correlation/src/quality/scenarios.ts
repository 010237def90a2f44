// Labelled scenarios for the correlation quality harness (bench/correlation-quality and the CI
// test). Built from realistic patterns, deterministic for a seed: every alert carries the cause it
// belongs to (null = background noise). Stateful sources (Alertmanager) send resolves; event
// sources (IDS, syslog, Wazuh through the generic webhook) never do.
import type { EngineAlert, Severity } from '../engine/types.ts';

export interface LabelledAlert extends EngineAlert {
  cause: string | null;
}

export interface Scenario {
  name: string;
  alerts: LabelledAlert[];
  causes: string[];
  /** Asset → assets it depends on (what a company would enter in its topology map). */
  topology: Record<string, string[]>;
}

const MIN = 60_000;
export const SCENARIO_T0 = new Date('2026-11-02T00:00:00Z').getTime();

/** mulberry32: a small deterministic PRNG. */
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

interface Draft {
  min: number;
  source: 'ALERTMANAGER' | 'GENERIC';
  asset: string;
  signature: string;
  severity?: Severity;
  status?: 'FIRING' | 'RESOLVED';
  labels?: Record<string, string>;
  instance?: string;
  cause: string | null;
}

/** A stateful alert firing at `from`, re-sent every `every` minutes, resolved at `to`. */
function stateful(out: Draft[], d: Omit<Draft, 'min' | 'source'>, from: number, to: number, every = 0): void {
  out.push({ ...d, source: 'ALERTMANAGER', min: from });
  if (every > 0)
    for (let m = from + every; m < to; m += every) out.push({ ...d, source: 'ALERTMANAGER', min: m });
  out.push({ ...d, source: 'ALERTMANAGER', min: to, status: 'RESOLVED' });
}

/** Event alerts (no resolve) every `every` minutes (± jitter) between from and to. */
function events(
  out: Draft[],
  rnd: () => number,
  d: Omit<Draft, 'min' | 'source'>,
  from: number,
  to: number,
  every: number,
): void {
  for (let m = from; m < to; m += every * (0.5 + rnd())) out.push({ ...d, source: 'GENERIC', min: m });
}

/** host_down with the services on it (Alertmanager), plus syslog from neighbours noticing. */
function hostDown(out: Draft[], cause: string, host: string, ip: string, at: number): void {
  const l = { ip };
  stateful(out, { cause, asset: host, signature: 'host_down', severity: 'CRITICAL', labels: l }, at, at + 40);
  for (const [i, svc] of [
    'http_probe_failed',
    'ssh_unreachable',
    'node_exporter_down',
    'app_health_failed',
  ].entries())
    stateful(
      out,
      { cause, asset: host, signature: svc, severity: 'HIGH', labels: l },
      at + 1 + i * 0.5,
      at + 41,
    );
}

/** A core switch fails: the switch itself, and host_down on the twenty hosts behind it. */
function switchFailure(
  out: Draft[],
  rnd: () => number,
  cause: string,
  sw: string,
  hosts: string[],
  at: number,
): void {
  stateful(out, { cause, asset: sw, signature: 'switch_unreachable', severity: 'CRITICAL' }, at, at + 30);
  events(out, rnd, { cause, asset: sw, signature: 'LINK-3-UPDOWN', severity: 'HIGH' }, at, at + 3, 1);
  for (const [i, h] of hosts.entries())
    stateful(
      out,
      { cause, asset: h, signature: 'host_down', severity: 'CRITICAL' },
      at + 1 + (i % 4) * 0.5,
      at + 31,
    );
}

/** A disk fills over half an hour, then the database on it crashes. */
function diskThenCrash(out: Draft[], rnd: () => number, cause: string, host: string, at: number): void {
  stateful(
    out,
    {
      cause,
      asset: host,
      signature: 'disk_usage_warning',
      severity: 'MEDIUM',
      labels: { mountpoint: '/var' },
    },
    at,
    at + 75,
  );
  stateful(
    out,
    {
      cause,
      asset: host,
      signature: 'disk_usage_critical',
      severity: 'HIGH',
      labels: { mountpoint: '/var' },
    },
    at + 20,
    at + 75,
  );
  events(
    out,
    rnd,
    { cause, asset: host, signature: 'syslog: No space left on device', severity: 'HIGH' },
    at + 28,
    at + 45,
    2,
  );
  stateful(
    out,
    { cause, asset: host, signature: 'postgres_down', severity: 'CRITICAL', labels: { service: 'postgres' } },
    at + 35,
    at + 70,
  );
  stateful(
    out,
    { cause, asset: host, signature: 'app_db_errors', severity: 'HIGH', labels: { service: 'orders' } },
    at + 36,
    at + 70,
  );
}

/** A port scan, then brute force on the bastion, then a web shell, all from one address. */
function attack(out: Draft[], rnd: () => number, cause: string, src: string, web: string, at: number): void {
  const l = { src_ip: src };
  events(
    out,
    rnd,
    { cause, asset: 'ids-1', signature: 'ET SCAN Nmap Scripting Engine', severity: 'MEDIUM', labels: l },
    at,
    at + 12,
    0.5,
  );
  events(
    out,
    rnd,
    { cause, asset: 'ids-1', signature: 'ET SCAN Potential SSH Scan', severity: 'MEDIUM', labels: l },
    at + 6,
    at + 14,
    1,
  );
  events(
    out,
    rnd,
    {
      cause,
      asset: 'bastion-1',
      signature: 'sshd: authentication failure',
      severity: 'LOW',
      labels: { ...l, user: 'root' },
    },
    at + 14,
    at + 34,
    0.5,
  );
  events(
    out,
    rnd,
    { cause, asset: 'bastion-1', signature: 'wazuh 5712: brute force', severity: 'HIGH', labels: l },
    at + 18,
    at + 34,
    3,
  );
  events(
    out,
    rnd,
    { cause, asset: web, signature: 'wazuh 31510: web shell', severity: 'CRITICAL', labels: l },
    at + 45,
    at + 50,
    2,
  );
  events(
    out,
    rnd,
    { cause, asset: web, signature: 'php: suspicious exec', severity: 'HIGH', labels: l },
    at + 46,
    at + 52,
    2,
  );
}

/**
 * Background noise at realistic rates from many hosts: most of the volume is a few identities
 * repeating all day (one host in eight is chatty: a vulnerability scanner at 10.0.0.5, a hub,
 * resets its SSH connections every few minutes), plus flapping resource checks (stateful, every
 * few hours), sporadic log events, and on one host in twenty a cron job failing every hour.
 */
function noise(out: Draft[], rnd: () => number, hosts: string[], minutes: number): void {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  for (const [i, h] of hosts.entries()) {
    const ip = `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    if (i % 8 === 0)
      for (let m = rnd() * 5; m < minutes; m += 0.5 + rnd() * 5.5)
        out.push({
          cause: null,
          source: 'GENERIC',
          min: m,
          asset: h,
          signature: 'sshd: connection reset',
          severity: 'INFO',
          labels: { src_ip: '10.0.0.5', ip },
        });
    for (let m = rnd() * 180; m < minutes; m += 90 + rnd() * 180) {
      const sig = pick(['cpu_high', 'memory_high', 'load_high']);
      stateful(
        out,
        { cause: null, asset: h, signature: sig, severity: 'LOW', labels: { ip } },
        m,
        m + 3 + rnd() * 20,
      );
    }
    for (let m = rnd() * 240; m < minutes; m += 120 + rnd() * 240)
      out.push(
        rnd() < 0.7
          ? {
              cause: null,
              source: 'GENERIC',
              min: m,
              asset: h,
              signature: pick(['kernel: martian source', 'systemd: unit restarted', 'ntpd: clock step']),
              severity: 'LOW',
              labels: { ip },
            }
          : {
              cause: null,
              source: 'GENERIC',
              min: m,
              asset: h,
              signature: 'sudo: auth failure',
              severity: 'LOW',
              labels: { ip, user: pick(['admin', 'backup', 'deploy']) },
            },
      );
    if (i % 20 === 7)
      for (let m = 17; m < minutes; m += 60)
        out.push({
          cause: null,
          source: 'GENERIC',
          min: m,
          asset: h,
          signature: 'cron: backup job failed',
          severity: 'LOW',
          labels: { ip },
        });
  }
}

function finish(name: string, drafts: Draft[], topology: Record<string, string[]>): Scenario {
  drafts.sort((a, b) => a.min - b.min);
  const alerts = drafts.map((d, i): LabelledAlert => {
    const labels = { ...(d.labels ?? {}) };
    return {
      id: BigInt(i + 1),
      fingerprint: `${d.source}|${d.asset}|${d.signature}|${JSON.stringify(Object.entries(labels).sort())}`,
      source: d.source,
      asset: d.asset,
      signature: d.signature,
      service: labels.service ?? null,
      summary: `${d.signature} on ${d.asset}`,
      severity: d.severity ?? 'MEDIUM',
      status: d.status ?? 'FIRING',
      occurredAt: new Date(SCENARIO_T0 + Math.round(d.min * MIN)),
      labels,
      cause: d.cause,
    };
  });
  const causes = [...new Set(alerts.map((a) => a.cause).filter((c): c is string => c !== null))].sort();
  return { name, alerts, causes, topology };
}

/**
 * `small`: three hours, four causes (one of each pattern), 60 noise hosts: the CI scenario.
 * `day`: a day, nine causes, 400 noise hosts.
 */
export function buildScenario(size: 'small' | 'day', seed = 7): Scenario {
  const rnd = prng(seed);
  const out: Draft[] = [];
  const topology: Record<string, string[]> = {};
  const rack = (r: number) =>
    Array.from({ length: 20 }, (_, i) => `rack${r}-h${String(i + 1).padStart(2, '0')}`);
  for (const r of [1, 2]) for (const h of rack(r)) topology[h] = [`sw-rack${r}`];
  if (size === 'small') {
    hostDown(out, 'host-down:app-07', 'app-07', '10.1.0.7', 20);
    switchFailure(out, rnd, 'switch:sw-rack1', 'sw-rack1', rack(1), 50);
    diskThenCrash(out, rnd, 'disk-crash:db-03', 'db-03', 70);
    attack(out, rnd, 'attack:198.51.100.23', '198.51.100.23', 'web-02', 100);
    noise(
      out,
      rnd,
      Array.from({ length: 60 }, (_, i) => `srv-${String(i + 1).padStart(3, '0')}`),
      180,
    );
    return finish('small', out, topology);
  }
  hostDown(out, 'host-down:app-07', 'app-07', '10.1.0.7', 60);
  hostDown(out, 'host-down:mail-01', 'mail-01', '10.1.0.25', 900);
  switchFailure(out, rnd, 'switch:sw-rack1', 'sw-rack1', rack(1), 200);
  switchFailure(out, rnd, 'switch:sw-rack2', 'sw-rack2', rack(2), 1100);
  diskThenCrash(out, rnd, 'disk-crash:db-03', 'db-03', 400);
  diskThenCrash(out, rnd, 'disk-crash:files-02', 'files-02', 1300);
  attack(out, rnd, 'attack:198.51.100.23', '198.51.100.23', 'web-02', 520);
  attack(out, rnd, 'attack:203.0.113.77', '203.0.113.77', 'web-05', 760);
  attack(out, rnd, 'attack:192.0.2.140', '192.0.2.140', 'shop-01', 1200);
  noise(
    out,
    rnd,
    Array.from({ length: 400 }, (_, i) => `srv-${String(i + 1).padStart(3, '0')}`),
    1440,
  );
  return finish('day', out, topology);
}
