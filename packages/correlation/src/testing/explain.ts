// auto_explain for the plan tests: every statement a pool's connections run, nested ones (inside
// PL/pgSQL functions) included, is explained with its buffers and sent to the client as a NOTICE.
// The tests read how much work a statement did (buffers, rows thrown away), not how long it took.
import type pg from 'pg';

/** Explains every statement of `pool`'s connections (from their first use) into `onNotice`. */
export function explainEveryStatement(pool: pg.Pool, onNotice: (notice: string) => void): void {
  pool.on('connect', (c) => {
    c.on('notice', (m) => onNotice(String(m.message)));
    void c
      .query(
        `LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on;
         SET auto_explain.log_buffers = on; SET auto_explain.log_timing = off;
         SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice`,
      )
      .catch(() => undefined);
  });
}

/** The buffers of a plan's top node (its own lines come before its first child, InitPlan or CTE). */
export function topBuffers(notice: string): number {
  const lines = notice.split('\n');
  const top = lines.findIndex((l) => /^[A-Z]/.test(l) && !/^(Query Text|Query Parameters|Settings):/.test(l));
  for (const l of lines.slice(top + 1)) {
    if (/^\s*(->|InitPlan|SubPlan|CTE )/.test(l)) break;
    const m = /^\s+Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(l);
    if (m) return Number(m[1]) + Number(m[2] ?? 0);
  }
  return 0;
}
