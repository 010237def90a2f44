// Small helpers shared by the normalizers: input checks that answer 400 with field + reason.
import { AppError, type FieldProblem } from '@aw/core/errors';
import type { SeverityLevel, Status } from './types.ts';

export function badRequest(field: string, reason: string, message = 'invalid payload'): AppError {
  return new AppError('BAD_REQUEST', message, [{ field, reason }]);
}

export function badRequestMany(problems: FieldProblem[], message = 'invalid payload'): AppError {
  return new AppError('BAD_REQUEST', message, problems);
}

/** Sets an own property even for keys like `__proto__` (which plain assignment would swallow). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A lookup that never finds inherited members such as `constructor` or `valueOf`. */
export function ownValue<T>(obj: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// PostgreSQL text and jsonb reject NUL and unpaired surrogates; reject them at the door (400).
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Walks a parsed JSON value; returns the path of the first string PostgreSQL could not store. */
export function findUnstorableString(v: unknown, path = '$', depth = 0): string | null {
  if (depth > 64) return path;
  if (typeof v === 'string') return BAD_CHARS.test(v) ? path : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = findUnstorableString(v[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (isRecord(v)) {
    for (const [k, val] of Object.entries(v)) {
      if (BAD_CHARS.test(k)) return `${path}.${k.replace(BAD_CHARS, '?')}`;
      const p = findUnstorableString(val, `${path}.${k}`, depth + 1);
      if (p) return p;
    }
  }
  return null;
}

/** JSON.parse with a 400 that says where, and a check that PostgreSQL can store every string. */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest('body', `malformed JSON: ${(e as Error).message.slice(0, 200)}`, 'malformed JSON');
  }
  const bad = findUnstorableString(value);
  if (bad) throw badRequest(bad, 'contains a NUL character or an unpaired UTF-16 surrogate');
  return value;
}

export const MAX_TEXT = 1024;

/** A required non-empty string field, trimmed and capped. */
export function reqString(obj: Record<string, unknown>, key: string, field: string, max = MAX_TEXT): string {
  const v = obj[key];
  if (v === undefined || v === null) throw badRequest(field, 'is required');
  if (typeof v !== 'string') throw badRequest(field, `must be a string, got ${typeOf(v)}`);
  const s = v.trim();
  if (!s) throw badRequest(field, 'must not be empty');
  if (s.length > max) throw badRequest(field, `must be at most ${max} characters`);
  return s;
}

export function optString(
  obj: Record<string, unknown>,
  key: string,
  field: string,
  max = 4096,
): string | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badRequest(field, `must be a string, got ${typeOf(v)}`);
  return v.length > max ? v.slice(0, max) : v;
}

export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** A map of string → string (labels, annotations); numbers and booleans are stringified. */
export function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw badRequest(field, `must be an object of strings, got ${typeOf(v)}`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') setOwn(out, k, val);
    else if (typeof val === 'number' || typeof val === 'boolean') setOwn(out, k, String(val));
    else if (val === null) continue;
    else throw badRequest(`${field}.${k}`, `must be a string, got ${typeOf(val)}`);
  }
  return out;
}

// PostgreSQL timestamps run from 4713 BC to 294276 AD; accept a sane range and say so.
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31);

/** RFC 3339 / ISO 8601 text or unix seconds/milliseconds; 400 with the field when it is not a time. */
export function parseTime(v: unknown, field: string): Date {
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw badRequest(field, 'must be a finite number');
    ms = v < 1e11 ? v * 1000 : v; // seconds vs milliseconds
  } else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d{9,13}(\.\d+)?$/.test(s)) {
      const n = Number(s);
      ms = n < 1e11 ? n * 1000 : n;
    } else {
      if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(s))
        throw badRequest(field, 'must be an RFC 3339 timestamp (e.g. 2026-01-31T12:00:00Z) or unix seconds');
      // Offsets like +0000 (CloudWatch) → +00:00; no zone → UTC; trim sub-millisecond digits.
      let norm = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(' ', 'T');
      norm = norm.replace(/(\.\d{3})\d+/, '$1');
      if (!/(Z|[+-]\d{2}:\d{2})$/i.test(norm)) norm += 'Z';
      ms = Date.parse(norm);
    }
  } else {
    throw badRequest(field, `must be a timestamp string or number, got ${typeOf(v)}`);
  }
  if (!Number.isFinite(ms)) throw badRequest(field, 'is not a valid date');
  if (ms < MIN_TIME || ms > MAX_TIME) throw badRequest(field, 'is outside 1970..9999');
  return new Date(Math.floor(ms));
}

const SEVERITY_WORDS: Record<string, SeverityLevel> = {
  critical: 'CRITICAL',
  crit: 'CRITICAL',
  fatal: 'CRITICAL',
  emergency: 'CRITICAL',
  disaster: 'CRITICAL',
  p1: 'CRITICAL',
  sev1: 'CRITICAL',
  high: 'HIGH',
  error: 'HIGH',
  err: 'HIGH',
  major: 'HIGH',
  page: 'HIGH',
  p2: 'HIGH',
  sev2: 'HIGH',
  medium: 'MEDIUM',
  warning: 'MEDIUM',
  warn: 'MEDIUM',
  average: 'MEDIUM',
  p3: 'MEDIUM',
  sev3: 'MEDIUM',
  low: 'LOW',
  minor: 'LOW',
  p4: 'LOW',
  sev4: 'LOW',
  info: 'INFO',
  informational: 'INFO',
  information: 'INFO',
  notice: 'INFO',
  none: 'INFO',
  ok: 'INFO',
  p5: 'INFO',
};

/** Maps a sender's severity word onto ours; `undefined` when the word is unknown. */
export function severityFromWord(v: unknown): SeverityLevel | undefined {
  if (typeof v !== 'string') return undefined;
  return ownValue(SEVERITY_WORDS, v.trim().toLowerCase());
}

/** `event` / `stateful` (any case) → the stored kind; anything else undefined. */
export function kindFromWord(v: unknown): 'STATEFUL' | 'EVENT' | undefined {
  if (typeof v !== 'string') return undefined;
  const w = v.trim().toLowerCase();
  return w === 'event' ? 'EVENT' : w === 'stateful' ? 'STATEFUL' : undefined;
}

export function statusFromWord(v: unknown): Status | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (
    ['firing', 'fire', 'trigger', 'triggered', 'alarm', 'problem', 'open', 'alerting', 'active'].includes(s)
  )
    return 'FIRING';
  if (['resolved', 'resolve', 'ok', 'recovered', 'recovery', 'closed', 'normal', 'inactive'].includes(s))
    return 'RESOLVED';
  return undefined;
}

/** JSON with object keys sorted: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isRecord(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function clip(s: string, max = MAX_TEXT): string {
  return s.length > max ? s.slice(0, max) : s;
}
