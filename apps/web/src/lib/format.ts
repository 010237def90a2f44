// Formatting and date helpers for the pages: pure functions, safe on the server and in the browser.
import type { IncidentStatus, Severity } from '@aw/core/domain';

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

export const severityTone: Record<Severity, 'red' | 'orange' | 'amber' | 'indigo' | 'zinc'> = {
  CRITICAL: 'red',
  HIGH: 'orange',
  MEDIUM: 'amber',
  LOW: 'indigo',
  INFO: 'zinc',
};

export const statusTone: Record<IncidentStatus, 'red' | 'amber' | 'green'> = {
  OPEN: 'red',
  ACKNOWLEDGED: 'amber',
  RESOLVED: 'green',
};

export function titleCase(s: string): string {
  return s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ');
}

// ───────────── date ranges and inputs ─────────────

export type RangePreset = '24h' | '7d' | '30d' | 'custom';
export const PRESETS: { value: Exclude<RangePreset, 'custom'>; label: string; ms: number }[] = [
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];

export interface DateRange {
  preset: RangePreset;
  from: Date;
  to: Date;
}

/** A range ending at the next full minute, so repeated renders give the same query input. */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, now = Date.now()): DateRange {
  const to = new Date(Math.ceil(now / 60_000) * 60_000);
  const ms = PRESETS.find((p) => p.value === preset)!.ms;
  return { preset, from: new Date(to.getTime() - ms), to };
}

/** `YYYY-MM-DDTHH:MM` in the browser's time zone, for datetime-local inputs. */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(v: string): Date | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
