// helm install / upgrade / uninstall of the chart into the fake API server with the real helm,
// the exact command the portal shows, and kubectl apply of Site resources validated by the CRD.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmInstallCommand } from '@aw/aws/sites';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { alertmanagerConfigFromNotes } from './notes.ts';
import { chartDir, repoRoot } from './paths.ts';
import { ciValues, helmIn, kubectlIn, runAsync } from './tools.ts';

let api: FakeApiServer;

/** The NOTES receiver as a full alertmanager.yml passes the real `amtool check-config`. */
async function expectValidAlertmanagerConfig(helmOutput: string): Promise<string> {
  const config = alertmanagerConfigFromNotes(helmOutput);
  const dir = mkdtempSync(path.join(tmpdir(), 'am-'));
  const file = path.join(dir, 'alertmanager.yml');
  writeFileSync(file, config);
  const check = await runAsync('amtool', ['check-config', file], { kubeconfig: api.kubeconfigPath });
  expect(check.stdout + check.stderr).toContain('SUCCESS');
  expect(check.status).toBe(0);
  rmSync(dir, { recursive: true, force: true });
  return config;
}
const NS = 'alert-whisperer';
const get = (apiVersion: string, kind: string, name: string, ns: string | undefined = NS) =>
  api.store.get(apiVersion, kind, name, ns);
const names = (apiVersion: string, kind: string, ns: string | undefined = NS) =>
  api.store.list(apiVersion, kind, ns).map((o) => o.metadata.name);

beforeAll(async () => {
  api = await startFakeApiServer();
});
afterAll(() => api.stop());

