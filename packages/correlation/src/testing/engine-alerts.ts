import type { AlertStatus, EngineAlert, Severity } from '../engine/types.ts';

export const T0 = new Date('2026-03-02T10:00:00Z'); // a Monday
export const at = (min: number) => new Date(T0.getTime() + min * 60_000);

let nextId = 1n;
export function resetIds() {
  nextId = 1n;
}

export function alert(
  p: Partial<Omit<EngineAlert, 'occurredAt'>> & { min?: number; occurredAt?: Date } = {},
): EngineAlert {
  const asset = p.asset ?? 'server-prod-01';
  const signature = p.signature ?? 'disk_full';
  return {
    id: p.id ?? nextId++,
    fingerprint: p.fingerprint ?? `${asset}/${signature}`,
    source: p.source ?? 'NATIVE',
    asset,
    signature,
    service: p.service ?? null,
    summary: p.summary ?? '',
    severity: (p.severity ?? 'MEDIUM') as Severity,
    status: (p.status ?? 'FIRING') as AlertStatus,
    occurredAt: p.occurredAt ?? at(p.min ?? 0),
    labels: p.labels ?? {},
  };
}
