// The company's Kubernetes sites (clusters running the operator) as the portal shows them, and the
// `helm install` command that enrolls a new one.
import type { PrismaClient } from '@aw/db';

export interface SiteSummary {
  id: string;
  name: string;
  kind: string;
  clusterUid: string | null;
  operatorVersion: string | null;
  lastSeenAt: Date | null;
  queueDepth: number | null;
  queueBytes: number | null;
  alertsForwarded: number | null;
  lastDeliveryAt: Date | null;
  lastError: string | null;
  activations: number;
  createdAt: Date;
}

export async function listSites({
  prisma,
  companyId,
}: {
  prisma: PrismaClient;
  companyId: string;
}): Promise<SiteSummary[]> {
  const rows = await prisma.site.findMany({
    where: { companyId },
    orderBy: { name: 'asc' },
    include: { _count: { select: { activations: { where: { deletedAt: null } } } } },
  });
  return rows.map((s) => ({
    id: s.id,
    name: s.name,
    kind: s.kind,
    clusterUid: s.clusterUid,
    operatorVersion: s.operatorVersion,
    lastSeenAt: s.lastSeenAt,
    queueDepth: s.queueDepth,
    queueBytes: s.queueBytes === null ? null : Number(s.queueBytes),
    alertsForwarded: s.alertsForwarded === null ? null : Number(s.alertsForwarded),
    lastDeliveryAt: s.lastDeliveryAt,
    lastError: s.lastError,
    activations: s._count.activations,
    createdAt: s.createdAt,
  }));
}

export const CHART_PATH = './charts/alert-whisperer-operator';
export const CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const shellQuote = (s: string) => (/^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The exact command a cluster admin runs; the key and secret are in it, so it is shown once. */
export function helmInstallCommand(o: {
  clusterName: string;
  upstreamUrl: string;
  apiKey: string;
  hmacSecret: string;
  namespace?: string;
}): string {
  const ns = o.namespace ?? 'alert-whisperer';
  return [
    `helm install alert-whisperer-operator ${CHART_PATH}`,
    `  --namespace ${shellQuote(ns)} --create-namespace`,
    `  --set site.clusterName=${shellQuote(o.clusterName)}`,
    `  --set site.upstreamURL=${shellQuote(o.upstreamUrl)}`,
    `  --set credentials.apiKey=${shellQuote(o.apiKey)}`,
    `  --set credentials.hmacSecret=${shellQuote(o.hmacSecret)}`,
  ].join(' \\\n');
}
