// Wire-level helpers shared by the fake's services: errors, validation messages, tags, pagination.
import { randomBytes } from 'node:crypto';
import type { FakeTag } from './state.ts';

export class AwsError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const secs = (ms: number) => ms / 1000;
export const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
export const accessKey = (prefix: 'AKIA' | 'ASIA') =>
  prefix +
  randomBytes(12)
    .toString('base64')
    .replace(/[^A-Z0-9]/gi, '')
    .toUpperCase()
    .padEnd(16, 'X')
    .slice(0, 16);

export function validation(field: string, value: unknown, constraint: string): AwsError {
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

export function isStsAction(action: string) {
  return action.startsWith('sts:');
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

export function tagsOf(v: unknown): FakeTag[] {
  const tags = (v as FakeTag[] | undefined) ?? [];
  if (tags.length > 1000) throw validation('tags', '…', 'Member must have length less than or equal to 1000');
  for (const t of tags) {
    if (!t.Key || t.Key.length > 128)
      throw validation('tags.member.key', t.Key, 'Member must have length less than or equal to 128');
    if ((t.Value ?? '').length > 256)
      throw validation('tags.member.value', t.Value, 'Member must have length less than or equal to 256');
  }
  return tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

export function mergeTags(a: FakeTag[], b: FakeTag[]): FakeTag[] {
  const m = new Map(a.map((t) => [t.Key, t.Value]));
  for (const t of b) m.set(t.Key, t.Value);
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

export function paginate<T>(
  op: string,
  items: T[],
  input: Record<string, unknown>,
  min: number,
  max: number,
  dflt: number,
) {
  const size = input.MaxResults === undefined ? dflt : Number(input.MaxResults);
  if (!Number.isInteger(size) || size < min)
    throw validation(
      'maxResults',
      input.MaxResults,
      `Member must have value greater than or equal to ${min}`,
    );
  if (size > max)
    throw validation('maxResults', input.MaxResults, `Member must have value less than or equal to ${max}`);
  let offset = 0;
  if (input.NextToken !== undefined) {
    try {
      const t = JSON.parse(Buffer.from(String(input.NextToken), 'base64url').toString('utf8')) as {
        op: string;
        o: number;
      };
      if (t.op !== op || !Number.isInteger(t.o) || t.o < 0) throw new Error('bad');
      offset = t.o;
    } catch {
      throw new AwsError('InvalidNextToken', 'The specified token is not valid.');
    }
  }
  const slice = items.slice(offset, offset + size);
  const next =
    offset + size < items.length
      ? Buffer.from(JSON.stringify({ op, o: offset + size })).toString('base64url')
      : undefined;
  return { items: slice, next };
}
