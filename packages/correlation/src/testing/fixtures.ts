// Test fixtures: an MSP and companies, and alerts stored the way ingestion stores them (PENDING).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

export async function createTenant(pool: pg.Pool, slug = `m${randomBytes(4).toString('hex')}`) {
  const msp = await pool.query<{ id: string }>(
    `INSERT INTO "Msp" (name, slug, "updatedAt") VALUES ($1, $1, now()) RETURNING id`,
    [slug],
  );
  const mspId = msp.rows[0]!.id;
  return {
    mspId,
    company: (name: string, extra: Record<string, unknown> = {}) => createCompany(pool, mspId, name, extra),
  };
}

export async function createCompany(
  pool: pg.Pool,
  mspId: string,
  name: string,
  extra: Record<string, unknown> = {},
) {
  const cols = ['"mspId"', 'name', 'slug', '"awsExternalId"', '"updatedAt"'];
  const vals: unknown[] = [
    mspId,
    name,
    name.toLowerCase().replace(/\W+/g, '-'),
    `x-${randomBytes(8).toString('hex')}`,
  ];
  const ph = ['$1', '$2', '$3', '$4', 'now()'];
  for (const [k, v] of Object.entries(extra)) {
    cols.push(`"${k}"`);
    vals.push(v);
    ph.push(`$${vals.length}`);
  }
  const r = await pool.query<{ id: string }>(
    `INSERT INTO "Company" (${cols.join(', ')}) VALUES (${ph.join(', ')}) RETURNING id`,
    vals,
  );
  return r.rows[0]!.id;
}

export interface StoredAlertInput {
  asset?: string;
  signature?: string;
  fingerprint?: string;
  service?: string | null;
  severity?: string;
  status?: 'FIRING' | 'RESOLVED';
  occurredAt: Date;
  labels?: Record<string, string>;
  source?: string;
  kind?: 'STATEFUL' | 'EVENT' | null;
  apiKeyId?: string | null;
}

/** Inserts alerts as ingestion does (decision PENDING); returns their ids in order. */
export async function storeAlerts(
  pool: pg.Pool,
  mspId: string,
  companyId: string,
  alerts: StoredAlertInput[],
): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const a of alerts) {
    const asset = a.asset ?? 'server-prod-01';
    const signature = a.signature ?? 'disk_full';
    const r = await pool.query<{ id: string }>(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, service,
              severity, status, "occurredAt", labels, raw, kind, "apiKeyId")
       VALUES ($1, $2, $12::"AlertSource", $3, $4, $5, $6, $7, $8::"Severity", $9::"AlertStatus", $10::timestamp,
               $11::jsonb, '{}', $13::"AlertKind", $14::uuid)
       RETURNING id`,
      [
        mspId,
        companyId,
        a.fingerprint ?? `${asset}/${signature}`,
        randomBytes(12).toString('hex'),
        asset,
        signature,
        a.service ?? null,
        a.severity ?? 'MEDIUM',
        a.status ?? 'FIRING',
        a.occurredAt.toISOString(),
        JSON.stringify(a.labels ?? {}),
        a.source ?? 'NATIVE',
        a.kind ?? null,
        a.apiKeyId ?? null,
      ],
    );
    ids.push(BigInt(r.rows[0]!.id));
  }
  return ids;
}
