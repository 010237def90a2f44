// The operator in-process against the fake Kubernetes API server (real client-node over https) and
// the app's real site handlers on loopback (real PostgreSQL, fake AWS): reconcile results, the
// finalizer, informer recovery, and leader election between two replicas.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ACTIVATION_FINALIZER, API_VERSION, conditionOf } from '../api/v1alpha1/index.ts';
import { silentLogger } from '../observability/log.ts';
import { OPERATOR_VERSION, runOperator, type RunningOperator } from '../operator.ts';
import {
  addSite,
  getActivation,
  getSite,
  NS,
  operatorConfig,
  startCluster,
  waitFor,
} from '../testing/harness.ts';
import { startUpstream, type Upstream } from '../testing/upstream.ts';
import type { FakeApiServer } from '../../testing/fake-apiserver/index.ts';

const [target] = inject('pgTargets');

function addActivation(api: FakeApiServer, name: string) {
  api.store.create({
    apiVersion: API_VERSION,
    kind: 'HybridActivation',
    metadata: { name, namespace: NS },
    spec: { siteRef: { name: 'default' }, registrationLimit: 3, instanceNamePrefix: 'prod-eu-node' },
  } as never);
}

const ready = (api: FakeApiServer, name: string) => {
  const ha = getActivation(api, name);
  return conditionOf(ha?.status?.conditions, 'Ready')?.status === 'True' ? ha : null;
};

