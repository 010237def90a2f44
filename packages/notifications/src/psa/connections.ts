// PSA connection settings: the ConnectWise site, board, statuses and priority map (config), the
// API member keys (sealed like channel secrets, AAD bound to the row), and the company mapping.
// Every change is audited in its transaction; the audit entry never holds a key.
import { randomUUID } from 'node:crypto';
import { audit } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import { decryptSecret, encryptSecret } from '@aw/core/crypto';
import type { PrismaClient, PsaConnection } from '@aw/db';
import { z } from 'zod';
import { checkDestination, DeliveryError } from '../channels/http.ts';
import { netOptions, type NotificationDeps } from '../deps.ts';
import { SEVERITIES } from '../types.ts';
import { ConnectWiseConnector, ZConnectWiseConfig } from './connectwise.ts';
import { PsaError, type PsaConnector } from './types.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
export const ZPsaConnectionInput = z.object({
  kind: z.literal('CONNECTWISE'),
  name: text(100),
  /** e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0 */
  baseUrl: text(2000),
  companyId: text(100),
  /** Omitted on update: the stored keys stay. */
  publicKey: text(100).optional(),
  privateKey: text(200).optional(),
  clientId: z.string().uuid(),
  board: text(100),
  newStatus: text(100).default('New'),
  closedStatus: text(100).default('Closed (resolved)'),
  priorities: z.partialRecord(z.enum(SEVERITIES), z.number().int().min(1).max(1_000_000)).default({}),
  enabled: z.boolean().default(true),
});
export type TPsaConnectionInput = z.input<typeof ZPsaConnectionInput>;

const ZKeys = z.object({ publicKey: z.string(), privateKey: z.string() });
const aad = (id: string) => `psa-connection:${id}`;

type SettingsDeps = Pick<
  NotificationDeps,
  'prisma' | 'encryptionKey' | 'allowHttp' | 'allowPrivateNetworks' | 'resolveHost'
>;

const bad = (field: string, reason: string) => new AppError('BAD_REQUEST', reason, [{ field, reason }]);

export async function savePsaConnection(
  d: SettingsDeps,
  a: { mspId: string; actorId: string | null; id?: string; input: TPsaConnectionInput },
) {
  const parsed = ZPsaConnectionInput.safeParse(a.input);
  if (!parsed.success)
    throw new AppError(
      'BAD_REQUEST',
      'invalid PSA connection',
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    );
  const { publicKey, privateKey, enabled, name, kind, ...config } = parsed.data;
  try {
    await checkDestination(config.baseUrl, netOptions(d));
  } catch (e) {
    if (!(e instanceof DeliveryError)) throw e;
    throw bad('baseUrl', e.message);
  }
  if (!a.id && (!publicKey || !privateKey)) throw bad('privateKey', 'the API member keys are required');
  if (Boolean(publicKey) !== Boolean(privateKey)) throw bad('privateKey', 'give both keys or neither');
  const id = a.id ?? randomUUID();
  const secretCiphertext =
    publicKey && privateKey
      ? await encryptSecret(JSON.stringify({ publicKey, privateKey }), d.encryptionKey, aad(id))
      : undefined;
  const data = { name, kind, enabled, config, ...(secretCiphertext ? { secretCiphertext } : {}) };
  return d.prisma.$transaction(async (tx) => {
    if (a.id) {
      const n = await tx.psaConnection.updateMany({ where: { id: a.id, mspId: a.mspId }, data });
      if (!n.count) throw new AppError('NOT_FOUND', 'PSA connection not found');
    } else await tx.psaConnection.create({ data: { id, mspId: a.mspId, ...data } });
    await audit(tx, {
      mspId: a.mspId,
      actorId: a.actorId,
      action: a.id ? 'notification.psa.updated' : 'notification.psa.created',
      targetType: 'psaConnection',
      targetId: id,
      data: { name, kind, enabled, ...config, keysChanged: Boolean(secretCiphertext) },
    });
    return { id };
  });
}

