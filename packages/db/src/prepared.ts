// Named prepared statements for the statements a hot path sends over and over (a correlation turn,
// its listeners, the live event log). node-postgres sends an unnamed statement through parse and
// plan on every call; a named one is parsed once per connection and PostgreSQL may keep its plan.
// PostgreSQL's planning of these statements, not their execution, was most of their cost
// (pg_stat_statements with track_planning, docs/PERFORMANCE.md).
import { createHash } from 'node:crypto';

/** Names by prefix, then by text: no key string is built per call. */
const names = new Map<string, Map<string, string>>();
let remembered = 0;

/**
 * The statement name for `text` (`prefix` and a hash: a test can find a path's statements in
 * `pg_prepared_statements` by it): a hash of the text, so a text built at run time (a rule prefilter)
 * gets one name per distinct text, and two texts never share one. The same text gives the same
 * name in every process; node-postgres prepares it once per connection.
 */
export function preparedName(text: string, prefix = 'aw_'): string {
  let byText = names.get(prefix);
  if (!byText) names.set(prefix, (byText = new Map()));
  let name = byText.get(text);
  if (!name) {
    name = `${prefix}${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    // Bounded: texts built from data are hashed again rather than remembered.
    if (remembered < 1000) {
      byText.set(text, name);
      remembered++;
    }
  }
  return name;
}
