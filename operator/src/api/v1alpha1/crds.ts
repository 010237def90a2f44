// CustomResourceDefinition objects for Site and HybridActivation. The Helm chart's crds/*.yaml are
// rendered from these (one source), and the fake API server validates custom resources with them.
import { DEFAULT_EVENT_REASONS, GROUP, HYBRID_ACTIVATION, SITE, VERSION } from './types.ts';

type Schema = Record<string, unknown>;

const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });

const secretKeyRef = (description: string, defaultKey: string): Schema => ({
  type: 'object',
  description,
  required: ['name'],
  properties: {
    name: str({ description: 'Secret name (same namespace)', minLength: 1, maxLength: 253 }),
    key: str({ description: 'Key inside the Secret', default: defaultKey, minLength: 1, maxLength: 253 }),
  },
});

const conditions: Schema = {
  type: 'array',
  description: 'Current state, one entry per condition type',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  items: {
    type: 'object',
    required: ['type', 'status', 'reason', 'lastTransitionTime'],
    properties: {
      type: str({ maxLength: 316 }),
      status: str({ enum: ['True', 'False', 'Unknown'] }),
      reason: str({ maxLength: 1024 }),
      message: str({ maxLength: 32768 }),
      lastTransitionTime: str({ format: 'date-time' }),
      observedGeneration: int({ format: 'int64', minimum: 0 }),
    },
  },
};

function crd(o: {
  plural: string;
  kind: string;
  singular: string;
  shortNames: string[];
  spec: Schema;
  status: Schema;
  columns: Schema[];
}) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        plural: o.plural,
        singular: o.singular,
        kind: o.kind,
        listKind: `${o.kind}List`,
        shortNames: o.shortNames,
        categories: ['alertwhisperer'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: o.columns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: str(),
                kind: str(),
                metadata: { type: 'object' },
                spec: o.spec,
                status: o.status,
              },
            },
          },
        },
      ],
    },
  };
}

const readyColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
};
const ageColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const siteCrd = crd({
  plural: SITE.plural,
  kind: SITE.kind,
  singular: 'site',
  shortNames: ['awsite'],
  spec: {
    type: 'object',
    required: ['upstreamURL', 'apiKeySecretRef', 'hmacSecretRef', 'clusterName'],
    properties: {
      upstreamURL: str({
        description: 'Base URL of the Alert Whisperer app',
        pattern: '^https?://[^\\s]+$',
        maxLength: 2048,
      }),
      apiKeySecretRef: secretKeyRef('Secret holding the site API key (awk_…)', 'apiKey'),
      hmacSecretRef: secretKeyRef('Secret holding the signing secret (whsec_…)', 'hmacSecret'),
      clusterName: str({
        description: 'Cluster name shown in the portal; first part of every asset',
        pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
      }),
      eventReasons: {
        type: 'array',
        description: 'Warning event reasons turned into alerts',
        default: [...DEFAULT_EVENT_REASONS],
        maxItems: 100,
        items: str({ minLength: 1, maxLength: 128 }),
      },
    },
  },
  status: {
    type: 'object',
    properties: {
      observedGeneration: int({ format: 'int64' }),
      conditions,
      siteId: str(),
      queueDepth: int({ format: 'int64' }),
      queueBytes: int({ format: 'int64' }),
      alertsForwarded: int({ format: 'int64' }),
      lastDelivery: str({ format: 'date-time' }),
      lastHeartbeat: str({ format: 'date-time' }),
      lastError: str({ maxLength: 4096 }),
    },
  },
  columns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName' },
    readyColumn,
    { name: 'Queue', type: 'integer', jsonPath: '.status.queueDepth' },
    { name: 'Forwarded', type: 'integer', jsonPath: '.status.alertsForwarded' },
    { name: 'Last-Delivery', type: 'date', jsonPath: '.status.lastDelivery' },
    ageColumn,
  ],
});

export const hybridActivationCrd = crd({
  plural: HYBRID_ACTIVATION.plural,
  kind: HYBRID_ACTIVATION.kind,
  singular: 'hybridactivation',
  shortNames: ['awha'],
  spec: {
    type: 'object',
    required: ['siteRef'],
    properties: {
      siteRef: {
        type: 'object',
        required: ['name'],
        properties: { name: str({ minLength: 1, maxLength: 253 }) },
      },
      registrationLimit: int({ minimum: 1, maximum: 1000, default: 10 }),
      lifetimeDays: int({ minimum: 1, maximum: 30, default: 30 }),
      renewBeforeHours: int({ minimum: 1, maximum: 23, default: 20 }),
      instanceNamePrefix: str({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    },
  },
  status: {
    type: 'object',
    properties: {
      observedGeneration: int({ format: 'int64' }),
      conditions,
      activationId: str(),
      secretName: str(),
      region: str(),
      expiresAt: str({ format: 'date-time' }),
    },
  },
  columns: [
    { name: 'Site', type: 'string', jsonPath: '.spec.siteRef.name' },
    readyColumn,
    { name: 'Activation', type: 'string', jsonPath: '.status.activationId' },
    { name: 'Region', type: 'string', jsonPath: '.status.region' },
    { name: 'Expires', type: 'date', jsonPath: '.status.expiresAt' },
    ageColumn,
  ],
});

/** Every CRD the operator owns, in the order the chart writes them. */
export const crds = [siteCrd, hybridActivationCrd];
