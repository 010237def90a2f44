// HybridActivation reconciler, in the fixed order:
//   get (gone → done) → ensure finalizer → if deleting: delete the activation upstream
//   (DELETE /api/v1/sites/activation/<id>), drop the finalizer → owned Secret `<name>-activation`
//   (ownerReference → garbage-collected with the resource) → converge (ask the app for an
//   activation with the Site's signed credentials; renew `renewBeforeHours` before expiry) →
//   conditions with observedGeneration, through the status subresource.
// The app hands back the same activation (and code) while it has registrations left and more than
// a day to live, so asking again after a restart never burns a new one.
import type { V1Secret } from '@kubernetes/client-node';
import {
  ACTIVATION_FINALIZER,
  API_VERSION,
  setConditions,
  type ConditionInput,
  type HybridActivation,
  type HybridActivationStatus,
  type Site,
} from '../api/v1alpha1/index.ts';
import type { Logger } from '../observability/log.ts';
import type { Clock } from '../runtime/clock.ts';
import { sameJson } from '../runtime/equal.ts';
import type { Kube } from '../runtime/kube.ts';
import type { ReconcileResult } from '../runtime/workqueue.ts';
import { errorMessage, UpstreamClient, type UpstreamCredentials } from '../upstream/client.ts';
import { CredentialsError, siteCredentials } from './site-credentials.ts';

export interface HybridActivationControllerDeps {
  kube: Kube;
  operatorVersion: string;
  log: Logger;
  clock: Clock;
}

interface ActivationAnswer {
  activationId: string;
  activationCode: string;
  region: string;
  expiresAt: string;
}

export const secretNameFor = (ha: HybridActivation) => `${ha.metadata.name}-activation`;
const HOUR = 3_600_000;

export class HybridActivationController {
  private clients = new Map<string, UpstreamClient>();

  constructor(private d: HybridActivationControllerDeps) {}

