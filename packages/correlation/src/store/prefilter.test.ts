import { describe, expect, it } from 'vitest';
import type { InhibitionRuleDef } from '../engine/types.ts';
import { sourcePrefilter } from './apply.ts';

const rule = (sourceMatchers: InhibitionRuleDef['sourceMatchers']): InhibitionRuleDef => ({
  id: 'r',
  name: 'r',
  sourceMatchers,
  targetMatchers: [],
  equal: [],
  enabled: true,
});

describe('inhibition source prefilter', () => {
  it('narrows to the equality matchers of every rule', () => {
    expect(
      sourcePrefilter(
        [
          rule([{ field: 'signature', op: '=', value: 'host_down' }]),
          rule([
            { field: 'label:dc', op: '=~', value: 'eu-.*' },
            { field: 'severity', op: '=', value: 'CRITICAL' },
          ]),
        ],
        3,
      ),
    ).toEqual({ sql: 's.signature = $3 OR s.severity::text = $4', values: ['host_down', 'CRITICAL'] });
  });

  it('loads every firing source when one rule has no column equality', () => {
    expect(
      sourcePrefilter(
        [
          rule([{ field: 'signature', op: '=', value: 'host_down' }]),
          rule([{ field: 'label:team', op: '=', value: 'ops' }]),
        ],
        3,
      ),
    ).toBeNull();
    expect(sourcePrefilter([], 3)).toBeNull();
  });
});

describe('inhibition source prefilter and Object members', () => {
  it('treats constructor, __proto__ and toString as label names, never as columns', () => {
    for (const field of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])
      expect(sourcePrefilter([rule([{ field, op: '=', value: 'x' }])], 3)).toBeNull();
    expect(
      sourcePrefilter(
        [
          rule([
            { field: 'constructor', op: '=', value: 'x' },
            { field: 'asset', op: '=', value: 'h1' },
          ]),
        ],
        3,
      ),
    ).toEqual({ sql: 's.asset = $3', values: ['h1'] });
  });
});
