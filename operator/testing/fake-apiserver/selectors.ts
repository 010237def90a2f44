// Label selectors (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and field selectors
// (`metadata.name=x`, `involvedObject.kind!=Pod`, ...) as `?labelSelector=` / `?fieldSelector=`.
import { badRequest } from './errors.ts';

type Obj = Record<string, unknown>;
type Test = (obj: Obj) => boolean;

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  return terms.map((t) => t.trim()).filter(Boolean);
}

function labelsOf(obj: Obj): Record<string, string> {
  return ((obj.metadata as Obj | undefined)?.labels as Record<string, string> | undefined) ?? {};
}

export function parseLabelSelector(selector: string | null | undefined): Test {
  if (!selector) return () => true;
  const tests: Test[] = splitTerms(selector).map((term) => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key = '', op, list = ''] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      return op === 'in'
        ? (o) => values.has(labelsOf(o)[key] ?? '\u0000')
        : (o) => !values.has(labelsOf(o)[key] ?? '\u0000');
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) {
      const [, key = '', op, value] = m;
      return op === '!=' ? (o) => labelsOf(o)[key] !== value : (o) => labelsOf(o)[key] === value;
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) {
      const [, not, key = ''] = m;
      return not ? (o) => !(key in labelsOf(o)) : (o) => key in labelsOf(o);
    }
    throw badRequest(`unable to parse requirement: invalid label selector term ${JSON.stringify(term)}`);
  });
  return (o) => tests.every((t) => t(o));
}

function fieldValue(obj: Obj, path: string): string {
  let cur: unknown = obj;
  for (const p of path.split('.'))
    cur = typeof cur === 'object' && cur !== null ? (cur as Obj)[p] : undefined;
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function parseFieldSelector(selector: string | null | undefined): Test {
  if (!selector) return () => true;
  const tests: Test[] = splitTerms(selector).map((term) => {
    const m = /^([\w.-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector: ${JSON.stringify(term)}`);
    const [, path = '', op, value] = m;
    return op === '!=' ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value;
  });
  return (o) => tests.every((t) => t(o));
}
