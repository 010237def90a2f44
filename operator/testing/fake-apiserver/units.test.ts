// Pure pieces of the fake API server: patches, selectors, structural schemas, protobuf bodies.
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { decodeProtobuf } from './protobuf.ts';
import { applySchema } from './schema.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';

describe('patches', () => {
  it('merge patch replaces lists and deletes nulls (RFC 7386)', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      l: [3],
    });
  });

  it('JSON patch add/remove/replace/move/copy/test, and a failed test changes nothing', () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'remove', path: '/a/0' },
        { op: 'replace', path: '/b/c', value: 2 },
        { op: 'copy', from: '/b', path: '/d' },
        { op: 'move', from: '/d/c', path: '/e' },
        { op: 'test', path: '/e', value: 2 },
        { op: 'add', path: '/f~1g', value: true },
      ]),
    ).toEqual({ a: [2, 3], b: { c: 2 }, d: {}, e: 2, 'f/g': true });
    expect(() =>
      jsonPatch(doc, [
        { op: 'replace', path: '/b/c', value: 9 },
        { op: 'test', path: '/b/c', value: 1 },
      ]),
    ).toThrow(ApiError);
    expect(doc).toEqual({ a: [1, 2], b: { c: 1 } });
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(/does not exist/);
  });

  it('strategic merge: lists merged by key, $patch delete, $setElementOrder, $retainKeys, finalizers as a set', () => {
    const live = {
      metadata: { finalizers: ['a'] },
      spec: {
        containers: [
          { name: 'x', image: 'x:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
          { name: 'y', image: 'y:1' },
          { name: 'z', image: 'z:1' },
        ],
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
        tolerations: [{ key: 'k' }],
      },
    };
    const out = strategicMergePatch(live, {
      metadata: { finalizers: ['b', 'a'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'z' }, { name: 'x' }],
        containers: [
          { name: 'x', env: [{ name: 'B', value: '2' }] },
          { name: 'y', $patch: 'delete' },
        ],
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        tolerations: [{ key: 'other' }],
      },
    }) as typeof live;
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    expect(out.spec.containers.map((c) => c.name)).toEqual(['z', 'x']);
    expect(out.spec.containers[1]).toEqual({
      name: 'x',
      image: 'x:1',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      ports: [{ containerPort: 80 }],
    });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.tolerations).toEqual([{ key: 'other' }]);
  });
});

describe('selectors', () => {
  const o = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    metadata: { name: 'n', labels },
    ...extra,
  });
  it('label selectors: equality, inequality, set membership, existence', () => {
    const sel = parseLabelSelector('app=web,tier in (a, b),!legacy,env,zone notin (x)');
    expect(sel(o({ app: 'web', tier: 'b', env: 'p' }))).toBe(true);
    expect(sel(o({ app: 'web', tier: 'c', env: 'p' }))).toBe(false);
    expect(sel(o({ app: 'web', tier: 'a', env: 'p', legacy: '1' }))).toBe(false);
    expect(sel(o({ app: 'web', tier: 'a' }))).toBe(false);
    expect(sel(o({ app: 'web', tier: 'a', env: 'p', zone: 'x' }))).toBe(false);
    expect(() => parseLabelSelector('a in b')).toThrow(ApiError);
  });
  it('field selectors on any dotted path', () => {
    const sel = parseFieldSelector('type=Warning,involvedObject.kind!=Node');
    expect(sel(o({}, { type: 'Warning', involvedObject: { kind: 'Pod' } }))).toBe(true);
    expect(sel(o({}, { type: 'Warning', involvedObject: { kind: 'Node' } }))).toBe(false);
    expect(sel(o({}, { type: 'Normal' }))).toBe(false);
  });
});

describe('structural schemas', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true },
          note: { type: 'string', nullable: true },
          nested: { type: 'object', default: {}, properties: { n: { type: 'integer', default: 5 } } },
          mode: { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: '^b' }] },
          map: { type: 'object', additionalProperties: { type: 'integer' } },
        },
      },
    },
  };
  it('defaults nested objects, accepts int-or-string and nullable', () => {
    const obj = { metadata: { name: 'x' }, spec: { port: 'http', note: null, map: { a: 1 } } } as Record<
      string,
      unknown
    >;
    expect(applySchema(obj, schema)).toEqual({ causes: [], unknownFields: [] });
    expect(obj.spec).toEqual({ port: 'http', note: null, nested: { n: 5 }, map: { a: 1 } });
  });
  it('reports anyOf misses, additionalProperties types and int-or-string misuse', () => {
    const obj = { metadata: { name: 'x' }, spec: { port: 1.5, mode: 'c', map: { a: 'x' } } } as Record<
      string,
      unknown
    >;
    expect(
      applySchema(obj, schema)
        .causes.map((c) => c.field)
        .sort(),
    ).toEqual(['spec.map.a', 'spec.mode', 'spec.port']);
  });
});

describe('protobuf request bodies', () => {
  const field = (no: number, value: Buffer | string) => {
    const b = Buffer.isBuffer(value) ? value : Buffer.from(value);
    return Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
  };
  it('decodes a Secret the way client-go encodes it', () => {
    const meta = Buffer.concat([
      field(1, 'creds'),
      field(3, 'ns'),
      field(11, Buffer.concat([field(1, 'app'), field(2, 'x')])),
    ]);
    const secret = Buffer.concat([
      field(1, meta),
      field(2, Buffer.concat([field(1, 'k'), field(2, Buffer.from([0, 255]))])),
      field(3, 'Opaque'),
    ]);
    const unknown = Buffer.concat([
      field(1, Buffer.concat([field(1, 'v1'), field(2, 'Secret')])),
      field(2, secret),
    ]);
    expect(decodeProtobuf(Buffer.concat([Buffer.from('k8s\0'), unknown]))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'ns', labels: { app: 'x' } },
      data: { k: Buffer.from([0, 255]).toString('base64') },
      type: 'Opaque',
    });
  });
  it('refuses kinds it cannot decode with 415', () => {
    const unknown = Buffer.concat([
      field(1, Buffer.concat([field(1, 'apps/v1'), field(2, 'Deployment')])),
      field(2, Buffer.alloc(0)),
    ]);
    expect(() => decodeProtobuf(Buffer.concat([Buffer.from('k8s\0'), unknown]))).toThrow(
      /not apps\/v1 Deployment/,
    );
  });
});
