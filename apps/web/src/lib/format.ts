/** "3 min ago", "2 h ago", "5 d ago": short relative times for dense tables. */
export function ago(date: Date | string, now = Date.now()): string {
  const t = typeof date === 'string' ? new Date(date).getTime() : date.getTime();
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type Status = (typeof STATUSES)[number];

export const severityTone: Record<Severity, 'red' | 'orange' | 'amber' | 'indigo' | 'zinc'> = {
  CRITICAL: 'red',
  HIGH: 'orange',
  MEDIUM: 'amber',
  LOW: 'indigo',
  INFO: 'zinc',
};

export const statusTone: Record<Status, 'red' | 'amber' | 'green'> = {
  OPEN: 'red',
  ACKNOWLEDGED: 'amber',
  RESOLVED: 'green',
};

export function titleCase(s: string): string {
  return s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ');
}
