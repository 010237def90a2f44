import { type CoreV1Api, type V1ConfigMap, Watch, makeInformer } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer } from './index.ts';
import { clientsFor, until } from './test-client.ts';

let api: FakeApiServer;
let c: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  api = await startFakeApiServer({ namespaces: ['w1', 'w2', 'w3', 'w4'] });
  c = clientsFor(api);
});
afterAll(() => api.stop());

type Seen = { type: string; name: string; rv: string; code?: number };
function watch(path: string, query: Record<string, string | boolean>) {
  const seen: Seen[] = [];
  let done: { err: unknown } | undefined;
  const started = new Watch(c.kc).watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string }; code?: number }) =>
      seen.push({
        type,
        name: obj.metadata?.name ?? '',
        rv: obj.metadata?.resourceVersion ?? '',
        code: obj.code,
      }),
    (err) => (done = { err }),
  );
  return { seen, started, done: () => done };
}

const cm = (core: CoreV1Api, namespace: string, name: string, labels: Record<string, string> = {}) =>
  core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });

describe('watch streams', () => {
  it('streams ADDED/MODIFIED/DELETED with selectors; leaving the selector is a DELETED', async () => {
    const w = watch('/api/v1/namespaces/w1/configmaps', { labelSelector: 'app=x' });
    await w.started;
    await api.faults.waitForWatch('configmaps');
    await cm(c.core, 'w1', 'a', { app: 'x' });
    await cm(c.core, 'w1', 'ignored', { app: 'y' });
    await cm(c.core, 'w2', 'other-ns', { app: 'x' });
    await c.core.replaceNamespacedConfigMap({
      namespace: 'w1',
      name: 'a',
      body: { metadata: { name: 'a', labels: { app: 'x' } }, data: { k: 'v2' } },
    });
    await c.core.replaceNamespacedConfigMap({
      namespace: 'w1',
      name: 'a',
      body: { metadata: { name: 'a', labels: { app: 'gone' } } },
    });
    await until(() => w.seen.length >= 3);
    expect(w.seen.map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:a', 'MODIFIED:a', 'DELETED:a']);
    (await w.started).abort();
  });

  it('resumes from a resourceVersion: only later changes are replayed', async () => {
    await cm(c.core, 'w2', 'before');
    const list = await c.core.listNamespacedConfigMap({ namespace: 'w2' });
    await cm(c.core, 'w2', 'after');
    await c.core.deleteNamespacedConfigMap({ namespace: 'w2', name: 'before' });
    const w = watch('/api/v1/namespaces/w2/configmaps', { resourceVersion: list.metadata!.resourceVersion! });
    await until(() => w.seen.length >= 2);
    expect(w.seen.map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:after', 'DELETED:before']);
    expect(Number(w.seen[1]?.rv)).toBeGreaterThan(Number(w.seen[0]?.rv));
    (await w.started).abort();
  });

  it('answers a resume from a compacted resourceVersion with an ERROR 410 event', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: 'w3' });
    await cm(c.core, 'w3', 'lost');
    api.faults.compact();
    const w = watch('/api/v1/namespaces/w3/configmaps', { resourceVersion: list.metadata!.resourceVersion! });
    await until(() => w.done());
    expect(w.seen).toEqual([{ type: 'ERROR', name: '', rv: '', code: 410 }]);
  });

  it('ends watches at timeoutSeconds and sends bookmarks when asked', async () => {
    const w = watch('/api/v1/namespaces/w3/configmaps', {
      timeoutSeconds: '1',
      allowWatchBookmarks: true,
      resourceVersion: String(api.store.resourceVersion),
    });
    await api.faults.waitForWatch('configmaps');
    api.faults.bookmark();
    await until(() => w.done(), 3_000);
    expect(w.seen.map((e) => e.type)).toEqual(['BOOKMARK']);
    expect(w.done()?.err).toBeNull();
  });

  it('a dropped connection ends the client watch with an error; a clean end without one', async () => {
    const clean = watch('/api/v1/namespaces/w4/configmaps', {});
    await api.faults.waitForWatch('configmaps');
    expect(api.faults.endWatches('configmaps')).toBeGreaterThanOrEqual(1);
    await until(() => clean.done());
    expect(clean.done()?.err).toBeNull();
    const cut = watch('/api/v1/namespaces/w4/configmaps', {});
    await api.faults.waitForWatch('configmaps');
    expect(api.faults.dropConnections('configmaps')).toBeGreaterThanOrEqual(1);
    await until(() => cut.done());
    expect(cut.done()?.err).toBeTruthy();
  });
});

describe('client-node informer against injected watch faults', () => {
  it('resumes after a clean end without relisting, and relists after 410 Gone', async () => {
    const path = '/api/v1/namespaces/w4/configmaps';
    const informer = makeInformer(c.kc, path, () => c.core.listNamespacedConfigMap({ namespace: 'w4' }));
    const names = () =>
      informer
        .list('w4')
        .map((o: V1ConfigMap) => o.metadata?.name)
        .sort();
    const lists = () =>
      api.faults.requests.filter((r) => r.method === 'GET' && r.path === path && !r.query.includes('watch'))
        .length;
    await informer.start();
    await cm(c.core, 'w4', 'one');
    await until(() => names().includes('one'));
    const listsBefore = lists();

    api.faults.endWatches('configmaps');
    await api.faults.waitForWatch('configmaps');
    await cm(c.core, 'w4', 'two');
    await until(() => names().includes('two'));
    expect(lists()).toBe(listsBefore);

    api.faults.expireWatches('configmaps');
    await c.core.deleteNamespacedConfigMap({ namespace: 'w4', name: 'one' });
    await until(() => !names().includes('one') && lists() === listsBefore + 1);
    await api.faults.waitForWatch('configmaps');
    await cm(c.core, 'w4', 'three');
    await until(() => names().includes('three'));
    expect(names()).toEqual(['three', 'two']);
    await informer.stop();
  });
});
