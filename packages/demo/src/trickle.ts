// The demo's live trickle: after the initial stream, a few alerts every few seconds through the
// same signed webhook path, so a newcomer's dashboard keeps changing in front of them: repeats that
// join open incidents, new problems that open incidents, and recoveries that resolve them.
import type { DemoAlert } from './scenario.ts';
import { prng } from './scenario.ts';

const NEW_PROBLEMS = [
  ['cpu_high', 'high', 'CPU above 95% for 5 minutes'],
  ['memory_high', 'medium', 'Memory above 90%'],
  ['http_latency', 'medium', 'p95 latency above 2 s'],
  ['disk_io_high', 'low', 'Disk I/O wait above 40%'],
  ['cert_expiring', 'low', 'TLS certificate expires in 7 days'],
] as const;

export interface TrickleState {
  tick: number;
  /** Problems opened by the trickle and not yet recovered, oldest first. */
  open: {
    company: string;
    asset: string;
    signature: string;
    severity: DemoAlert['severity'];
    summary: string;
  }[];
}

/**
 * The alerts of one tick, deterministic for (seed, tick). Each tick: the noisy `disk_full` on a
 * company's `server-prod-01` fires again (correlated into its open incident), every third tick a
 * new problem fires on a random asset, and once more than three are open the oldest recovers.
 */
export function trickleTick(companies: string[], state: TrickleState, now: Date, seed = 7): DemoAlert[] {
  const rnd = prng(seed * 100_003 + state.tick);
  const company = companies[state.tick % companies.length]!;
  const out: DemoAlert[] = [
    {
      company,
      asset: `${company}-server-prod-01`,
      signature: 'disk_full',
      severity: 'high',
      status: 'firing',
      occurredAt: now,
      summary: 'Disk / is 93% full',
      labels: { env: 'prod', team: 'infra', source: 'demo-live' },
    },
  ];
  // Every 30 minutes (first on start): a full disk on a real managed node of the simulated
  // company, fired once, which its AUTO runbook policy heals (MSP-DiskCleanup) and resolves.
  if (state.tick % 120 === 0)
    out.push({
      company,
      asset: `${company}-db-01`,
      signature: 'disk_full',
      severity: 'high',
      status: 'firing',
      occurredAt: now,
      summary: 'Disk /var is 95% full',
      labels: { env: 'prod', team: 'infra', source: 'demo-live', mountpoint: '/var' },
    });
  if (state.tick % 3 === 0) {
    const [signature, severity, summary] = NEW_PROBLEMS[Math.floor(rnd() * NEW_PROBLEMS.length)]!;
    const asset = `${company}-live-${String(Math.floor(rnd() * 40)).padStart(2, '0')}`;
    if (!state.open.some((p) => p.asset === asset && p.signature === signature)) {
      const p = { company, asset, signature, severity, summary };
      state.open.push(p);
      out.push({ ...p, status: 'firing', occurredAt: now, labels: { env: 'prod', source: 'demo-live' } });
    }
  }
  if (state.open.length > 3) {
    const p = state.open.shift()!;
    out.push({ ...p, status: 'resolved', occurredAt: now, labels: { env: 'prod', source: 'demo-live' } });
  }
  state.tick++;
  return out;
}