describe('helm install, upgrade and uninstall against the fake API server', () => {
  it('installs with the exact command the portal shows: CRDs Established, objects created, NOTES printed', async () => {
    const command = helmInstallCommand({
      clusterName: 'prod-eu-1',
      upstreamUrl: 'https://aw.example.com',
      apiKey: 'awk_live_0123456789abcdef',
      hmacSecret: "whsec_with'quote_0123456789",
    });
    // run as the admin would: the command string through a shell, `helm` from PATH
    const r = await runAsync('bash', ['-c', command], { kubeconfig: api.kubeconfigPath, cwd: repoRoot });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('STATUS: deployed');
    // NOTES.txt: the Alertmanager receiver to add
    expect(r.stdout).toContain(
      'url: http://alert-whisperer-operator.alert-whisperer.svc:8080/api/v1/alertmanager',
    );
    expect(r.stdout).toContain('send_resolved: true');
    expect(r.stdout).toMatch(/- receiver: alert-whisperer\n\s+continue: true/);
    await expectValidAlertmanagerConfig(r.stdout);

    for (const crd of ['sites.alertwhisperer.io', 'hybridactivations.alertwhisperer.io']) {
      const o = get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd, undefined) as {
        status?: { conditions?: { type: string; status: string }[] };
      };
      expect(o.status?.conditions).toContainEqual(
        expect.objectContaining({ type: 'Established', status: 'True' }),
      );
    }
    expect(names('apps/v1', 'Deployment')).toEqual(['alert-whisperer-operator']);
    expect(names('v1', 'Service')).toEqual(['alert-whisperer-operator']);
    expect(names('v1', 'PersistentVolumeClaim')).toEqual(['alert-whisperer-operator-queue']);
    expect(names('v1', 'ServiceAccount')).toEqual(['alert-whisperer-operator']);
    expect(names('rbac.authorization.k8s.io/v1', 'Role')).toEqual(['alert-whisperer-operator']);
    expect(names('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined)).toEqual([
      'alert-whisperer-operator',
    ]);
    const secret = get('v1', 'Secret', 'alert-whisperer-operator-site') as unknown as {
      data: Record<string, string>;
    };
    expect(Buffer.from(secret.data.hmacSecret ?? '', 'base64').toString()).toBe(
      "whsec_with'quote_0123456789",
    );
    // the Site as stored: the CRD's default event reasons applied by the server
    const site = get('alertwhisperer.io/v1alpha1', 'Site', 'default') as unknown as {
      spec: Record<string, unknown>;
    };
    expect(site.spec).toMatchObject({
      clusterName: 'prod-eu-1',
      upstreamURL: 'https://aw.example.com',
      apiKeySecretRef: { name: 'alert-whisperer-operator-site', key: 'apiKey' },
    });
    expect(site.spec.eventReasons).toEqual(
      expect.arrayContaining(['BackOff', 'OOMKilling', 'FailedScheduling']),
    );
    expect(names('v1', 'Secret').filter((n) => n.startsWith('sh.helm.release.v1.'))).toEqual([
      'sh.helm.release.v1.alert-whisperer-operator.v1',
    ]);
  });

  it('upgrades: changed values reach the Deployment (new generation), new objects appear, dropped ones go', async () => {
    const before = get('apps/v1', 'Deployment', 'alert-whisperer-operator')!;
    const r = await helmIn(api.kubeconfigPath, [
      'upgrade',
      'alert-whisperer-operator',
      chartDir,
      '-n',
      NS,
      '--reuse-values',
      '--set',
      'logLevel=debug',
      '--set',
      'hybridActivation.create=true',
      '--set',
      'ssmAgent.enabled=true',
      '--set',
      'rbac.create=false',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('REVISION: 2');
    const after = get('apps/v1', 'Deployment', 'alert-whisperer-operator') as typeof before & {
      spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    expect(after.spec.template.spec.containers[0]?.env.find((e) => e.name === 'LOG_LEVEL')?.value).toBe(
      'debug',
    );
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(names('alertwhisperer.io/v1alpha1', 'HybridActivation')).toEqual(['nodes']);
    expect(names('apps/v1', 'DaemonSet')).toEqual(['alert-whisperer-operator-ssm-agent']);
    expect(names('rbac.authorization.k8s.io/v1', 'Role')).toEqual([]);
    expect(names('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined)).toEqual([]);
    const history = await helmIn(api.kubeconfigPath, [
      'history',
      'alert-whisperer-operator',
      '-n',
      NS,
      '-o',
      'json',
    ]);
    expect(
      (JSON.parse(history.stdout) as { revision: number; status: string }[]).map(
        (h) => `${h.revision}:${h.status}`,
      ),
    ).toEqual(['1:superseded', '2:deployed']);
  });

  it('kubectl apply: a valid Site is stored with defaults, an invalid one is rejected by the CRD schema', async () => {
    const valid = [
      'apiVersion: alertwhisperer.io/v1alpha1',
      'kind: Site',
      'metadata: {name: second, namespace: alert-whisperer}',
      'spec:',
      '  upstreamURL: https://aw.example.com',
      '  clusterName: edge-2',
      '  apiKeySecretRef: {name: creds}',
      '  hmacSecretRef: {name: creds}',
    ].join('\n');
    const ok = await kubectlIn(api.kubeconfigPath, ['apply', '-f', '-'], valid);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('site.alertwhisperer.io/second created');
    expect(
      (
        get('alertwhisperer.io/v1alpha1', 'Site', 'second') as unknown as {
          spec: { apiKeySecretRef: unknown };
        }
      ).spec.apiKeySecretRef,
    ).toEqual({ name: 'creds', key: 'apiKey' });

    const invalid = valid
      .replace('https://aw.example.com', 'ftp://aw.example.com')
      .replace('  clusterName: edge-2\n', '');
    const bad = await kubectlIn(api.kubeconfigPath, ['apply', '-f', '-'], invalid.replace('second', 'third'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('spec.upstreamURL');
    expect(bad.stderr).toContain('spec.clusterName: Required value');
    expect(get('alertwhisperer.io/v1alpha1', 'Site', 'third')).toBeUndefined();

    const unknown = await kubectlIn(
      api.kubeconfigPath,
      ['apply', '-f', '-'],
      `${valid.replace('second', 'fourth')}\n  bogus: 1`,
    );
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('unknown field "spec.bogus"');

    // the CRD's printer columns, as `kubectl get` shows them (server-side Table)
    const stored = get('alertwhisperer.io/v1alpha1', 'Site', 'second')!;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ready = {
      type: 'Ready',
      status: 'True',
      reason: 'Connected',
      message: '',
      lastTransitionTime: now,
    };
    api.store.update(
      { ...stored, status: { conditions: [ready], queueDepth: 3, alertsForwarded: 42 } },
      'status',
    );
    const table = await kubectlIn(api.kubeconfigPath, ['get', 'site', 'second', '-n', NS]);
    expect(table.stdout.split('\n')[0]?.split(/\s+/)).toEqual([
      'NAME',
      'CLUSTER',
      'READY',
      'QUEUE',
      'FORWARDED',
      'LAST-DELIVERY',
      'AGE',
    ]);
    expect(table.stdout.split('\n')[1]).toMatch(/^second\s+edge-2\s+True\s+3\s+42\s+/);

    const list = await kubectlIn(api.kubeconfigPath, ['get', 'sites', '-n', NS, '-o', 'name']);
    expect(list.stdout.trim().split('\n')).toEqual([
      'site.alertwhisperer.io/default',
      'site.alertwhisperer.io/second',
    ]);
  });

  it('uninstalls: chart objects and release records go; the CRDs and the queue claim stay', async () => {
    const r = await helmIn(api.kubeconfigPath, ['uninstall', 'alert-whisperer-operator', '-n', NS]);
    expect(r.stdout).toContain('release "alert-whisperer-operator" uninstalled');
    await api.settled();
    expect(names('apps/v1', 'Deployment')).toEqual([]);
    expect(names('apps/v1', 'DaemonSet')).toEqual([]);
    expect(names('v1', 'Service')).toEqual([]);
    expect(names('alertwhisperer.io/v1alpha1', 'HybridActivation')).toEqual([]);
    expect(names('alertwhisperer.io/v1alpha1', 'Site')).toEqual(['second']);
    expect(names('v1', 'Secret')).toEqual([]);
    expect(names('v1', 'PersistentVolumeClaim')).toEqual(['alert-whisperer-operator-queue']);
    expect(names('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined).sort()).toEqual([
      'hybridactivations.alertwhisperer.io',
      'sites.alertwhisperer.io',
    ]);
  });

  it('prints a receiver with the bearer token file when a receiver token is set, valid for amtool', async () => {
    const r = await helmIn(api.kubeconfigPath, [
      'install',
      'dry',
      chartDir,
      '-n',
      NS,
      '--dry-run',
      '-f',
      ciValues('minimal'),
      '--set',
      'receiver.token=0123456789abcdef0123',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('credentials_file: /etc/alertmanager/secrets/');
    const config = await expectValidAlertmanagerConfig(r.stdout);
    expect(config).toContain('send_resolved: true');
    // the same check refuses a broken receiver
    await expect(
      expectValidAlertmanagerConfig(r.stdout.replace('send_resolved: true', 'send_resolved: maybe')),
    ).rejects.toThrow();
  });

  it('installs with an existing Secret and a namespace-scoped events watch', async () => {
    // the events Role lives in the watched namespace, which must exist (as on a real cluster)
    const ns = await kubectlIn(api.kubeconfigPath, ['create', 'namespace', 'apps']);
    expect(ns.stdout.trim()).toBe('namespace/apps created');
    const r = await helmIn(api.kubeconfigPath, [
      'install',
      'edge',
      chartDir,
      '-n',
      'edge',
      '--create-namespace',
      '-f',
      ciValues('existing-secret'),
    ]);
    expect(r.stderr).toBe('');
    expect(names('v1', 'Secret', 'edge')).toEqual(['sh.helm.release.v1.edge.v1']);
    expect(names('rbac.authorization.k8s.io/v1', 'Role', 'apps')).toEqual([
      'edge-alert-whisperer-operator-events',
    ]);
  });
});
