// Test support: the fake Kubernetes API server with our CRDs, the Site and its credentials, and
// operator configurations pointing at it and at the loopback upstream.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_VERSION, crds, type HybridActivation, type Site } from '../api/v1alpha1/index.ts';
import { loadConfig, type TConfig } from '../config.ts';
import { startFakeApiServer, type FakeApiServer } from '../../testing/fake-apiserver/index.ts';
import type { TestCompany } from './upstream.ts';

export const NS = 'aw';

export async function startCluster(): Promise<FakeApiServer> {
  return startFakeApiServer({ namespaces: [NS], objects: crds as never[], contextNamespace: NS });
}

export function addSite(api: FakeApiServer, upstreamUrl: string, company: TestCompany, name = 'default') {
  api.store.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${name}-credentials`, namespace: NS },
    type: 'Opaque',
    data: {
      apiKey: Buffer.from(company.apiKey).toString('base64'),
      hmacSecret: Buffer.from(company.hmacSecret).toString('base64'),
    },
  } as never);
  api.store.create({
    apiVersion: API_VERSION,
    kind: 'Site',
    metadata: { name, namespace: NS },
    spec: {
      upstreamURL: upstreamUrl,
      clusterName: 'prod-eu',
      apiKeySecretRef: { name: `${name}-credentials` },
      hmacSecretRef: { name: `${name}-credentials` },
    },
  } as never);
}

export function getSite(api: FakeApiServer, name = 'default'): Site | undefined {
  return api.store.get(API_VERSION, 'Site', name, NS) as unknown as Site | undefined;
}

export function getActivation(api: FakeApiServer, name: string): HybridActivation | undefined {
  return api.store.get(API_VERSION, 'HybridActivation', name, NS) as unknown as HybridActivation | undefined;
}

export function operatorConfig(api: FakeApiServer, over: Record<string, string> = {}): TConfig {
  return loadConfig({
    POD_NAMESPACE: NS,
    POD_NAME: 'operator-a',
    SITE_NAME: 'default',
    CLUSTER_NAME: 'prod-eu',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'aw-op-')),
    PORT: '0',
    HOST: '127.0.0.1',
    KUBECONFIG: api.kubeconfigPath,
    HEARTBEAT_SECONDS: '2',
    BACKOFF_BASE_MS: '200',
    BACKOFF_MAX_MS: '2000',
    LOG_LEVEL: 'error',
    ...over,
  });
}

export async function waitFor<T>(
  what: string,
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve(fn()).catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
