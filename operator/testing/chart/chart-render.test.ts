// helm lint --strict and helm template of charts/alert-whisperer-operator with several values
// files; every rendered object validated against the Kubernetes schemas (kubernetes-models) or
// the CRD schemas; secure defaults, least-privilege RBAC, existingSecret and the test pod.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedValues } from './generate-readme.ts';
import { chartDir } from './paths.ts';
import { ciValues, find, helm, type Manifest, render } from './tools.ts';
import { problems } from './validate.ts';

const VALUES = ['minimal', 'existing-secret', 'full'];

type Container = {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodSpec = {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: Record<string, unknown>[];
};
const podSpec = (m: Manifest) => (m.spec as { template: { spec: PodSpec } }).template.spec;
const rules = (m: Manifest) =>
  (
    m as unknown as {
      rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
    }
  ).rules;

describe('helm lint --strict', () => {
  it.each(VALUES)('passes with ci/%s-values.yaml', (name) => {
    const r = helm(['lint', '--strict', chartDir, '-f', ciValues(name)]);
    expect(r.stdout + r.stderr).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('fails without the site URL, cluster name and credentials, naming each value', () => {
    const r = helm(['lint', '--strict', chartDir]);
    expect(r.status).not.toBe(0);
    for (const key of [
      'site.upstreamURL',
      'site.clusterName',
      'credentials.apiKey',
      'credentials.hmacSecret',
    ])
      expect(r.stdout).toContain(key);
  });

  it('rejects a non-http URL, a short receiver token and unknown keys', () => {
    const r = helm([
      'lint',
      '--strict',
      chartDir,
      '-f',
      ciValues('minimal'),
      '--set',
      'site.upstreamURL=ftp://x',
      '--set',
      'receiver.token=short',
      '--set',
      'replicas=3',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('site.upstreamURL');
    expect(r.stdout).toContain('receiver.token');
    expect(r.stdout).toMatch(/replicas/);
  });
});

describe('helm template', () => {
  it.each(VALUES)('renders only valid objects with ci/%s-values.yaml', (name) => {
    const ms = render([ciValues(name)]);
    expect(ms.length).toBeGreaterThan(8);
    expect(ms.flatMap(problems)).toEqual([]);
    for (const m of ms)
      expect(m.metadata.name.length, `${m.kind} ${m.metadata.name}`).toBeLessThanOrEqual(63);
  });

  it('the schema check would catch a broken object', () => {
    const d = find(render([ciValues('minimal')]), 'Deployment');
    expect(problems({ ...d, spec: { ...(d.spec as object), replicas: 'two' } })).not.toEqual([]);
    const site = find(render([ciValues('minimal')]), 'Site');
    expect(problems({ ...site, spec: { ...(site.spec as object), upstreamURL: 'ftp://x' } })).not.toEqual([]);
  });

  it('runs the operator non-root, read-only, without capabilities, with RuntimeDefault seccomp and requests', () => {
    const d = find(render([ciValues('minimal')]), 'Deployment');
    const spec = podSpec(d);
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = spec.containers[0]!;
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources?.requests).toEqual({ cpu: '50m', memory: '96Mi' });
    expect(c.resources?.limits?.memory).toBe('256Mi');
    expect(spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'aw-alert-whisperer-operator-queue' },
    });
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      SITE_NAME: 'default',
      CLUSTER_NAME: 'prod-eu-1',
      DATA_DIR: '/var/lib/alert-whisperer',
      LEADER_ELECTION: 'true',
      PORT: '8080',
    });
    expect(env.POD_NAMESPACE).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
  });

  it('grants only the verbs the operator uses, with no wildcards and no Secret list/watch', () => {
    const ms = render([ciValues('minimal')]);
    const role = find(ms, 'Role');
    expect(rules(role)).toEqual([
      {
        apiGroups: ['alertwhisperer.io'],
        resources: ['sites', 'hybridactivations'],
        verbs: ['get', 'list', 'watch', 'update'],
      },
      {
        apiGroups: ['alertwhisperer.io'],
        resources: ['sites/status', 'hybridactivations/status'],
        verbs: ['get', 'update'],
      },
      {
        apiGroups: ['alertwhisperer.io'],
        resources: ['sites/finalizers', 'hybridactivations/finalizers'],
        verbs: ['update'],
      },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ]);
    expect(rules(find(ms, 'ClusterRole'))).toEqual([
      { apiGroups: [''], resources: ['namespaces'], resourceNames: ['kube-system'], verbs: ['get'] },
      { apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] },
    ]);
    const all = ms.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole').flatMap(rules);
    expect(all.flatMap((r) => [...r.verbs, ...r.resources, ...r.apiGroups])).not.toContain('*');
    expect(
      ms
        .filter((m) => m.kind.endsWith('Binding'))
        .map((b) => (b as unknown as { subjects: { name: string }[] }).subjects[0]?.name),
    ).toEqual(['aw-alert-whisperer-operator', 'aw-alert-whisperer-operator']);
  });

  it('scopes events to one namespace and drops the Lease rule when asked', () => {
    const ms = render([ciValues('existing-secret')]);
    expect(rules(find(ms, 'ClusterRole'))).toEqual([
      { apiGroups: [''], resources: ['namespaces'], resourceNames: ['kube-system'], verbs: ['get'] },
    ]);
    const eventsRole = ms.find((m) => m.kind === 'Role' && m.metadata.namespace === 'apps');
    expect(eventsRole && rules(eventsRole)).toEqual([
      { apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] },
    ]);
    expect(
      rules(find(ms, 'Role', 'aw-alert-whisperer-operator')).some((r) => r.resources.includes('leases')),
    ).toBe(false);
  });

  it('uses an existing Secret instead of rendering credentials', () => {
    const ms = render([ciValues('existing-secret')]);
    expect(ms.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(find(ms, 'Site').spec).toMatchObject({
      apiKeySecretRef: { name: 'aw-site-credentials', key: 'apiKey' },
      hmacSecretRef: { name: 'aw-site-credentials', key: 'hmacSecret' },
      eventReasons: ['BackOff', 'OOMKilling'],
    });
    const c = podSpec(find(ms, 'Deployment')).containers[0]!;
    expect(c.env?.find((e) => e.name === 'RECEIVER_TOKEN')?.valueFrom).toEqual({
      secretKeyRef: { name: 'aw-receiver', key: 'receiverToken' },
    });
    expect(ms.some((m) => m.kind === 'PersistentVolumeClaim')).toBe(false);
  });

  it('renders credentials into a Secret the Site points at', () => {
    const ms = render([ciValues('minimal')]);
    const secret = find(ms, 'Secret') as Manifest & { data: Record<string, string> };
    expect(Buffer.from(secret.data.apiKey ?? '', 'base64').toString()).toBe('awk_test_0123456789abcdef');
    expect((find(ms, 'Site').spec as { apiKeySecretRef: { name: string } }).apiKeySecretRef.name).toBe(
      secret.metadata.name,
    );
  });

  it('renders the SSM agent DaemonSet on the activation Secret with the registration on a hostPath', () => {
    const ms = render([ciValues('full')]);
    const ds = find(ms, 'DaemonSet');
    const spec = podSpec(ds);
    expect(spec.volumes).toContainEqual({
      name: 'registration',
      hostPath: { path: '/var/lib/amazon/ssm', type: 'DirectoryOrCreate' },
    });
    const env = spec.containers[0]!.env ?? [];
    expect(
      env.map((e) => (e.valueFrom as { secretKeyRef: { name: string; key: string } }).secretKeyRef),
    ).toEqual([
      { name: 'nodes-activation', key: 'activation-id' },
      { name: 'nodes-activation', key: 'activation-code' },
      { name: 'nodes-activation', key: 'region' },
    ]);
    expect(find(ms, 'HybridActivation').spec).toEqual({
      siteRef: { name: 'default' },
      registrationLimit: 50,
      lifetimeDays: 14,
      instanceNamePrefix: 'onprem-a',
    });
    expect(
      render([ciValues('minimal')]).some((m) => m.kind === 'DaemonSet' || m.kind === 'HybridActivation'),
    ).toBe(false);
  });

  it('renders an AlertmanagerConfig with send_resolved, continue and the token Secret', () => {
    const amc = find(render([ciValues('full')]), 'AlertmanagerConfig');
    expect(amc.metadata.labels?.alertmanagerConfig).toBe('main');
    expect(amc.spec).toMatchObject({
      route: {
        receiver: 'alert-whisperer',
        continue: true,
        matchers: [{ name: 'severity', matchType: '=~', value: 'warning|critical' }],
      },
      receivers: [
        {
          name: 'alert-whisperer',
          webhookConfigs: [
            {
              url: 'http://alert-whisperer-operator-with-a-very-long-name-that-needs-trunc.alert-whisperer.svc:8080/api/v1/alertmanager',
              sendResolved: true,
              httpConfig: { authorization: { type: 'Bearer', credentials: { key: 'receiverToken' } } },
            },
          ],
        },
      ],
    });
  });

  it('renders the helm test pod that calls the receiver Service', () => {
    const pod = find(render([ciValues('minimal')]), 'Pod');
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const c = (pod.spec as PodSpec).containers[0]!;
    expect((c as unknown as { command: string[] }).command.join(' ')).toContain(
      'http://aw-alert-whisperer-operator.alert-whisperer.svc:8080/readyz',
    );
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('truncates long names to 63 characters and keeps selector labels stable', () => {
    const ms = render([ciValues('full')]);
    const names = ms.map((m) => m.metadata.name);
    expect(names.every((n) => n.length <= 63 && !n.endsWith('-'))).toBe(true);
    const d = find(ms, 'Deployment');
    expect((d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'alert-whisperer-operator',
      'app.kubernetes.io/instance': 'aw',
    });
  });

  it('values.yaml documents every key the templates read', () => {
    const documented = documentedValues(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')).map(
      (d) => d.key,
    );
    const used = new Set<string>();
    for (const t of readdirSync(path.join(chartDir, 'templates'), {
      recursive: true,
      encoding: 'utf8',
    }).filter((f) => /\.(yaml|tpl|txt)$/.test(f)))
      for (const m of readFileSync(path.join(chartDir, 'templates', t), 'utf8').matchAll(
        /\.Values\.([A-Za-z0-9_.]+)/g,
      ))
        used.add(m[1] ?? '');
    expect(used.size).toBeGreaterThan(30);
    const undocumented = [...used].filter(
      (k) => !documented.some((d) => k === d || k.startsWith(`${d}.`) || d.startsWith(`${k}.`)),
    );
    expect(undocumented).toEqual([]);
  });
});
