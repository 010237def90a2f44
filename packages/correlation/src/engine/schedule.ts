// When a maintenance window is active: one-off (startsAt ≤ t < endsAt) or recurring (weekly or a
// five-field cron) within [startsAt, endsAt), evaluated in the window's IANA time zone.
import type { MaintenanceWindowRule, Recurrence } from './types.ts';

const DAY = 1440;
const WEEK = 7 * DAY;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        weekday: 'short',
      });
    } catch {
      f = formatter('UTC');
    }
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

export function localTime(t: Date, tz: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(t)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? 'Sun'] ?? 0,
  };
}

function parseHHMM(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/** Weekly: minutes since the local week start, compared modulo a week (wall-clock minutes). */
function weeklyActive(lt: LocalTime, r: Extract<Recurrence, { kind: 'weekly' }>): boolean {
  const start = parseHHMM(r.start);
  if (start === null || r.durationMinutes <= 0) return false;
  const now = lt.weekday * DAY + lt.hour * 60 + lt.minute;
  return r.days.some((d) => {
    if (!Number.isInteger(d) || d < 0 || d > 6) return false;
    const s = d * DAY + start;
    return (((now - s) % WEEK) + WEEK) % WEEK < Math.min(r.durationMinutes, WEEK);
  });
}

type CronField = Set<number> | null; // null = any

function parseCronField(f: string, min: number, max: number): CronField | undefined {
  if (f === '*') return null;
  const out = new Set<number>();
  for (const part of f.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const step = m[3] ? Number(m[3]) : 1;
    const lo = m[1] === '*' ? min : Number(m[1]);
    const hi = m[2] ? Number(m[2]) : m[1] === '*' || m[3] ? max : lo;
    if (lo < min || hi > max || lo > hi || step < 1) return undefined;
    for (let v = lo; v <= hi; v += step) out.add(v === 7 && max === 7 ? 0 : v);
  }
  return out;
}

export interface Cron {
  minute: CronField;
  hour: CronField;
  dom: CronField;
  month: CronField;
  dow: CronField;
}

const cronCache = new Map<string, Cron | null>();
export function parseCron(expr: string): Cron | null {
  let c = cronCache.get(expr);
  if (c !== undefined) return c;
  const f = expr.trim().split(/\s+/);
  c = null;
  if (f.length === 5) {
    const parsed = [
      parseCronField(f[0]!, 0, 59),
      parseCronField(f[1]!, 0, 23),
      parseCronField(f[2]!, 1, 31),
      parseCronField(f[3]!, 1, 12),
      parseCronField(f[4]!, 0, 7),
    ];
    if (parsed.every((p) => p !== undefined))
      c = { minute: parsed[0]!, hour: parsed[1]!, dom: parsed[2]!, month: parsed[3]!, dow: parsed[4]! };
  }
  cronCache.set(expr, c);
  return c;
}

const has = (f: CronField, v: number) => f === null || f.has(v);

/** Cron: is there a firing minute m with t - duration < m ≤ t (in local wall-clock minutes)? */
function cronActive(lt: LocalTime, r: Extract<Recurrence, { kind: 'cron' }>): boolean {
  const c = parseCron(r.expr);
  if (!c || r.durationMinutes <= 0) return false;
  // Walk back over local wall-clock minutes as a naive UTC calendar (DST shifts are not modelled).
  const base = Date.UTC(lt.year, lt.month - 1, lt.day, lt.hour, lt.minute);
  const span = Math.min(r.durationMinutes, 31 * DAY);
  for (let i = 0; i < span; i++) {
    const d = new Date(base - i * 60_000);
    if (!has(c.month, d.getUTCMonth() + 1)) {
      i += (d.getUTCDate() - 1) * DAY + d.getUTCHours() * 60 + d.getUTCMinutes(); // to the previous month's last minute
      continue;
    }
    const domOk = has(c.dom, d.getUTCDate());
    const dowOk = has(c.dow, d.getUTCDay());
    // Vixie cron: when both day fields are restricted, either may match.
    const dayOk = c.dom !== null && c.dow !== null ? domOk || dowOk : domOk && dowOk;
    if (!dayOk) {
      i += d.getUTCHours() * 60 + d.getUTCMinutes(); // skip to the previous day's 23:59
      continue;
    }
    if (!has(c.hour, d.getUTCHours())) {
      i += d.getUTCMinutes(); // skip to the previous hour's :59
      continue;
    }
    if (has(c.minute, d.getUTCMinutes())) return true;
  }
  return false;
}

export function maintenanceActive(w: MaintenanceWindowRule, t: Date): boolean {
  const ms = t.getTime();
  if (ms < w.startsAt.getTime() || ms >= w.endsAt.getTime()) return false;
  if (!w.recurrence) return true;
  const lt = localTime(t, w.timezone || 'UTC');
  return w.recurrence.kind === 'weekly' ? weeklyActive(lt, w.recurrence) : cronActive(lt, w.recurrence);
}

/** Parses stored recurrence JSON; anything malformed is null (treated as not recurring = invalid). */
export function parseRecurrence(raw: unknown): Recurrence | null | 'invalid' {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object') return 'invalid';
  const r = raw as Record<string, unknown>;
  const dur = Number(r.durationMinutes);
  if (!Number.isFinite(dur) || dur <= 0) return 'invalid';
  if (
    r.kind === 'weekly' &&
    Array.isArray(r.days) &&
    typeof r.start === 'string' &&
    parseHHMM(r.start) !== null
  )
    return { kind: 'weekly', days: r.days.map(Number), start: r.start, durationMinutes: dur };
  if (r.kind === 'cron' && typeof r.expr === 'string' && parseCron(r.expr))
    return { kind: 'cron', expr: r.expr, durationMinutes: dur };
  return 'invalid';
}
