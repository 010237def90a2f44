// The maintenance-window form: its state, conversions to and from stored rows, and descriptions.
import { formatDateTime, toLocalInput } from '~/lib/format';
import { asMatchers, type Matcher } from './matchers';
import type { WindowRow } from './rows';

export const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export type Recurrence =
  | { kind: 'weekly'; days: number[]; start: string; durationMinutes: number }
  | { kind: 'cron'; expr: string; durationMinutes: number };

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export interface WindowForm {
  id?: string;
  name: string;
  kind: 'once' | 'weekly' | 'cron';
  startsAt: string;
  endsAt: string;
  days: number[];
  start: string;
  durationMinutes: string;
  expr: string;
  timezone: string;
  matchers: Matcher[];
}

export function newWindowForm(): WindowForm {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  return {
    name: '',
    kind: 'once',
    startsAt: toLocalInput(start),
    endsAt: toLocalInput(new Date(start.getTime() + 2 * 3_600_000)),
    days: [6],
    start: '02:00',
    durationMinutes: '120',
    expr: '0 2 * * 6',
    timezone: browserZone(),
    matchers: [],
  };
}

export function windowToForm(w: WindowRow): WindowForm {
  const r = w.recurrence as Recurrence | null;
  return {
    id: w.id,
    name: w.name,
    kind: r ? (r.kind === 'weekly' ? 'weekly' : 'cron') : 'once',
    startsAt: toLocalInput(new Date(w.startsAt)),
    endsAt: toLocalInput(new Date(w.endsAt)),
    days: r?.kind === 'weekly' ? r.days : [6],
    start: r?.kind === 'weekly' ? r.start : '02:00',
    durationMinutes: String(r?.durationMinutes ?? 120),
    expr: r?.kind === 'cron' ? r.expr : '0 2 * * 6',
    timezone: w.timezone,
    matchers: asMatchers(w.matchers),
  };
}

export function describeWindow(w: WindowRow): string {
  const r = w.recurrence as Recurrence | null;
  if (!r) return `${formatDateTime(w.startsAt)} – ${formatDateTime(w.endsAt)}`;
  const dur = `${r.durationMinutes} min`;
  const when =
    r.kind === 'weekly'
      ? `Every ${r.days.map((d) => DAYS[d]).join(', ')} at ${r.start} (${w.timezone}) for ${dur}`
      : `Cron “${r.expr}” (${w.timezone}) for ${dur}`;
  return `${when}, from ${formatDateTime(w.startsAt)} until ${formatDateTime(w.endsAt)}`;
}

export function windowState(w: WindowRow): { label: string; tone: 'green' | 'indigo' | 'zinc' } {
  const now = Date.now();
  const s = new Date(w.startsAt).getTime();
  const e = new Date(w.endsAt).getTime();
  if (e <= now) return { label: 'Ended', tone: 'zinc' };
  if (w.recurrence) return { label: s > now ? 'Scheduled' : 'Recurring', tone: 'indigo' };
  return s > now ? { label: 'Upcoming', tone: 'indigo' } : { label: 'Active now', tone: 'green' };
}
