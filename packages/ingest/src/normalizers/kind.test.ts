// Alert kinds chosen per alert (native `"kind": "event"`) and per generic mapping (`kind`).
import { AppError } from '@aw/core/errors';
import { describe, expect, it } from 'vitest';
import { normalizeGeneric } from './generic.ts';
import { normalizeNative } from './native.ts';

const ctx = { receivedAt: new Date('2026-11-29T00:00:00Z') };

describe('alert kind', () => {
  it('native: "kind": "event" or "stateful" (any case); absent leaves the choice to the key and source', () => {
    const out = normalizeNative(
      {
        alerts: [
          { asset: 'a', signature: 's', kind: 'event' },
          { asset: 'a', signature: 't', kind: 'Stateful' },
          { asset: 'a', signature: 'u' },
        ],
      },
      ctx,
    ).alerts;
    expect(out.map((a) => a.kind)).toEqual(['EVENT', 'STATEFUL', undefined]);
  });

  it('native: an unknown kind is a 400 naming the field, nothing normalized', () => {
    try {
      normalizeNative(
        {
          alerts: [
            { asset: 'a', signature: 's' },
            { asset: 'a', signature: 's', kind: 'sometimes' },
          ],
        },
        ctx,
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('BAD_REQUEST');
      expect((e as AppError).problems).toEqual([
        { field: 'alerts[1].kind', reason: 'must be "event" or "stateful"' },
      ]);
    }
  });

  it('generic: a literal or a path; without kind, a status path means stateful, none means the source default', () => {
    const lit = normalizeGeneric({ host: 'h', rule: 'r' }, ctx, {
      asset: 'host',
      signature: 'rule',
      kind: '=event',
    });
    expect(lit.alerts[0]!.kind).toBe('EVENT');
    const path = normalizeGeneric({ host: 'h', rule: 'r', k: 'stateful' }, ctx, {
      asset: 'host',
      signature: 'rule',
      kind: 'k',
    });
    expect(path.alerts[0]!.kind).toBe('STATEFUL');
    const withStatus = normalizeGeneric({ host: 'h', rule: 'r', st: 'firing' }, ctx, {
      asset: 'host',
      signature: 'rule',
      status: 'st',
    });
    expect(withStatus.alerts[0]!.kind).toBe('STATEFUL');
    const bare = normalizeGeneric({ host: 'h', rule: 'r' }, ctx, { asset: 'host', signature: 'rule' });
    expect(bare.alerts[0]!.kind).toBeUndefined();
    try {
      normalizeGeneric({ host: 'h', rule: 'r', k: 'x' }, ctx, {
        asset: 'host',
        signature: 'rule',
        kind: 'k',
      });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).problems[0]!.reason).toMatch(/"x" is not a kind/);
    }
  });
});
