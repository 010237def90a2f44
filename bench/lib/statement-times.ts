// Per-statement wall time of every query sent through `pg` in this process (the client side: the
// round trip included). `recordStatementTimes()` wraps pg.Client#query once; `statementTable()`
// prints the statements that took the most time in total.
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const totals = new Map<string, { calls: number; ms: number }>();
let installed = false;

export function recordStatementTimes(): void {
  if (installed) return;
  installed = true;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 100);
    const t0 = performance.now();
    const out = original.apply(this, args);
    if (out instanceof Promise)
      void out.then(
        () => add(key, performance.now() - t0),
        () => add(key, performance.now() - t0),
      );
    return out;
  };
}

function add(key: string, ms: number): void {
  const t = totals.get(key) ?? { calls: 0, ms: 0 };
  t.calls++;
  t.ms += ms;
  totals.set(key, t);
}

export function statementTable(top = 20): string {
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  return [
    '   total ms   calls  statement',
    ...rows.map(([k, t]) => `${t.ms.toFixed(0).padStart(11)} ${String(t.calls).padStart(7)}  ${k}`),
  ].join('\n');
}
