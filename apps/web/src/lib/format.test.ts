import { describe, expect, it } from 'vitest';
import {
  ago,
  duration,
  formatDateTime,
  fromLocalInput,
  presetRange,
  severityTone,
  toLocalInput,
} from './format';

describe('format helpers', () => {
  it('says how long ago, in the unit a dense table needs', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(ago(new Date(now - 30_000), now)).toBe('30 s ago');
    expect(ago(new Date(now - 5 * 60_000).toISOString(), now)).toBe('5 min ago');
    expect(ago(new Date(now - 3 * 3_600_000), now)).toBe('3 h ago');
    expect(ago(new Date(now - 3 * 86_400_000), now)).toBe('3 d ago');
    expect(duration(125 * 60_000)).toBe('2 h 5 min');
  });

  it('ends a preset range at the next full minute, so re-renders ask the same query', () => {
    const now = Date.parse('2026-01-10T12:00:30Z');
    const r = presetRange('7d', now);
    expect(r.to.toISOString()).toBe('2026-01-10T12:01:00.000Z');
    expect(r.to.getTime() - r.from.getTime()).toBe(7 * 86_400_000);
    expect(presetRange('7d', now + 10_000)).toEqual(r);
  });

  it('round-trips datetime-local values and rejects garbage', () => {
    const d = new Date(2026, 0, 10, 9, 5);
    expect(toLocalInput(d)).toBe('2026-01-10T09:05');
    expect(fromLocalInput(toLocalInput(d))?.getTime()).toBe(d.getTime());
    expect(fromLocalInput('not a date')).toBeNull();
    expect(fromLocalInput('')).toBeNull();
    expect(formatDateTime(null)).toBe('—');
  });

  it('has a tone for every severity', () => {
    expect(Object.keys(severityTone)).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO']);
  });
});