  private client(creds: UpstreamCredentials): UpstreamClient {
    const k = `${creds.url}\n${creds.apiKey}\n${creds.hmacSecret}`;
    let c = this.clients.get(k);
    if (!c) {
      if (this.clients.size > 16) this.clients.clear();
      c = new UpstreamClient(() => creds, {
        userAgent: `alert-whisperer-operator/${this.d.operatorVersion}`,
      });
      this.clients.set(k, c);
    }
    return c;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const kube = this.d.kube;
    // get
    let ha = await kube.getCustom<HybridActivation>('hybridactivations', namespace, name);
    if (!ha) return {};
    const finalizers = ha.metadata.finalizers ?? [];
    // ensure finalizer
    if (!ha.metadata.deletionTimestamp && !finalizers.includes(ACTIVATION_FINALIZER)) {
      ha = await kube.replaceCustom('hybridactivations', {
        ...ha,
        metadata: { ...ha.metadata, finalizers: [...finalizers, ACTIVATION_FINALIZER] },
      });
    }
    const site = await kube.getCustom<Site>('sites', namespace, ha.spec.siteRef.name);
    // delete path
    if (ha.metadata.deletionTimestamp) {
      if (!finalizers.includes(ACTIVATION_FINALIZER)) return {};
      const id = ha.status?.activationId;
      if (id && site) {
        const creds = await siteCredentials(kube, site);
        await this.deleteUpstream(creds, id);
      } else if (id) {
        this.d.log.warn('Site gone: cannot delete the activation upstream, delete it in the portal', {
          key,
          activationId: id,
        });
      }
      await kube.replaceCustom('hybridactivations', {
        ...ha,
        metadata: { ...ha.metadata, finalizers: finalizers.filter((f) => f !== ACTIVATION_FINALIZER) },
      });
      this.d.log.info('activation deleted upstream, finalizer removed', { key, activationId: id });
      return {};
    }
    if (!site) {
      await this.writeStatus(ha, { ...ha.status }, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'SiteNotFound',
          message: `Site ${namespace}/${ha.spec.siteRef.name} not found`,
        },
      ]);
      return { requeueAfterMs: 30_000 };
    }
    let creds: UpstreamCredentials;
    try {
      creds = await siteCredentials(kube, site);
    } catch (e) {
      if (!(e instanceof CredentialsError)) throw e;
      await this.writeStatus(ha, { ...ha.status }, [
        { type: 'Ready', status: 'False', reason: e.reason, message: e.message },
      ]);
      return { requeueAfterMs: 30_000 };
    }
    // owned children + converge
    const now = this.d.clock.now();
    const renewBeforeMs = (ha.spec.renewBeforeHours ?? 20) * HOUR;
    const secretName = secretNameFor(ha);
    const secret = await kube.getSecret(namespace, secretName);
    const expiresAt = ha.status?.expiresAt ? Date.parse(ha.status.expiresAt) : 0;
    const current = ha.status?.activationId;
    const secretMatches = !!secret && decode(secret.data?.['activation-id']) === current;
    const renewing = !!current && expiresAt - now < renewBeforeMs;
    const status: HybridActivationStatus = { ...ha.status };
    if (!current || !secretMatches || renewing) {
      const a = await this.requestActivation(creds, site, ha);
      if (!a.ok) {
        await this.writeStatus(ha, status, [
          { type: 'Ready', status: 'False', reason: a.reason, message: a.message },
        ]);
        return { requeueAfterMs: a.retryMs };
      }
      await this.writeSecret(ha, secret, a.value);
      if (current && current !== a.value.activationId) {
        // The old activation is replaced (servers registered with it stay registered). Until its
        // deletion succeeds the status keeps naming it, so a failure here is retried: the next
        // attempt gets the new activation back from the app and deletes the old one again.
        await this.deleteUpstream(creds, current);
      }
      status.activationId = a.value.activationId;
      status.region = a.value.region;
      status.expiresAt = new Date(a.value.expiresAt).toISOString();
      status.secretName = secretName;
    }
    const exp = Date.parse(status.expiresAt!);
    await this.writeStatus(ha, status, [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Active',
        message: `activation ${status.activationId} in Secret ${secretName}`,
      },
    ]);
    return { requeueAfterMs: Math.max(1000, Math.min(HOUR, exp - renewBeforeMs - now)) };
  }

  private async requestActivation(
    creds: UpstreamCredentials,
    site: Site,
    ha: HybridActivation,
  ): Promise<
    { ok: true; value: ActivationAnswer } | { ok: false; reason: string; message: string; retryMs: number }
  > {
    const body = JSON.stringify({
      siteName: site.spec.clusterName,
      clusterUid: (await this.d.kube.namespaceUid('kube-system')) ?? undefined,
      operatorVersion: this.d.operatorVersion,
      registrationLimit: ha.spec.registrationLimit ?? 10,
      expiresInDays: ha.spec.lifetimeDays ?? 30,
      ...(ha.spec.instanceNamePrefix ? { instanceNamePrefix: ha.spec.instanceNamePrefix } : {}),
    });
    let r;
    try {
      r = await this.client(creds).request('POST', 'api/v1/sites/activation', body);
    } catch (e) {
      return { ok: false, reason: 'Unreachable', message: (e as Error).message, retryMs: 15_000 };
    }
    if (r.status === 200 || r.status === 201) return { ok: true, value: r.body as ActivationAnswer };
    const reason =
      r.status === 401 || r.status === 403
        ? 'Unauthorized'
        : r.status >= 500 || r.status === 429
          ? 'UpstreamUnavailable'
          : 'Rejected';
    return { ok: false, reason, message: errorMessage(r), retryMs: reason === 'Rejected' ? 300_000 : 30_000 };
  }

  private async deleteUpstream(creds: UpstreamCredentials, activationId: string): Promise<void> {
    const r = await this.client(creds).request(
      'DELETE',
      `api/v1/sites/activation/${encodeURIComponent(activationId)}`,
    );
    if (r.status >= 200 && r.status < 300) return;
    if (r.status === 404) return; // already gone upstream
    throw new Error(`deleting activation ${activationId} upstream: ${errorMessage(r)}`);
  }

  private async writeSecret(
    ha: HybridActivation,
    existing: V1Secret | null,
    a: ActivationAnswer,
  ): Promise<void> {
    const ns = ha.metadata.namespace!;
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: secretNameFor(ha),
        namespace: ns,
        labels: {
          'app.kubernetes.io/managed-by': 'alert-whisperer-operator',
          'alertwhisperer.io/hybrid-activation': ha.metadata.name,
        },
        ownerReferences: [
          {
            apiVersion: API_VERSION,
            kind: 'HybridActivation',
            name: ha.metadata.name,
            uid: ha.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        ...(existing?.metadata?.resourceVersion
          ? { resourceVersion: existing.metadata.resourceVersion }
          : {}),
      },
      data: {
        'activation-id': Buffer.from(a.activationId).toString('base64'),
        'activation-code': Buffer.from(a.activationCode).toString('base64'),
        region: Buffer.from(a.region).toString('base64'),
      },
    };
    if (existing) await this.d.kube.replaceSecret(ns, body);
    else await this.d.kube.createSecret(ns, body);
  }

  private async writeStatus(
    ha: HybridActivation,
    status: HybridActivationStatus,
    conditions: ConditionInput[],
  ): Promise<void> {
    const gen = ha.metadata.generation;
    const next: HybridActivationStatus = {
      ...status,
      observedGeneration: gen,
      conditions: setConditions(ha.status?.conditions, conditions, gen, new Date(this.d.clock.now())),
    };
    if (sameJson(next, ha.status ?? {})) return;
    await this.d.kube.replaceCustomStatus('hybridactivations', { ...ha, status: next });
  }
}

function decode(b64: string | undefined): string | undefined {
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}
