// The guardrails an execution passes before it is created, each refusing with its reason.
// Automatic (policy) runs pass all of them; a technician's ad hoc run or approval passes the kill
// switches and the concurrency limit (a person decided; the per-asset limits guard automation).

export interface GuardrailPolicy {
  maxPerHour: number;
  cooldownMinutes: number;
  bootGraceMinutes: number;
  maxConcurrent: number;
}

export interface GuardrailFacts {
  mspPaused: boolean;
  companyPaused: boolean;
  /** Executions of this runbook on this asset started (not refused) in the last hour. */
  attemptsLastHour: number;
  /** When the last execution of this runbook on this asset finished. */
  lastFinishedAt: Date | null;
  /** When the target node came online (boot), if known. */
  bootedAt: Date | null;
  /** The company's executions now PENDING or IN_PROGRESS. */
  running: number;
}

export type Guardrail =
  'kill_switch_msp' | 'kill_switch_company' | 'attempts' | 'cooldown' | 'boot_grace' | 'concurrency';

export function checkGuardrails(
  p: GuardrailPolicy,
  f: GuardrailFacts,
  now: Date,
  opts: { automatic: boolean },
): { guardrail: Guardrail; reason: string } | null {
  if (f.mspPaused)
    return { guardrail: 'kill_switch_msp', reason: 'kill switch: the MSP has paused all runbooks' };
  if (f.companyPaused)
    return { guardrail: 'kill_switch_company', reason: 'kill switch: runbooks are paused for this company' };
  if (opts.automatic) {
    if (f.attemptsLastHour >= p.maxPerHour)
      return {
        guardrail: 'attempts',
        reason: `attempts: ${f.attemptsLastHour} runs on this asset in the last hour (limit ${p.maxPerHour})`,
      };
    if (f.lastFinishedAt && now.getTime() - f.lastFinishedAt.getTime() < p.cooldownMinutes * 60_000)
      return {
        guardrail: 'cooldown',
        reason: `cooldown: the last run on this asset finished at ${f.lastFinishedAt.toISOString()}; next allowed after ${new Date(f.lastFinishedAt.getTime() + p.cooldownMinutes * 60_000).toISOString()}`,
      };
    if (f.bootedAt && now.getTime() - f.bootedAt.getTime() < p.bootGraceMinutes * 60_000)
      return {
        guardrail: 'boot_grace',
        reason: `boot grace: the node came up at ${f.bootedAt.toISOString()}, within the ${p.bootGraceMinutes}-minute grace period`,
      };
  }
  if (f.running >= p.maxConcurrent)
    return {
      guardrail: 'concurrency',
      reason: `concurrency: ${f.running} executions already running for this company (limit ${p.maxConcurrent})`,
    };
  return null;
}

/** A boot time from the alert's labels (boot_time as ISO or epoch seconds, or uptime_seconds). */
export function bootTimeFromLabels(labels: Record<string, string>, now: Date): Date | null {
  const bt = labels.boot_time;
  if (bt) {
    const d = /^\d+$/.test(bt) ? new Date(Number(bt) * 1000) : new Date(bt);
    if (!Number.isNaN(d.getTime())) return d;
  }
  const up = labels.uptime_seconds;
  if (up && /^\d+(\.\d+)?$/.test(up)) return new Date(now.getTime() - Number(up) * 1000);
  return null;
}
