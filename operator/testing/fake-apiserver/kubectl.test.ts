// The real kubectl 1.32 against the fake API server: protobuf creates, selectors, the three patch
// types, client- and server-side apply, delete with cascade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlIn } from '../chart/tools.ts';
import { type FakeApiServer, startFakeApiServer } from './index.ts';

let api: FakeApiServer;
const k = (args: string[], input?: string) => kubectlIn(api.kubeconfigPath, args, input);

beforeAll(async () => {
  api = await startFakeApiServer();
});
afterAll(() => api.stop());

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: main, image: 'web:1', env: [{name: A, value: '1'}]}
        - {name: side, image: 'side:1'}
`;

describe('kubectl against the fake API server', () => {
  it('creates namespaces, Secrets and ConfigMaps (protobuf bodies) and lists with selectors', async () => {
    expect((await k(['create', 'namespace', 'demo'])).stdout.trim()).toBe('namespace/demo created');
    expect(
      (
        await k(['-n', 'demo', 'create', 'secret', 'generic', 's1', '--from-literal=token=abc'])
      ).stdout.trim(),
    ).toBe('secret/s1 created');
    await k(['-n', 'demo', 'create', 'configmap', 'c1', '--from-literal=a=b']);
    await k(['-n', 'demo', 'label', 'configmap', 'c1', 'tier=web']);
    await k(['-n', 'demo', 'create', 'configmap', 'c2']);
    expect((await k(['-n', 'demo', 'get', 'configmaps', '-l', 'tier=web', '-o', 'name'])).stdout.trim()).toBe(
      'configmap/c1',
    );
    expect(
      (
        await k(['-n', 'demo', 'get', 'configmaps', '--field-selector', 'metadata.name!=c1', '-o', 'name'])
      ).stdout.trim(),
    ).toBe('configmap/c2');
    const s = api.store.get('v1', 'Secret', 's1', 'demo') as unknown as { data: Record<string, string> };
    expect(Buffer.from(s.data.token ?? '', 'base64').toString()).toBe('abc');
  });

  it('applies client-side twice: the second apply is a strategic merge that keeps other containers', async () => {
    expect((await k(['apply', '-f', '-'], deployment)).stdout.trim()).toBe('deployment.apps/web created');
    const r = await k(['apply', '-f', '-'], deployment.replace("image: 'web:1'", "image: 'web:2'"));
    expect(r.stdout.trim()).toBe('deployment.apps/web configured');
    const d = api.store.get('apps/v1', 'Deployment', 'web', 'demo') as unknown as {
      metadata: { generation: number };
      spec: { template: { spec: { containers: { name: string; image: string }[] } } };
    };
    expect(d.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      'main=web:2',
      'side=side:1',
    ]);
    expect(d.metadata.generation).toBe(2);
    expect(
      (await k(['apply', '-f', '-'], deployment.replace("image: 'web:1'", "image: 'web:2'"))).stdout.trim(),
    ).toBe('deployment.apps/web unchanged');
  });

  it('patches with --type merge, json and strategic', async () => {
    await k([
      '-n',
      'demo',
      'patch',
      'deployment',
      'web',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"team":"x"}}}',
    ]);
    await k([
      '-n',
      'demo',
      'patch',
      'deployment',
      'web',
      '--type',
      'json',
      '-p',
      '[{"op":"add","path":"/spec/replicas","value":4}]',
    ]);
    await k([
      '-n',
      'demo',
      'patch',
      'deployment',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"side:2"}]}}}}',
    ]);
    const out = await k([
      '-n',
      'demo',
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.metadata.labels.team} {.spec.replicas} {.spec.template.spec.containers[*].image}',
    ]);
    expect(out.stdout).toBe('x 4 web:2 side:2');
  });

  it('server-side apply creates and updates', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: demo}\ndata: {a: "1"}\n';
    expect((await k(['apply', '--server-side', '-f', '-'], cm)).stdout.trim()).toBe(
      'configmap/ssa serverside-applied',
    );
    await k(['apply', '--server-side', '-f', '-'], cm.replace('a: "1"', 'a: "2"'));
    expect(
      (api.store.get('v1', 'ConfigMap', 'ssa', 'demo') as unknown as { data: Record<string, string> }).data,
    ).toEqual({ a: '2' });
  });

  it('deletes the namespace and everything in it', async () => {
    const r = await k(['delete', 'namespace', 'demo']);
    expect(r.stdout.trim()).toBe('namespace "demo" deleted');
    await api.settled();
    expect(api.store.get('v1', 'Namespace', 'demo')).toBeUndefined();
    expect(api.store.list('apps/v1', 'Deployment', 'demo')).toEqual([]);
    expect((await k(['get', 'namespace', 'demo'])).stderr).toContain('namespaces "demo" not found');
  });
});
