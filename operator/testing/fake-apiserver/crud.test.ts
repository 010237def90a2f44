import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer } from './index.ts';
import { clientsFor, statusOf, until } from './test-client.ts';

let api: FakeApiServer;
let c: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  api = await startFakeApiServer({ namespaces: ['team'] });
  c = clientsFor(api);
});
afterAll(() => api.stop());

const deployment = (name: string, image = 'app:1') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'team', labels: { app: name, tier: 'web' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          { name: 'main', image, env: [{ name: 'A', value: '1' }] },
          { name: 'side', image: 'side:1' },
        ],
      },
    },
  },
});

describe('fake API server with the real client-node', () => {
  it('serves discovery for core, apps, rbac, coordination and apiextensions', async () => {
    const resources = await c.core.getAPIResources();
    expect(resources.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['pods', 'secrets', 'events', 'namespaces']),
    );
    const res = await fetch(`${api.httpUrl}/apis`, { headers: { authorization: `Bearer ${api.token}` } });
    const groups = ((await res.json()) as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(groups).toEqual(
      expect.arrayContaining([
        'apps',
        'rbac.authorization.k8s.io',
        'coordination.k8s.io',
        'apiextensions.k8s.io',
      ]),
    );
  });

  it('rejects requests without the bearer token', async () => {
    const res = await fetch(`${api.httpUrl}/api/v1/namespaces`);
    expect(res.status).toBe(401);
  });

  it('creates, reads, lists with label and field selectors, and 409s a duplicate', async () => {
    await c.apps.createNamespacedDeployment({ namespace: 'team', body: deployment('web') });
    await c.apps.createNamespacedDeployment({
      namespace: 'team',
      body: {
        ...deployment('api'),
        metadata: { ...deployment('api').metadata, labels: { app: 'api', tier: 'backend' } },
      },
    });
    const got = await c.apps.readNamespacedDeployment({ namespace: 'team', name: 'web' });
    expect(got.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.metadata?.generation).toBe(1);
    const web = await c.apps.listNamespacedDeployment({
      namespace: 'team',
      labelSelector: 'tier in (web,frontend)',
    });
    expect(web.items.map((d) => d.metadata?.name)).toEqual(['web']);
    const notWeb = await c.apps.listNamespacedDeployment({
      namespace: 'team',
      labelSelector: 'tier!=web,app',
    });
    expect(notWeb.items.map((d) => d.metadata?.name)).toEqual(['api']);
    const byName = await c.apps.listDeploymentForAllNamespaces({
      fieldSelector: 'metadata.name=api,metadata.namespace=team',
    });
    expect(byName.items).toHaveLength(1);
    const dup = await statusOf(
      c.apps.createNamespacedDeployment({ namespace: 'team', body: deployment('web') }),
    );
    expect(dup.code).toBe(409);
    expect(dup.body.reason).toBe('AlreadyExists');
  });

  it('refuses a stale resourceVersion with 409 Conflict and accepts the current one', async () => {
    const cm = await c.core.createNamespacedConfigMap({
      namespace: 'team',
      body: { metadata: { name: 'cfg' }, data: { a: '1' } },
    });
    const fresh = await c.core.replaceNamespacedConfigMap({
      namespace: 'team',
      name: 'cfg',
      body: { ...cm, data: { a: '2' } },
    });
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
    const stale = await statusOf(
      c.core.replaceNamespacedConfigMap({
        namespace: 'team',
        name: 'cfg',
        body: { ...cm, data: { a: '3' } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect((await c.core.readNamespacedConfigMap({ namespace: 'team', name: 'cfg' })).data).toEqual({
      a: '2',
    });
  });

  it('applies merge, JSON and strategic merge patches (containers merged by name)', async () => {
    await c.apps.patchNamespacedDeployment(
      {
        namespace: 'team',
        name: 'web',
        body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'app:2' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    let d = await c.apps.readNamespacedDeployment({ namespace: 'team', name: 'web' });
    expect(d.spec?.template.spec?.containers.map((x) => `${x.name}=${x.image}`)).toEqual([
      'main=app:2',
      'side=side:1',
    ]);
    expect(d.spec?.template.spec?.containers[0]?.env).toEqual([{ name: 'A', value: '1' }]);
    await c.apps.patchNamespacedDeployment(
      { namespace: 'team', name: 'web', body: { metadata: { labels: { tier: null, team: 'x' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await c.apps.patchNamespacedDeployment(
      { namespace: 'team', name: 'web', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    d = await c.apps.readNamespacedDeployment({ namespace: 'team', name: 'web' });
    expect(d.metadata?.labels).toEqual({ app: 'web', team: 'x' });
    expect(d.spec?.replicas).toBe(3);
    const bad = await statusOf(
      c.apps.patchNamespacedDeployment(
        { namespace: 'team', name: 'web', body: [{ op: 'remove', path: '/spec/nothing' }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(bad.code).toBe(400);
  });

  it('bumps generation on spec changes only; the status subresource changes only status', async () => {
    const before = await c.apps.readNamespacedDeployment({ namespace: 'team', name: 'api' });
    const g = before.metadata?.generation ?? 0;
    await c.apps.replaceNamespacedDeploymentStatus({
      namespace: 'team',
      name: 'api',
      body: { ...before, spec: { ...before.spec!, replicas: 9 }, status: { readyReplicas: 1 } },
    });
    let d = await c.apps.readNamespacedDeployment({ namespace: 'team', name: 'api' });
    expect(d.metadata?.generation).toBe(g);
    expect(d.status?.readyReplicas).toBe(1);
    expect(d.spec?.replicas).toBe(1);
    await c.apps.replaceNamespacedDeployment({
      namespace: 'team',
      name: 'api',
      body: { ...d, spec: { ...d.spec!, replicas: 2 }, status: { readyReplicas: 7 } },
    });
    d = await c.apps.readNamespacedDeployment({ namespace: 'team', name: 'api' });
    expect(d.metadata?.generation).toBe(g + 1);
    expect(d.status?.readyReplicas).toBe(1);
    await c.apps.patchNamespacedDeployment(
      { namespace: 'team', name: 'api', body: { metadata: { annotations: { note: 'x' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(
      (await c.apps.readNamespacedDeployment({ namespace: 'team', name: 'api' })).metadata?.generation,
    ).toBe(g + 1);
  });

  it('turns Secret stringData into base64 data', async () => {
    await c.core.createNamespacedSecret({
      namespace: 'team',
      body: { metadata: { name: 'creds' }, stringData: { key: 'hunter2' } },
    });
    const s = await c.core.readNamespacedSecret({ namespace: 'team', name: 'creds' });
    expect(s.data).toEqual({ key: Buffer.from('hunter2').toString('base64') });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
  });

  it('marks an object with finalizers as deleting and removes it when the last finalizer goes', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: 'team',
      body: { metadata: { name: 'held', finalizers: ['example.io/cleanup'] } },
    });
    await c.core.deleteNamespacedConfigMap({ namespace: 'team', name: 'held' });
    const marked = await c.core.readNamespacedConfigMap({ namespace: 'team', name: 'held' });
    expect(marked.metadata?.deletionTimestamp).toBeTruthy();
    const added = await statusOf(
      c.core.replaceNamespacedConfigMap({
        namespace: 'team',
        name: 'held',
        body: { ...marked, metadata: { ...marked.metadata, finalizers: ['example.io/cleanup', 'other'] } },
      }),
    );
    expect(added.code).toBe(422);
    await c.core.replaceNamespacedConfigMap({
      namespace: 'team',
      name: 'held',
      body: { ...marked, metadata: { ...marked.metadata, finalizers: [] } },
    });
    expect((await statusOf(c.core.readNamespacedConfigMap({ namespace: 'team', name: 'held' }))).code).toBe(
      404,
    );
  });

  it('garbage-collects dependents when their owner is deleted (background cascade)', async () => {
    const owner = await c.core.createNamespacedConfigMap({
      namespace: 'team',
      body: { metadata: { name: 'owner' } },
    });
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: owner.metadata!.uid!,
      controller: true,
    };
    await c.core.createNamespacedSecret({
      namespace: 'team',
      body: { metadata: { name: 'child', ownerReferences: [ref] } },
    });
    await c.core.createNamespacedSecret({ namespace: 'team', body: { metadata: { name: 'orphan-to-be' } } });
    await c.core.deleteNamespacedConfigMap({ namespace: 'team', name: 'owner' });
    await until(() => !api.store.get('v1', 'Secret', 'child', 'team'));
    expect(api.store.get('v1', 'Secret', 'orphan-to-be', 'team')).toBeDefined();
  });

  it('stores coordination.k8s.io/v1 Leases with optimistic concurrency', async () => {
    const now = new Date();
    const lease = await c.coordination.createNamespacedLease({
      namespace: 'team',
      body: {
        metadata: { name: 'leader' },
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: now as never },
      },
    });
    await c.coordination.replaceNamespacedLease({
      namespace: 'team',
      name: 'leader',
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } },
    });
    const lost = await statusOf(
      c.coordination.replaceNamespacedLease({
        namespace: 'team',
        name: 'leader',
        body: { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } },
      }),
    );
    expect(lost.code).toBe(409);
    expect(
      (await c.coordination.readNamespacedLease({ namespace: 'team', name: 'leader' })).spec?.holderIdentity,
    ).toBe('b');
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const r = await statusOf(
      c.core.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } }),
    );
    expect(r.code).toBe(404);
  });

  it('fails the next matching request on demand', async () => {
    api.faults.failNext({
      method: 'GET',
      path: /\/configmaps\/cfg$/,
      status: 503,
      reason: 'ServiceUnavailable',
    });
    expect((await statusOf(c.core.readNamespacedConfigMap({ namespace: 'team', name: 'cfg' }))).code).toBe(
      503,
    );
    expect((await c.core.readNamespacedConfigMap({ namespace: 'team', name: 'cfg' })).data).toEqual({
      a: '2',
    });
  });
});
