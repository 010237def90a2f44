// Named prepared statements for the statements a hot path sends over and over (a correlation turn,
// its listeners, the live event log). node-postgres sends an unnamed statement through parse and
// plan on every call; a named one is parsed once per connection and PostgreSQL may keep its plan.
// PostgreSQL's planning of these statements, not their execution, was most of their cost
// (pg_stat_statements with track_planning, docs/PERFORMANCE.md).
import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/**
 * The statement name for `text` (`prefix` and a hash: a test can find a path's statements in
 * `pg_prepared_statements` by it): a hash of the text, so a text built at run time (a rule prefilter)
 * gets one name per distinct text, and two texts never share one. The same text gives the same
 * name in every process; node-postgres prepares it once per connection.
 */
export function preparedName(text: string, prefix = 'aw_'): string {
  const key = `${prefix}\n${text}`;
  let name = names.get(key);
  if (!name) {
    name = `${prefix}${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    // Bounded: texts built from data are hashed again rather than remembered.
    if (names.size < 1000) names.set(key, name);
  }
  return name;
}
