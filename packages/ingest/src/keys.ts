// API keys and webhook secrets: the services the portal calls (plain arguments, AppError).
// A key is `awk_<16 hex prefix>_<43 chars of base64url = 32 random bytes>`: the prefix is public
// and finds the row, only the SHA-256 of the whole key is stored, and the key is shown once.
import { AppError } from '@aw/core/errors';
import { decryptSecret, encryptSecret, randomToken, sha256Hex, toHex } from '@aw/core/crypto';
import type { PrismaClient } from '@aw/db';
import { validateScopes, type TApiKeyScope } from './scopes.ts';

export const API_KEY_PATTERN = /^awk_([0-9a-f]{16})_([A-Za-z0-9_-]{43,})$/;
export const DEFAULT_OVERLAP_MINUTES = 24 * 60;

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = toHex(crypto.getRandomValues(new Uint8Array(8)));
  return { key: `awk_${prefix}_${randomToken(32)}`, prefix };
}

/** The public prefix of a presented key, or null when it is not shaped like one of ours. */
export function apiKeyPrefix(key: string): string | null {
  return API_KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** A PagerDuty integration key is 32 characters: 16 random bytes as hex. */
export function generateRoutingKey(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

interface Svc<I> {
  prisma: PrismaClient;
  companyId: string;
  actorId: string | null;
  input: I;
}

async function companyOf(prisma: PrismaClient, companyId: string) {
  const c = await prisma.company.findUnique({ where: { id: companyId }, select: { id: true, mspId: true } });
  if (!c) throw new AppError('NOT_FOUND', 'company not found');
  return c;
}

async function audit(
  prisma: PrismaClient,
  c: { id: string; mspId: string },
  actorId: string | null,
  action: string,
  targetType: string,
  targetId: string | null,
  data: Record<string, unknown> = {},
) {
  await prisma.auditLog.create({
    data: { mspId: c.mspId, companyId: c.id, actorId, action, targetType, targetId, data: data as object },
  });
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The plaintext key: returned once, never stored. */
  key: string;
  /** For a PagerDuty sender: the routing_key to configure (also shown once). */
  routingKey: string | null;
  scopes: TApiKeyScope[];
  allowUnsigned: boolean;
  expiresAt: Date | null;
}

export interface CreateApiKeyInput {
  name: string;
  /** What the key may do (default `alerts:write`): see scopes.ts. */
  scopes?: readonly string[];
  /** The sender cannot sign (Alertmanager, PagerDuty, SNS, Grafana without HMAC). */
  allowUnsigned?: boolean;
  /** Also issue a PagerDuty routing_key that maps onto this key. */
  pagerDuty?: boolean;
  expiresAt?: Date | null;
}

export async function createApiKey({
  prisma,
  companyId,
  actorId,
  input,
}: Svc<CreateApiKeyInput>): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (!name || name.length > 100)
    throw new AppError('BAD_REQUEST', 'invalid name', [
      { field: 'name', reason: 'must be 1..100 characters' },
    ]);
  const scopes = validateScopes(input.scopes, input);
  const c = await companyOf(prisma, companyId);
  const { key, prefix } = generateApiKey();
  const routingKey = input.pagerDuty ? generateRoutingKey() : null;
  const row = await prisma.apiKey.create({
    data: {
      mspId: c.mspId,
      companyId,
      name,
      prefix,
      hash: await hashApiKey(key),
      scopes,
      allowUnsigned: input.allowUnsigned ?? false,
      routingKeyHash: routingKey ? await sha256Hex(routingKey) : null,
      expiresAt: input.expiresAt ?? null,
      createdById: actorId,
    },
  });
  await audit(prisma, c, actorId, 'apiKey.created', 'apiKey', row.id, {
    prefix,
    scopes,
    allowUnsigned: row.allowUnsigned,
  });
  return {
    id: row.id,
    name,
    prefix,
    key,
    routingKey,
    scopes,
    allowUnsigned: row.allowUnsigned,
    expiresAt: row.expiresAt,
  };
}

/**
 * Issues a replacement with the same settings; the old key keeps working for `overlapMinutes`
 * (default 24 h, 0 = stop now) so senders can be switched over without losing alerts.
 */
export async function rotateApiKey({
  prisma,
  companyId,
  actorId,
  input,
}: Svc<{ id: string; overlapMinutes?: number }>): Promise<CreatedApiKey & { oldKeyExpiresAt: Date }> {
  const overlap = input.overlapMinutes ?? DEFAULT_OVERLAP_MINUTES;
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > 30 * 24 * 60)
    throw new AppError('BAD_REQUEST', 'invalid overlap', [
      { field: 'overlapMinutes', reason: 'must be 0..43200' },
    ]);
  const c = await companyOf(prisma, companyId);
  const old = await prisma.apiKey.findFirst({ where: { id: input.id, companyId, revokedAt: null } });
  if (!old || (old.expiresAt && old.expiresAt <= new Date()))
    throw new AppError('NOT_FOUND', 'API key not found');
  const { key, prefix } = generateApiKey();
  const routingKey = old.routingKeyHash ? generateRoutingKey() : null;
  const until = new Date(Date.now() + overlap * 60_000);
  const oldKeyExpiresAt = old.expiresAt && old.expiresAt < until ? old.expiresAt : until;
  const row = await prisma.$transaction(async (tx) => {
    await tx.apiKey.update({ where: { id: old.id }, data: { expiresAt: oldKeyExpiresAt } });
    return tx.apiKey.create({
      data: {
        mspId: c.mspId,
        companyId,
        name: old.name,
        prefix,
        hash: await hashApiKey(key),
        scopes: old.scopes,
        allowUnsigned: old.allowUnsigned,
        alertKind: old.alertKind,
        routingKeyHash: routingKey ? await sha256Hex(routingKey) : null,
        rotatedFromId: old.id,
        createdById: actorId,
      },
    });
  });
  await audit(prisma, c, actorId, 'apiKey.rotated', 'apiKey', row.id, {
    from: old.id,
    overlapMinutes: overlap,
  });
  return {
    id: row.id,
    name: row.name,
    prefix,
    key,
    routingKey,
    scopes: validateScopes(row.scopes),
    allowUnsigned: row.allowUnsigned,
    expiresAt: null,
    oldKeyExpiresAt,
  };
}

