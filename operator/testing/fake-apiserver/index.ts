// A loopback Kubernetes API server for tests: the real @kubernetes/client-node, kubectl and helm
// talk to it over plain http with a bearer token (kubeconfig with insecure-skip-tls-verify).
//   const api = await startFakeApiServer();
//   ... KUBECONFIG=api.kubeconfigPath kubectl get ns ...
//   api.faults.dropConnections('sites'); await api.stop();
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Controllers } from './controllers.ts';
import { ApiError } from './errors.ts';
import { Faults } from './faults.ts';
import { Objects, type DeleteOptions } from './objects.ts';
import { ResourceRegistry, type ResourceType } from './resources.ts';
import { Router } from './server.ts';
import { type KubeObject, ObjectStore } from './store.ts';
import { selfSignedCert } from './tls.ts';

export type { KubeObject } from './store.ts';
export type { ResourceType } from './resources.ts';
export { ApiError } from './errors.ts';
export { Faults } from './faults.ts';

export interface FakeApiServerOptions {
  /** Bearer token clients must send (random by default). */
  token?: string;
  /** Namespaces that exist from the start (default, kube-system, kube-public always do). */
  namespaces?: string[];
  /** Objects created before the server answers (CRDs are Established before it returns). */
  objects?: KubeObject[];
  /** Watch events kept for resuming; older resourceVersions get 410 Gone. */
  historyLimit?: number;
  /** Namespace in the kubeconfig's context. */
  contextNamespace?: string;
}

/** Direct access to the server's objects, by apiVersion and kind, without HTTP. */
export class FakeStore {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly objects: Objects,
  ) {}

  private type(apiVersion: string, kind: string): ResourceType {
    const t = this.registry.byKind(apiVersion, kind);
    if (!t) throw new ApiError(404, 'NotFound', `no resource registered for ${apiVersion} ${kind}`);
    return t;
  }

  create(obj: KubeObject): KubeObject {
    return this.objects.create(this.type(obj.apiVersion ?? '', obj.kind ?? ''), obj.metadata.namespace, obj);
  }
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined {
    return this.objects.find(this.type(apiVersion, kind), namespace, name);
  }
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    return this.objects.list(this.type(apiVersion, kind), namespace);
  }
  update(obj: KubeObject, subresource?: 'status'): KubeObject {
    return this.objects.update(
      this.type(obj.apiVersion ?? '', obj.kind ?? ''),
      obj.metadata.namespace,
      obj.metadata.name,
      obj,
      subresource,
    );
  }
  delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
    opts?: DeleteOptions,
  ): KubeObject {
    return this.objects.delete(this.type(apiVersion, kind), namespace, name, opts);
  }
  /** The current (latest) resourceVersion of the whole store. */
  get resourceVersion(): number {
    return this.objects.store.resourceVersion;
  }
}

export interface FakeApiServer {
  /** https://127.0.0.1:<port> (self-signed; the kubeconfig skips verification). */
  url: string;
  /** http://127.0.0.1:<other port>: the same server in plain http (kubectl sends no token over it). */
  httpUrl: string;
  token: string;
  kubeconfigPath: string;
  faults: Faults;
  store: FakeStore;
  registry: ResourceRegistry;
  /** Resolves when the built-in controllers (CRDs, garbage collection, namespaces) are idle. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const token = opts.token ?? randomBytes(16).toString('hex');
  const registry = new ResourceRegistry();
  const store = new ObjectStore(opts.historyLimit);
  const objects = new Objects(registry, store);
  const controllers = new Controllers(registry, objects);
  const faults = new Faults(store);
  const nsType = registry.byPlural('', 'v1', 'namespaces') as ResourceType;
  for (const ns of new Set(['default', 'kube-system', 'kube-public', ...(opts.namespaces ?? [])]))
    objects.create(nsType, undefined, { metadata: { name: ns } });
  const facade = new FakeStore(registry, objects);
  for (const o of opts.objects ?? []) {
    facade.create(o);
    await controllers.idle();
  }
  await controllers.idle();

  const dir = mkdtempSync(path.join(tmpdir(), 'fake-apiserver-'));
  let address = '';
  const router = new Router(registry, objects, faults, token, () => address);
  const handler = (req: Parameters<typeof router.handle>[0], res: Parameters<typeof router.handle>[1]) =>
    void router.handle(req, res);
  const http = createServer(handler);
  const https = createHttpsServer(selfSignedCert(dir), handler);
  const sockets = new Set<Socket>();
  for (const srv of [http, https])
    srv.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  const listen = async (srv: typeof http | typeof https) => {
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    return (srv.address() as AddressInfo).port;
  };
  const port = await listen(https);
  const httpPort = await listen(http);
  address = `127.0.0.1:${port}`;
  const url = `https://${address}`;

  const kubeconfigPath = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(url, token, opts.contextNamespace ?? 'default'), { mode: 0o600 });

  return {
    url,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    token,
    kubeconfigPath,
    faults,
    store: facade,
    registry,
    settled: () => controllers.idle(),
    async stop() {
      faults.endWatches();
      for (const s of sockets) s.destroy();
      await Promise.all(
        [http, https].map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function kubeconfig(server: string, token: string, namespace: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: fake',
    '    cluster:',
    `      server: ${server}`,
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: fake',
    '    user:',
    `      token: ${token}`,
    'contexts:',
    '  - name: fake',
    '    context:',
    '      cluster: fake',
    '      user: fake',
    `      namespace: ${namespace}`,
    'current-context: fake',
    '',
  ].join('\n');
}
