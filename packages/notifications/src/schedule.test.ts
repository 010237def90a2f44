import { describe, expect, it } from 'vitest';
import { localTime, mayDeliverAt, nextDeliveryTime } from './schedule.ts';

describe('quiet and business hours in the company time zone', () => {
  const quiet = { start: '22:00', end: '07:00', allow: ['CRITICAL' as const] };

  it('reads the wall clock of the zone, not of the server', () => {
    // 2026-11-30 03:30 UTC is Sunday 22:30 in New York (EST, UTC-5) and Monday 04:30 in Berlin.
    const at = new Date('2026-11-30T03:30:00Z');
    expect(localTime(at, 'America/New_York')).toEqual({ weekday: 7, minutes: 22 * 60 + 30 });
    expect(localTime(at, 'Europe/Berlin')).toEqual({ weekday: 1, minutes: 4 * 60 + 30 });
  });

  it('holds a HIGH message during quiet hours until they end; a CRITICAL one passes', () => {
    const at = new Date('2026-11-30T03:30:00Z'); // 22:30 in New York
    const s = { timeZone: 'America/New_York', quietHours: quiet };
    expect(mayDeliverAt(at, s, 'CRITICAL')).toBe(true);
    expect(mayDeliverAt(at, s, 'HIGH')).toBe(false);
    // Quiet ends 07:00 New York = 12:00 UTC.
    expect(nextDeliveryTime(at, s, 'HIGH').toISOString()).toBe('2026-11-30T12:00:00.000Z');
    // The same instant is outside quiet hours in Tokyo (12:30).
    expect(mayDeliverAt(at, { timeZone: 'Asia/Tokyo', quietHours: quiet }, 'HIGH')).toBe(true);
  });

  it('holds messages outside business hours until the next opening (over the weekend)', () => {
    const s = {
      timeZone: 'Europe/Berlin',
      businessHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' },
    };
    // Saturday 2026-11-28 15:00 Berlin (14:00 UTC): next opening Monday 08:00 Berlin = 07:00 UTC.
    const sat = new Date('2026-11-28T14:00:00Z');
    expect(mayDeliverAt(sat, s, 'LOW')).toBe(false);
    expect(nextDeliveryTime(sat, s, 'LOW').toISOString()).toBe('2026-11-30T07:00:00.000Z');
    // Monday 17:59 Berlin goes at once; 18:00 waits until Tuesday 08:00.
    expect(mayDeliverAt(new Date('2026-11-30T16:59:00Z'), s, 'LOW')).toBe(true);
    expect(nextDeliveryTime(new Date('2026-11-30T17:00:00Z'), s, 'LOW').toISOString()).toBe(
      '2026-12-01T07:00:00.000Z',
    );
  });

  it('follows daylight saving: quiet hours end at 07:00 local on both sides of the change', () => {
    const s = { timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00', allow: [] } };
    // 2026-03-29: Berlin moves from UTC+1 to UTC+2 at 02:00 local.
    expect(nextDeliveryTime(new Date('2026-03-28T23:00:00Z'), s, 'INFO').toISOString()).toBe(
      '2026-03-29T05:00:00.000Z',
    );
    expect(nextDeliveryTime(new Date('2026-03-27T23:00:00Z'), s, 'INFO').toISOString()).toBe(
      '2026-03-28T06:00:00.000Z',
    );
  });
});