describe('operator controllers (fake API server + real site endpoints)', () => {
  let api: FakeApiServer;
  let upstream: Upstream;
  let a: RunningOperator;
  let b: RunningOperator | null = null;

  beforeAll(async () => {
    upstream = await startUpstream(target!);
    api = await startCluster();
    addSite(api, upstream.url, upstream.company);
    a = await runOperator(operatorConfig(api, { POD_NAME: 'operator-a' }), { log: silentLogger });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await api?.stop();
    await upstream?.stop();
  });

  it('a Site becomes Ready: registered upstream with the cluster UID, conditions carry observedGeneration', async () => {
    const site = await waitFor('Site Ready', () => {
      const s = getSite(api);
      return conditionOf(s?.status?.conditions, 'Ready')?.status === 'True' ? s : null;
    });
    expect(site.status!.observedGeneration).toBe(site.metadata.generation);
    for (const t of ['Ready', 'Connected', 'Forwarding'])
      expect(conditionOf(site.status!.conditions, t)).toMatchObject({
        status: 'True',
        observedGeneration: site.metadata.generation,
      });
    // The CRD default applied by the API server reached the spec.
    expect(site.spec.eventReasons).toContain('OOMKilling');
    const kubeSystem = api.store.get('v1', 'Namespace', 'kube-system')!;
    const row = await upstream.prisma.site.findFirstOrThrow({
      where: { companyId: upstream.company.id, name: 'prod-eu' },
    });
    expect(row).toMatchObject({
      clusterUid: kubeSystem.metadata.uid,
      operatorVersion: OPERATOR_VERSION,
      queueDepth: 0,
    });
    expect(site.status!.siteId).toBe(row.id);
    // Heartbeats keep coming.
    const first = row.lastSeenAt!.getTime();
    await waitFor('second heartbeat', async () => {
      const r = await upstream.prisma.site.findFirstOrThrow({ where: { id: row.id } });
      return r.lastSeenAt!.getTime() > first;
    });
  });

  it('another Site in the namespace is marked NotServed (one operator serves one Site)', async () => {
    api.store.create({
      apiVersion: API_VERSION,
      kind: 'Site',
      metadata: { name: 'other', namespace: NS },
      spec: {
        upstreamURL: upstream.url,
        clusterName: 'other',
        apiKeySecretRef: { name: 'nope' },
        hmacSecretRef: { name: 'nope' },
      },
    } as never);
    // This operator serves only its own Site and says so on any other.
    const other = await waitFor('NotServed', () => {
      const s = getSite(api, 'other');
      return conditionOf(s?.status?.conditions, 'Ready')?.reason === 'NotServed' ? s : null;
    });
    expect(conditionOf(other.status!.conditions, 'Ready')!.status).toBe('False');
  });

  it('a HybridActivation yields an owned Secret with the code and a Ready status; deleting it deletes the activation upstream', async () => {
    addActivation(api, 'nodes');
    const ha = await waitFor('activation Ready', () => ready(api, 'nodes'), 45_000);
    expect(ha.metadata.finalizers).toContain(ACTIVATION_FINALIZER);
    expect(ha.status).toMatchObject({
      secretName: 'nodes-activation',
      region: 'us-east-1',
      observedGeneration: ha.metadata.generation,
    });
    const secret = api.store.get('v1', 'Secret', 'nodes-activation', NS) as unknown as {
      data: Record<string, string>;
      metadata: { ownerReferences: { uid: string; controller: boolean; kind: string }[] };
    };
    expect(secret.metadata.ownerReferences).toEqual([
      expect.objectContaining({ uid: ha.metadata.uid, kind: 'HybridActivation', controller: true }),
    ]);
    const id = Buffer.from(secret.data['activation-id']!, 'base64').toString();
    const code = Buffer.from(secret.data['activation-code']!, 'base64').toString();
    expect(id).toBe(ha.status!.activationId);
    expect(code.length).toBeGreaterThan(10);
    const row = await upstream.prisma.hybridActivation.findFirstOrThrow({ where: { activationId: id } });
    expect(row).toMatchObject({
      companyId: upstream.company.id,
      registrationLimit: 3,
      defaultInstanceName: 'prod-eu-node',
      deletedAt: null,
    });

    api.store.delete(API_VERSION, 'HybridActivation', 'nodes', NS);
    await waitFor('activation gone', () => !getActivation(api, 'nodes'));
    const after = await upstream.prisma.hybridActivation.findFirstOrThrow({ where: { activationId: id } });
    expect(after.deletedAt).not.toBeNull();
    expect(
      upstream.hits.some(
        (h) => h.method === 'DELETE' && h.path === `/api/v1/sites/activation/${id}` && h.status === 200,
      ),
    ).toBe(true);
    // The owned Secret is garbage-collected with its owner.
    await api.settled();
    await waitFor('secret collected', () => !api.store.get('v1', 'Secret', 'nodes-activation', NS));
  });

  it('renews an activation that is about to expire: new code in the Secret, the old one deleted upstream', async () => {
    addActivation(api, 'renewing');
    const ha = await waitFor('activation Ready', () => ready(api, 'renewing'), 45_000);
    const oldId = ha.status!.activationId!;
    // Time passes: the activation has two hours left (in the app and in the status).
    const soon = new Date(Date.now() + 2 * 3_600_000);
    await upstream.prisma.hybridActivation.updateMany({
      where: { activationId: oldId },
      data: { expiresAt: soon },
    });
    api.store.update({ ...ha, status: { ...ha.status, expiresAt: soon.toISOString() } } as never, 'status');
    const renewed = await waitFor(
      'renewed',
      () => {
        const cur = ready(api, 'renewing');
        return cur && cur.status!.activationId !== oldId ? cur : null;
      },
      45_000,
    );
    expect(Date.parse(renewed.status!.expiresAt!)).toBeGreaterThan(Date.now() + 20 * 86_400_000);
    const secret = api.store.get('v1', 'Secret', 'renewing-activation', NS) as unknown as {
      data: Record<string, string>;
    };
    expect(Buffer.from(secret.data['activation-id']!, 'base64').toString()).toBe(
      renewed.status!.activationId,
    );
    await waitFor('old activation deleted upstream', async () => {
      const old = await upstream.prisma.hybridActivation.findFirstOrThrow({ where: { activationId: oldId } });
      return old.deletedAt !== null;
    }).catch((e: Error) => {
      throw new Error(
        `${e.message}; requests: ${JSON.stringify(upstream.hits.filter((h) => h.path.includes('activation')))}`,
      );
    });
  });

  it('informers relist after 410 Gone and resume after a dropped watch, missing no change', async () => {
    const relists = async (resource: string) =>
      (await a.metrics.informerRelists.get()).values.find(
        (v) => v.labels.resource === resource && v.labels.cause === 'gone',
      )?.value ?? 0;
    // First a dropped connection: the watch resumes from the last resourceVersion it saw.
    await api.faults.waitForWatch('hybridactivations');
    const before = await relists('hybridactivations');
    expect(api.faults.dropConnections('hybridactivations')).toBeGreaterThan(0);
    addActivation(api, 'after-drop');
    await waitFor('activation after a dropped watch', () => ready(api, 'after-drop'), 45_000);
    // Resumed from the last resourceVersion, not relisted.
    expect(await relists('hybridactivations')).toBe(before);
    const resumed = api.faults.requests.filter(
      (r) =>
        r.path.endsWith('/hybridactivations') &&
        /watch=true/.test(r.query) &&
        /resourceVersion=\d+/.test(r.query),
    );
    expect(resumed.length).toBeGreaterThanOrEqual(1);

    // Then 410 Gone (history compacted): a relist.
    await api.faults.waitForWatch('sites');
    expect(api.faults.expireWatches('sites')).toBeGreaterThan(0);
    await waitFor('relist after 410', async () => (await relists('sites')) >= 1);
    // A spec change after the relist is seen: observedGeneration follows generation.
    const site = getSite(api)!;
    api.store.update({ ...site, spec: { ...site.spec, eventReasons: ['BackOff', 'OOMKilling'] } } as never);
    await waitFor('new generation observed', () => {
      const s = getSite(api)!;
      return (
        s.metadata.generation! > site.metadata.generation! &&
        s.status?.observedGeneration === s.metadata.generation
      );
    });
  });

  it('two replicas: only the Lease holder reconciles; the standby takes over when the leader stops', async () => {
    b = await runOperator(operatorConfig(api, { POD_NAME: 'operator-b' }), { log: silentLogger });
    await new Promise((r) => setTimeout(r, 3000));
    const lease = api.store.get(
      'coordination.k8s.io/v1',
      'Lease',
      'alert-whisperer-operator',
      NS,
    ) as unknown as {
      spec: { holderIdentity: string };
    };
    expect(lease.spec.holderIdentity).toBe('operator-a');
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    const reconciles = async (op: RunningOperator) =>
      (await op.metrics.reconcileDuration.get()).values
        .filter((v) => v.metricName?.endsWith('_count'))
        .reduce((n, v) => n + v.value, 0);
    expect(await reconciles(b)).toBe(0);

    await a.stop();
    await waitFor('b leads', () => b!.isLeader(), 20_000);
    addActivation(api, 'after-failover');
    await waitFor('activation reconciled by b', () => ready(api, 'after-failover'), 45_000);
    expect(await reconciles(b)).toBeGreaterThan(0);
    const l2 = api.store.get(
      'coordination.k8s.io/v1',
      'Lease',
      'alert-whisperer-operator',
      NS,
    ) as unknown as {
      spec: { holderIdentity: string; leaseTransitions: number };
    };
    expect(l2.spec.holderIdentity).toBe('operator-b');
  });
});
