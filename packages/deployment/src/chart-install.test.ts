// helm install / upgrade / uninstall of charts/alert-whisperer into the fake API server
// (operator/testing/fake-apiserver) with the real helm. A stand-in for the Job controller finishes
// (or fails) each migration Job, so helm's hook wait sees what a cluster would report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer } from '../../../operator/testing/fake-apiserver/index.ts';
import { chartDir, ciValues, helmBin, kubectlBin, runAsync } from './chart-tools.ts';

const NS = 'aw';
let api: FakeApiServer;
let outcome: 'Complete' | 'Failed' = 'Complete';
/** Each migration Job seen, with whether the web Deployment existed at that moment. */
const jobsSeen: { name: string; uid: string; webExisted: boolean }[] = [];
let timer: NodeJS.Timeout;

function jobController() {
  for (const job of [
    ...api.store.list('batch/v1', 'Job', NS),
    ...api.store.list('batch/v1', 'Job', 'broken'),
  ]) {
    const uid = job.metadata.uid as string;
    if (jobsSeen.some((j) => j.uid === uid)) continue;
    const ns = job.metadata.namespace as string;
    jobsSeen.push({
      name: job.metadata.name,
      uid,
      webExisted: api.store.list('apps/v1', 'Deployment', ns).length > 0,
    });
    const now = new Date().toISOString();
    api.store.update(
      {
        ...job,
        status: {
          startTime: now,
          ...(outcome === 'Complete' ? { succeeded: 1, completionTime: now } : { failed: 2 }),
          conditions: [
            ...(outcome === 'Complete'
              ? [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now }]
              : []),
            {
              type: outcome,
              status: 'True',
              lastTransitionTime: now,
              reason: outcome === 'Failed' ? 'BackoffLimitExceeded' : 'Completed',
            },
          ],
        },
      },
      'status',
    );
  }
}

const helmRun = (args: string[]) => runAsync(helmBin, args, { kubeconfig: api.kubeconfigPath });
const names = (apiVersion: string, kind: string) =>
  api.store
    .list(apiVersion, kind, NS)
    .map((o) => o.metadata.name)
    .sort();

beforeAll(async () => {
  api = await startFakeApiServer({ namespaces: [NS, 'broken'] });
  timer = setInterval(jobController, 50);
});
afterAll(async () => {
  clearInterval(timer);
  await api.stop();
});

describe('helm install, upgrade and uninstall against the fake API server', () => {
  it('installs: migration Job first (before any Deployment), then every object, NOTES printed', async () => {
    const r = await helmRun([
      'install',
      'aw',
      chartDir,
      '-n',
      NS,
      '-f',
      ciValues('minimal'),
      '--timeout',
      '60s',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('STATUS: deployed');
    expect(r.stdout).toContain('Migrations ran before the pods started');
    expect(jobsSeen).toHaveLength(1);
    expect(jobsSeen[0]).toMatchObject({ name: 'aw-alert-whisperer-migrate', webExisted: false });
    // hook-succeeded: the Job and its Secret are gone once it finished.
    expect(names('batch/v1', 'Job')).toEqual([]);
    expect(names('v1', 'Secret').filter((n) => !n.startsWith('sh.helm.release'))).toEqual([
      'aw-alert-whisperer',
    ]);
    expect(names('apps/v1', 'Deployment')).toEqual(['aw-alert-whisperer-web', 'aw-alert-whisperer-worker']);
    expect(names('autoscaling/v2', 'HorizontalPodAutoscaler')).toEqual(['aw-alert-whisperer-web']);
    expect(names('policy/v1', 'PodDisruptionBudget')).toEqual([
      'aw-alert-whisperer-web',
      'aw-alert-whisperer-worker',
    ]);
    expect(names('networking.k8s.io/v1', 'NetworkPolicy')).toEqual([
      'aw-alert-whisperer-web',
      'aw-alert-whisperer-worker',
    ]);
    expect(names('v1', 'Service')).toEqual(['aw-alert-whisperer']);
    expect(names('v1', 'ServiceAccount')).toEqual(['aw-alert-whisperer']);
  });

  it('upgrades: the migration runs again, then the change lands', async () => {
    const r = await helmRun([
      'upgrade',
      'aw',
      chartDir,
      '-n',
      NS,
      '-f',
      ciValues('minimal'),
      '--set',
      'worker.replicas=3',
      '--set',
      'ingress.enabled=true',
      '--set',
      'ingress.host=aw.example.com',
      '--timeout',
      '60s',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('REVISION: 2');
    expect(jobsSeen).toHaveLength(2);
    const worker = api.store.get('apps/v1', 'Deployment', 'aw-alert-whisperer-worker', NS) as unknown as {
      spec: { replicas: number };
    };
    expect(worker.spec.replicas).toBe(3);
    expect(names('networking.k8s.io/v1', 'Ingress')).toEqual(['aw-alert-whisperer']);
    const k = await runAsync(kubectlBin, ['-n', NS, 'get', 'deployments', '-o', 'name'], {
      kubeconfig: api.kubeconfigPath,
    });
    expect(k.stdout.trim().split('\n').sort()).toEqual([
      'deployment.apps/aw-alert-whisperer-web',
      'deployment.apps/aw-alert-whisperer-worker',
    ]);
  });

  it('a failed migration fails the install and starts no pods', async () => {
    outcome = 'Failed';
    try {
      const r = await helmRun([
        'install',
        'bad',
        chartDir,
        '-n',
        'broken',
        '-f',
        ciValues('minimal'),
        '--timeout',
        '60s',
      ]);
      expect(r.status).not.toBe(0);
      expect(jobsSeen.at(-1)).toMatchObject({ name: 'bad-alert-whisperer-migrate', webExisted: false });
      expect(r.stderr).toMatch(/pre-install|BackoffLimitExceeded|failed/i);
      expect(api.store.list('apps/v1', 'Deployment', 'broken')).toEqual([]);
    } finally {
      outcome = 'Complete';
    }
  });

  it('uninstalls: every object of the release is gone', async () => {
    const r = await helmRun(['uninstall', 'aw', '-n', NS, '--timeout', '60s']);
    expect(r.status).toBe(0);
    await api.settled();
    for (const [v, k] of [
      ['apps/v1', 'Deployment'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['networking.k8s.io/v1', 'Ingress'],
      ['v1', 'Service'],
    ] as const)
      expect(names(v, k), k).toEqual([]);
    expect(names('v1', 'Secret')).toEqual([]);
  });
});
