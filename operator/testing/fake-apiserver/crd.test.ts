import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer } from './index.ts';
import { clientsFor, request, statusOf, until, widgetCrd } from './test-client.ts';

let api: FakeApiServer;
let c: ReturnType<typeof clientsFor>;
const w = { group: 'example.io', version: 'v1', namespace: 'default', plural: 'widgets' };
const widget = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'example.io/v1',
  kind: 'Widget',
  metadata: { name },
  spec,
});

beforeAll(async () => {
  api = await startFakeApiServer();
  c = clientsFor(api);
  expect(
    (await request(api, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd)).status,
  ).toBe(201);
});
afterAll(() => api.stop());

describe('CustomResourceDefinitions and custom resources', () => {
  it('registers the CRD: Established condition, discovery and the new REST path', async () => {
    await api.settled();
    const got = await c.ext.readCustomResourceDefinition({ name: 'widgets.example.io' });
    expect(got.status?.conditions?.find((x) => x.type === 'Established')?.status).toBe('True');
    expect(got.status?.acceptedNames?.kind).toBe('Widget');
    const res = await fetch(`${api.httpUrl}/apis/example.io/v1`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    const names = ((await res.json()) as { resources: { name: string }[] }).resources.map((r) => r.name);
    expect(names).toEqual(['widgets', 'widgets/status']);
  });

  it('applies schema defaults and prunes unknown fields', async () => {
    const created = (await c.custom.createNamespacedCustomObject({
      ...w,
      body: widget('a', { url: 'https://x', bogus: 1, extra: { any: 'thing' } }),
    })) as {
      spec: Record<string, unknown>;
      metadata: { generation: number };
    };
    expect(created.spec).toEqual({ url: 'https://x', size: 3, color: 'red', extra: { any: 'thing' } });
    expect(created.metadata.generation).toBe(1);
  });

  it('rejects invalid custom resources with 422 and a cause per field', async () => {
    const r = await statusOf(
      c.custom.createNamespacedCustomObject({
        ...w,
        body: widget('bad', { url: 'ftp://x', size: 11, color: 'green', tags: ['a', 'b', 'c'] }),
      }),
    );
    expect(r.code).toBe(422);
    expect(r.body.reason).toBe('Invalid');
    const causes = (r.body.details as { causes: { field: string; reason: string }[] }).causes;
    expect(causes.map((x) => `${x.field}:${x.reason}`).sort()).toEqual([
      'spec.color:FieldValueNotSupported',
      'spec.size:FieldValueInvalid',
      'spec.tags:FieldValueTooMany',
      'spec.url:FieldValueInvalid',
    ]);
    const missing = await statusOf(
      c.custom.createNamespacedCustomObject({ ...w, body: widget('bad2', { size: 'big' }) }),
    );
    expect(
      (missing.body.details as { causes: { field: string; reason: string }[] }).causes
        .map((x) => `${x.field}:${x.reason}`)
        .sort(),
    ).toEqual(['spec.size:FieldValueTypeInvalid', 'spec.url:FieldValueRequired']);
    expect((await statusOf(c.custom.getNamespacedCustomObject({ ...w, name: 'bad' }))).code).toBe(404);
  });

  it('rejects unknown fields under fieldValidation=Strict', async () => {
    const r = await statusOf(
      c.custom.createNamespacedCustomObject({
        ...w,
        body: widget('strict', { url: 'http://x', bogus: 1 }),
        fieldValidation: 'Strict',
      }),
    );
    expect(r.code).toBe(400);
    expect(String(r.body.message)).toContain('unknown field "spec.bogus"');
  });

  it('keeps status out of spec writes and spec out of status writes; generation follows spec', async () => {
    const cur = (await c.custom.getNamespacedCustomObject({ ...w, name: 'a' })) as Record<string, never>;
    await c.custom.replaceNamespacedCustomObjectStatus({
      ...w,
      name: 'a',
      body: { ...cur, spec: { url: 'https://changed' }, status: { phase: 'Ready', observedGeneration: 1 } },
    });
    let now = (await c.custom.getNamespacedCustomObject({ ...w, name: 'a' })) as {
      spec: { url: string; size: number };
      status: { phase: string };
      metadata: { generation: number };
    };
    expect(now.spec.url).toBe('https://x');
    expect(now.status.phase).toBe('Ready');
    expect(now.metadata.generation).toBe(1);
    await c.custom.patchNamespacedCustomObject(
      { ...w, name: 'a', body: { spec: { size: 5 }, status: { phase: 'Hacked' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    now = (await c.custom.getNamespacedCustomObject({ ...w, name: 'a' })) as typeof now;
    expect(now.spec.size).toBe(5);
    expect(now.status.phase).toBe('Ready');
    expect(now.metadata.generation).toBe(2);
    const invalid = await statusOf(
      c.custom.patchNamespacedCustomObject(
        { ...w, name: 'a', body: { spec: { size: 0 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(invalid.code).toBe(422);
  });

  it('refuses strategic merge patches on custom resources (as the API server does)', async () => {
    const r = await statusOf(
      c.custom.patchNamespacedCustomObject(
        { ...w, name: 'a', body: { spec: { size: 4 } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(r.code).toBe(415);
  });

  it('server-side apply creates, then merges into, a custom resource', async () => {
    const apply = (spec: Record<string, unknown>) =>
      c.custom.patchNamespacedCustomObject(
        { ...w, name: 'ssa', body: widget('ssa', spec), fieldManager: 'test', force: true },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    await apply({ url: 'https://one' });
    await apply({ url: 'https://two', size: 7 });
    const got = (await c.custom.getNamespacedCustomObject({ ...w, name: 'ssa' })) as {
      spec: Record<string, unknown>;
    };
    expect(got.spec).toEqual({ url: 'https://two', size: 7, color: 'red' });
  });

  it('deleting the CRD removes its custom resources and unregisters the kind', async () => {
    await c.ext.deleteCustomResourceDefinition({ name: 'widgets.example.io' });
    await until(() => !api.registry.byPlural('example.io', 'v1', 'widgets'));
    await api.settled();
    expect((await statusOf(c.ext.readCustomResourceDefinition({ name: 'widgets.example.io' }))).code).toBe(
      404,
    );
    expect((await statusOf(c.custom.listNamespacedCustomObject(w))).code).toBe(404);
  });
});