/** Revocation takes effect at once: the write path re-checks the key inside its transaction. */
export async function revokeApiKey({
  prisma,
  companyId,
  actorId,
  input,
}: Svc<{ id: string }>): Promise<void> {
  const c = await companyOf(prisma, companyId);
  const r = await prisma.apiKey.updateMany({
    where: { id: input.id, companyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (r.count === 0) throw new AppError('NOT_FOUND', 'API key not found');
  await audit(prisma, c, actorId, 'apiKey.revoked', 'apiKey', input.id);
}

/** Marks a key for a sender that cannot sign (or back). The portal explains what that trades away. */
export async function setApiKeyAllowUnsigned({
  prisma,
  companyId,
  actorId,
  input,
}: Svc<{ id: string; allowUnsigned: boolean }>): Promise<void> {
  const c = await companyOf(prisma, companyId);
  if (input.allowUnsigned) {
    const k = await prisma.apiKey.findFirst({ where: { id: input.id, companyId }, select: { scopes: true } });
    if (k) validateScopes(k.scopes, { allowUnsigned: true });
  }
  const r = await prisma.apiKey.updateMany({
    where: { id: input.id, companyId, revokedAt: null },
    data: { allowUnsigned: input.allowUnsigned },
  });
  if (r.count === 0) throw new AppError('NOT_FOUND', 'API key not found');
  await audit(prisma, c, actorId, 'apiKey.allowUnsigned', 'apiKey', input.id, {
    allowUnsigned: input.allowUnsigned,
  });
}

export type ApiKeyState = 'active' | 'expiring' | 'expired' | 'revoked';

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  allowUnsigned: boolean;
  /** The kind of this key's alerts when an alert does not say (null: the source default). */
  alertKind: 'STATEFUL' | 'EVENT' | null;
  pagerDuty: boolean;
  state: ApiKeyState;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  rotatedFromId: string | null;
  createdAt: Date;
}

/** Every key of the company, newest first, without any secret material. */
export async function listApiKeys({
  prisma,
  companyId,
}: {
  prisma: PrismaClient;
  companyId: string;
}): Promise<ApiKeySummary[]> {
  const rows = await prisma.apiKey.findMany({ where: { companyId }, orderBy: { createdAt: 'desc' } });
  const now = Date.now();
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    allowUnsigned: k.allowUnsigned,
    alertKind: k.alertKind,
    pagerDuty: k.routingKeyHash !== null,
    state: k.revokedAt
      ? 'revoked'
      : k.expiresAt && k.expiresAt.getTime() <= now
        ? 'expired'
        : k.expiresAt
          ? 'expiring'
          : 'active',
    lastUsedAt: k.lastUsedAt,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    rotatedFromId: k.rotatedFromId,
    createdAt: k.createdAt,
  }));
}