export async function listPsaConnections(prisma: PrismaClient, mspId: string) {
  const rows = await prisma.psaConnection.findMany({
    where: { mspId },
    select: {
      id: true,
      name: true,
      kind: true,
      config: true,
      enabled: true,
      lastPolledAt: true,
      lastPollError: true,
      createdAt: true,
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  const mappings = await prisma.psaCompanyMapping.findMany({
    where: { mspId },
    select: { id: true, connectionId: true, companyId: true, psaCompany: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ ...r, mappings: mappings.filter((m) => m.connectionId === r.id) }));
}

export async function deletePsaConnection(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; id: string },
) {
  return prisma.$transaction(async (tx) => {
    const c = await tx.psaConnection.findFirst({ where: { id: a.id, mspId: a.mspId } });
    if (!c) throw new AppError('NOT_FOUND', 'PSA connection not found');
    await tx.psaCompanyMapping.deleteMany({ where: { connectionId: c.id } });
    await tx.notificationPolicy.updateMany({
      where: { mspId: a.mspId, psaConnectionId: c.id },
      data: { psaConnectionId: null },
    });
    await tx.psaConnection.delete({ where: { id: c.id } });
    await audit(tx, {
      mspId: a.mspId,
      actorId: a.actorId,
      action: 'notification.psa.deleted',
      targetType: 'psaConnection',
      targetId: c.id,
      data: { name: c.name, kind: c.kind },
    });
    return { id: c.id };
  });
}

/** Maps one of our companies to the PSA's company (empty `psaCompany`: removes the mapping). */
export async function mapPsaCompany(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; connectionId: string; companyId: string; psaCompany: string },
) {
  const psaCompany = a.psaCompany.trim();
  if (psaCompany.length > 100) throw bad('psaCompany', 'at most 100 characters');
  const conn = await prisma.psaConnection.findFirst({ where: { id: a.connectionId, mspId: a.mspId } });
  if (!conn) throw new AppError('NOT_FOUND', 'PSA connection not found');
  const company = await prisma.company.findFirst({ where: { id: a.companyId, mspId: a.mspId } });
  if (!company) throw new AppError('NOT_FOUND', 'company not found');
  return prisma.$transaction(async (tx) => {
    const where = { connectionId_companyId: { connectionId: conn.id, companyId: company.id } };
    if (psaCompany)
      await tx.psaCompanyMapping.upsert({
        where,
        create: { mspId: a.mspId, connectionId: conn.id, companyId: company.id, psaCompany },
        update: { psaCompany },
      });
    else await tx.psaCompanyMapping.deleteMany({ where: { connectionId: conn.id, companyId: company.id } });
    await audit(tx, {
      mspId: a.mspId,
      companyId: company.id,
      actorId: a.actorId,
      action: psaCompany ? 'notification.psa.company_mapped' : 'notification.psa.company_unmapped',
      targetType: 'psaConnection',
      targetId: conn.id,
      data: { company: company.name, psaCompany: psaCompany || null },
    });
    return { connectionId: conn.id, companyId: company.id, psaCompany: psaCompany || null };
  });
}

/** The connector for a stored connection (keys opened here, never returned). */
export async function connectorFor(
  d: Pick<
    NotificationDeps,
    'encryptionKey' | 'allowHttp' | 'allowPrivateNetworks' | 'resolveHost' | 'timeoutMs'
  >,
  c: Pick<PsaConnection, 'id' | 'kind' | 'config' | 'secretCiphertext'>,
): Promise<PsaConnector> {
  if (c.kind !== 'CONNECTWISE') throw new PsaError(`unknown PSA kind ${c.kind}`, 0, false);
  if (!c.secretCiphertext) throw new PsaError('the connection has no API keys', 0, false);
  const keys = ZKeys.parse(JSON.parse(await decryptSecret(c.secretCiphertext, d.encryptionKey, aad(c.id))));
  const cfg = ZConnectWiseConfig.parse({ ...(c.config as object), ...keys });
  const net = netOptions(d);
  return new ConnectWiseConnector(cfg, {
    timeoutMs: net.timeoutMs,
    allowHttp: net.allowHttp,
    allowPrivate: net.allowPrivate,
    resolve: net.resolve,
  });
}

/** "Test": an authenticated query that changes nothing; the PSA's answer or error comes back. */
export async function testPsaConnection(d: NotificationDeps, a: { mspId: string; id: string }) {
  const c = await d.prisma.psaConnection.findFirst({ where: { id: a.id, mspId: a.mspId } });
  if (!c) throw new AppError('NOT_FOUND', 'PSA connection not found');
  try {
    const connector = await connectorFor(d, c);
    await connector.closedAmong(['0']);
    return { ok: true as const, outcome: `${c.kind.toLowerCase()}: keys, clientId and site accepted` };
  } catch (e) {
    return { ok: false as const, error: (e as Error).message };
  }
}
