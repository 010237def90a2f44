// charts/alert-whisperer without a cluster: helm lint --strict (values.schema.json refuses what the
// app cannot run with), helm template with each ci/ values file, every object valid against the
// Kubernetes schemas, secure pod defaults, hooks, secrets by reference, SSE or Pusher.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartDir, ciValues, find, helm, type Manifest, problems, render } from './chart-tools.ts';

const VALUES = ['minimal', 'existing-secret', 'full'];

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Container = {
  name: string;
  image: string;
  command?: string[];
  env?: Env[];
  securityContext?: Record<string, unknown>;
  readinessProbe?: { httpGet: { path: string } };
  livenessProbe?: { httpGet: { path: string } };
  volumeMounts?: { mountPath: string }[];
};
type PodSpec = {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
};
const podSpec = (m: Manifest) => (m.spec as { template: { spec: PodSpec } }).template.spec;
const envOf = (c: Container) => new Map((c.env ?? []).map((e) => [e.name, e]));
const selector = (m: Manifest) =>
  (m.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
const podLabels = (m: Manifest) =>
  (m.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const matches = (sel: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(sel).every(([k, v]) => labels[k] === v);

describe('helm lint --strict', () => {
  it.each(VALUES)('passes with ci/%s-values.yaml', (name) => {
    const r = helm(['lint', '--strict', chartDir, '-f', ciValues(name)]);
    expect(r.stdout + r.stderr).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('fails without the public URL, the database and the secrets, naming each value', () => {
    const r = helm(['lint', '--strict', chartDir]);
    expect(r.status).not.toBe(0);
    for (const key of ['publicURL', 'database', 'secrets']) expect(r.stdout).toContain(`- ${key}`);
  });

  it('refuses a non-postgres URL, a short auth secret, pusher without a key, and unknown keys', () => {
    const r = helm([
      'lint',
      '--strict',
      chartDir,
      '-f',
      ciValues('minimal'),
      '--set',
      'database.url=mysql://x',
      '--set',
      'secrets.authSecret=short',
      '--set',
      'realtime.mode=pusher',
      '--set',
      'replicas=3',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('database.url');
    expect(r.stdout).toContain('secrets.authSecret');
    expect(r.stdout).toContain('realtime.pusher');
    expect(r.stdout).toMatch(/replicas/);
  });

  it('refuses a root pod or privilege escalation', () => {
    const r = helm([
      'lint',
      '--strict',
      chartDir,
      '-f',
      ciValues('minimal'),
      '--set',
      'podSecurityContext.runAsNonRoot=false',
      '--set',
      'securityContext.allowPrivilegeEscalation=true',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('podSecurityContext.runAsNonRoot');
    expect(r.stdout).toContain('securityContext.allowPrivilegeEscalation');
  });
});

describe('helm template', () => {
  it.each(VALUES)('renders only valid objects with ci/%s-values.yaml', (name) => {
    const ms = render([ciValues(name)]);
    expect(ms.length).toBeGreaterThanOrEqual(10);
    expect(ms.flatMap(problems)).toEqual([]);
    for (const m of ms) expect(m.metadata.name.length).toBeLessThanOrEqual(63);
  });

  it('the validation itself rejects a broken object', () => {
    const ms = render([ciValues('minimal')]);
    const d = structuredClone(find(ms, 'Deployment', 'aw-alert-whisperer-web'));
    (d.spec as { replicas: unknown }).replicas = 'two';
    expect(problems(d).join()).toMatch(/replicas/);
  });

  it('runs web (HPA) and worker pods non-root, read-only, without capabilities or a token', () => {
    const ms = render([ciValues('minimal')]);
    for (const name of ['aw-alert-whisperer-web', 'aw-alert-whisperer-worker']) {
      const spec = podSpec(find(ms, 'Deployment', name));
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.automountServiceAccountToken).toBe(false);
      const c = spec.containers[0]!;
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.volumeMounts?.map((v) => v.mountPath)).toContain('/tmp');
      expect(c.livenessProbe?.httpGet.path).toBe('/api/health');
      expect(c.readinessProbe?.httpGet.path).toBe('/api/ready');
    }
    const web = find(ms, 'Deployment', 'aw-alert-whisperer-web');
    expect((web.spec as { replicas?: number }).replicas).toBeUndefined(); // the HPA owns it
    expect(envOf(podSpec(web).containers[0]!).get('PROCESS_ROLE')?.value).toBe('web');
    const worker = find(ms, 'Deployment', 'aw-alert-whisperer-worker');
    expect(envOf(podSpec(worker).containers[0]!).get('PROCESS_ROLE')?.value).toBe('worker');
    expect(podSpec(worker).containers[0]!.image).toBe('ghcr.io/alert-whisperer/worker:0.1.0');

    const hpa = find(ms, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'aw-alert-whisperer-web' },
      minReplicas: 2,
      maxReplicas: 10,
    });
  });

  it('selects its own pods: Service, PDBs and NetworkPolicies match the Deployments', () => {
    const ms = render([ciValues('full')]);
    const web = podLabels(find(ms, 'Deployment', 'aw-alert-whisperer-web'));
    const worker = podLabels(find(ms, 'Deployment', 'aw-alert-whisperer-worker'));
    expect(matches((find(ms, 'Service').spec as { selector: Record<string, string> }).selector, web)).toBe(
      true,
    );
    expect(matches((find(ms, 'Service').spec as { selector: Record<string, string> }).selector, worker)).toBe(
      false,
    );
    expect(matches(selector(find(ms, 'PodDisruptionBudget', 'aw-alert-whisperer-web')), web)).toBe(true);
    expect(matches(selector(find(ms, 'PodDisruptionBudget', 'aw-alert-whisperer-worker')), worker)).toBe(
      true,
    );
    const np = (n: string) =>
      find(ms, 'NetworkPolicy', n).spec as {
        podSelector: { matchLabels: Record<string, string> };
        egress: { to?: { ipBlock: { cidr: string } }[]; ports: { port: number }[] }[];
        ingress: { from?: unknown[]; ports: { port: number }[] }[];
      };
    expect(matches(np('aw-alert-whisperer-web').podSelector.matchLabels, web)).toBe(true);
    expect(matches(np('aw-alert-whisperer-worker').podSelector.matchLabels, worker)).toBe(true);
    expect(np('aw-alert-whisperer-web').egress).toContainEqual({
      ports: [{ port: 5432, protocol: 'TCP' }],
      to: [{ ipBlock: { cidr: '10.20.0.0/16' } }],
    });
    expect(np('aw-alert-whisperer-worker').ingress[0]!.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
    const ing = find(ms, 'Ingress').spec as { tls: { secretName: string }[]; ingressClassName: string };
    expect(ing.tls[0]!.secretName).toBe('aw-tls');
    expect(ing.ingressClassName).toBe('nginx');
  });

  it('migrates in a pre-install/pre-upgrade hook Job with the worker image, before the pods', () => {
    const ms = render([ciValues('minimal')]);
    const job = find(ms, 'Job');
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    const c = (job.spec as { template: { spec: PodSpec } }).template.spec.containers[0]!;
    expect(c.command).toEqual(['npm', 'run', 'db:deploy']);
    const rootScripts = (
      JSON.parse(readFileSync(`${chartDir}/../../package.json`, 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(rootScripts['db:deploy']).toBeDefined();
    expect(c.image).toMatch(/worker:/);
    // The URL reaches the hook through a hook Secret made before it (weight -10 < 0).
    const hookSecret = ms.find((m) => m.kind === 'Secret' && m.metadata.annotations?.['helm.sh/hook']);
    expect(hookSecret?.metadata.annotations?.['helm.sh/hook-weight']).toBe('-10');
    expect(envOf(c).get('DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe(hookSecret?.metadata.name);
  });

  it('with existingSecret, renders no credential at all and references the given Secrets', () => {
    const ms = render([ciValues('existing-secret')]);
    expect(ms.filter((m) => m.kind === 'Secret')).toEqual([]);
    const text = JSON.stringify(ms);
    expect(text).not.toMatch(/postgres:\/\//);
    const env = envOf(podSpec(find(ms, 'Deployment', 'aw-alert-whisperer-web')).containers[0]!);
    expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'aw-database', key: 'url' });
    expect(env.get('AUTH_SECRET')?.valueFrom?.secretKeyRef).toEqual({ name: 'aw-app', key: 'AUTH_SECRET' });
    expect(env.get('APP_ENCRYPTION_KEY')?.valueFrom?.secretKeyRef?.name).toBe('aw-app');
    const job = (find(ms, 'Job').spec as { template: { spec: PodSpec } }).template.spec.containers[0]!;
    expect(envOf(job).get('DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'aw-database',
      key: 'url',
    });
  });

  it('with inline values, keeps them in the Secret, never in a pod spec', () => {
    const ms = render([ciValues('minimal')]);
    const secret = find(ms, 'Secret', 'aw-alert-whisperer');
    expect(secret.stringData).toMatchObject({
      DATABASE_URL: 'postgres://aw:secret@db.example.com:5432/aw?sslmode=require',
      AUTH_SECRET: 'test-auth-secret-0123456789abcdef0123',
    });
    for (const d of ms.filter((m) => m.kind === 'Deployment'))
      expect(JSON.stringify(d)).not.toContain('test-auth-secret');
  });

  it('chooses live updates: SSE by default, Pusher with its settings and secret', () => {
    const sse = envOf(
      podSpec(find(render([ciValues('minimal')]), 'Deployment', 'aw-alert-whisperer-web')).containers[0]!,
    );
    expect(sse.has('PUSHER_KEY')).toBe(false);
    const pusher = envOf(
      podSpec(find(render([ciValues('full')]), 'Deployment', 'aw-alert-whisperer-web')).containers[0]!,
    );
    expect(pusher.get('PUSHER_KEY')?.value).toBe('pusher-key-0123');
    expect(pusher.get('PUSHER_CLUSTER')?.value).toBe('eu');
    expect(pusher.get('PUSHER_SECRET')?.valueFrom?.secretKeyRef).toEqual({
      name: 'aw-app',
      key: 'PUSHER_SECRET',
    });
  });

  it('has a helm test pod that checks readiness through the Service', () => {
    const pod = find(render([ciValues('minimal')]), 'Pod');
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    expect(JSON.stringify(pod)).toContain('http://aw-alert-whisperer:80/api/ready');
  });
});