// ───────────── webhook signing secrets (per company, AES-256-GCM at rest) ─────────────

export function generateWebhookSecret(): string {
  return `whsec_${randomToken(32)}`;
}

/** The AAD binds a ciphertext to its company: a row copied to another company does not decrypt. */
function secretAad(companyId: string): string {
  return `webhook-secret:${companyId}`;
}

export function sealWebhookSecret(secret: string, companyId: string, encryptionKey: string): Promise<string> {
  return encryptSecret(secret, encryptionKey, secretAad(companyId));
}

export function openWebhookSecret(
  ciphertext: string,
  companyId: string,
  encryptionKey: string,
): Promise<string> {
  return decryptSecret(ciphertext, encryptionKey, secretAad(companyId));
}

/**
 * A new signing secret for the company (returned in plaintext once); the previous ones stay valid
 * for `overlapMinutes` (default 24 h) so senders can switch without rejected deliveries.
 */
export async function rotateWebhookSecret({
  prisma,
  companyId,
  actorId,
  encryptionKey,
  input = {},
}: Svc<{ overlapMinutes?: number } | undefined> & { encryptionKey: string }): Promise<{
  id: string;
  secret: string;
}> {
  const overlap = input?.overlapMinutes ?? DEFAULT_OVERLAP_MINUTES;
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > 30 * 24 * 60)
    throw new AppError('BAD_REQUEST', 'invalid overlap', [
      { field: 'overlapMinutes', reason: 'must be 0..43200' },
    ]);
  const c = await companyOf(prisma, companyId);
  const secret = generateWebhookSecret();
  const ciphertext = await sealWebhookSecret(secret, companyId, encryptionKey);
  const until = new Date(Date.now() + overlap * 60_000);
  const row = await prisma.$transaction(async (tx) => {
    await tx.webhookSecret.updateMany({
      where: { companyId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: until } }] },
      data: { expiresAt: until },
    });
    return tx.webhookSecret.create({ data: { mspId: c.mspId, companyId, ciphertext } });
  });
  await audit(prisma, c, actorId, 'webhookSecret.rotated', 'webhookSecret', row.id, {
    overlapMinutes: overlap,
  });
  return { id: row.id, secret };
}

/** The current signing secret in plaintext (for the portal's "reveal"), or null when none exists. */
export async function revealWebhookSecret({
  prisma,
  companyId,
  encryptionKey,
}: {
  prisma: PrismaClient;
  companyId: string;
  encryptionKey: string;
}): Promise<{ id: string; secret: string; createdAt: Date } | null> {
  const row = await prisma.webhookSecret.findFirst({
    where: { companyId, revokedAt: null, expiresAt: null },
    orderBy: { createdAt: 'desc' },
  });
  if (!row) return null;
  return {
    id: row.id,
    secret: await openWebhookSecret(row.ciphertext, companyId, encryptionKey),
    createdAt: row.createdAt,
  };
}

/** Turns the company-wide HMAC requirement on or off (on by default). */
export async function setHmacRequired({
  prisma,
  companyId,
  actorId,
  input,
}: Svc<{ required: boolean }>): Promise<{ hmacRequired: boolean }> {
  const c = await companyOf(prisma, companyId);
  await prisma.company.update({ where: { id: companyId }, data: { hmacRequired: input.required } });
  await audit(prisma, c, actorId, input.required ? 'hmac.required' : 'hmac.optional', 'company', companyId);
  return { hmacRequired: input.required };
}
