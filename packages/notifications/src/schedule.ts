// When a message may go out: quiet hours (held until they end, unless the severity is allowed
// through) and business hours (held until the next opening), both in the company's time zone.
// Pure functions of (time, zone, rules): tests pass any instant.
import { z } from 'zod';
import { SEVERITIES, type TSeverity } from './types.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h)');
export const ZQuietHours = z.object({
  start: hhmm,
  end: hhmm,
  allow: z.array(z.enum(SEVERITIES)).default([]),
});
export type TQuietHours = z.infer<typeof ZQuietHours>;
export const ZBusinessHours = z.object({
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: z.array(z.number().int().min(1).max(7)).min(1),
  start: hhmm,
  end: hhmm,
});
export type TBusinessHours = z.infer<typeof ZBusinessHours>;

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** ISO weekday and minute of the day of `at` on the wall clock of `timeZone`. */
export function localTime(at: Date, timeZone: string): { weekday: number; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { weekday: WEEKDAY[parts.weekday!] ?? 1, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** [start, end) on the clock; start > end spans midnight (22:00–07:00). start = end: never. */
function within(minutes: number, start: string, end: string): boolean {
  const s = toMinutes(start);
  const e = toMinutes(end);
  return s <= e ? minutes >= s && minutes < e : minutes >= s || minutes < e;
}

export interface Schedule {
  timeZone: string;
  quietHours?: TQuietHours | null;
  businessHours?: TBusinessHours | null;
}

export function mayDeliverAt(at: Date, s: Schedule, severity: TSeverity): boolean {
  const { weekday, minutes } = localTime(at, s.timeZone);
  if (
    s.quietHours &&
    !s.quietHours.allow.includes(severity) &&
    within(minutes, s.quietHours.start, s.quietHours.end)
  )
    return false;
  if (s.businessHours) {
    const b = s.businessHours;
    // An opening that spans midnight belongs to the day it started on.
    const startDay =
      toMinutes(b.start) > toMinutes(b.end) && minutes < toMinutes(b.end) ? ((weekday + 5) % 7) + 1 : weekday;
    if (!b.days.includes(startDay) || !within(minutes, b.start, b.end)) return false;
  }
  return true;
}

/**
 * The first instant at or after `at` when the message may go out (minute steps, at most 8 days
 * ahead; rules that never open deliver at once rather than never).
 */
export function nextDeliveryTime(at: Date, s: Schedule, severity: TSeverity): Date {
  if (mayDeliverAt(at, s, severity)) return at;
  const first = Math.floor(at.getTime() / 60_000) * 60_000 + 60_000;
  for (let t = first, n = 0; n < 8 * 24 * 60; t += 60_000, n++) {
    const d = new Date(t);
    if (mayDeliverAt(d, s, severity)) return d;
  }
  return at;
}
