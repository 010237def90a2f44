// Re-encrypts every stored secret under a new APP_ENCRYPTION_KEY, in batches, resumably. Each sealed
// column is named with how its AAD is built from the row (the AAD binds a ciphertext to its row, so
// it must be the same one the owning package uses: the test checks that against those packages).
// A row that already opens with the new key is skipped, so a run that stopped (crash, Ctrl-C) is
// finished by running it again; each row is written with a compare-and-set on the old ciphertext,
// so a value the app rewrote meanwhile is not clobbered. Nothing here logs a secret.
import type { PrismaClient } from './generated/prisma/client.ts';

export interface SealedColumn {
  table: string;
  column: string;
  /** Columns the AAD is made of (read with the row). */
  aadColumns: string[];
  aad(row: Record<string, string>): string;
}

/** Every column holding an APP_ENCRYPTION_KEY ciphertext. */
export const SEALED_COLUMNS: SealedColumn[] = [
  {
    table: 'WebhookSecret',
    column: 'ciphertext',
    aadColumns: ['companyId'],
    aad: (r) => `webhook-secret:${r.companyId}`,
  },
  {
    table: 'HybridActivation',
    column: 'codeCiphertext',
    aadColumns: ['companyId', 'activationId'],
    aad: (r) => `hybrid-activation:${r.companyId}:${r.activationId}`,
  },
  {
    // Notification channel destinations (packages/notifications/src/channels/secrets.ts).
    table: 'NotificationChannel',
    column: 'secretCiphertext',
    aadColumns: [],
    aad: (r) => `notification-channel:${r.id}`,
  },
  {
    // PSA connection API member keys (packages/notifications/src/psa/connections.ts).
    table: 'PsaConnection',
    column: 'secretCiphertext',
    aadColumns: [],
    aad: (r) => `psa-connection:${r.id}`,
  },
];

export interface SecretCipher {
  encrypt(plaintext: string, key: string, aad: string): Promise<string>;
  decrypt(sealed: string, key: string, aad: string): Promise<string>;
}

export interface RotationReport {
  table: string;
  column: string;
  scanned: number;
  rotated: number;
  alreadyNew: number;
  /** Rows that open with neither key (ids only): left as they are, for an operator to look at. */
  unreadable: string[];
  /** Rows changed by someone else between read and write: picked up by the next run. */
  raced: number;
}

export interface RotateOptions {
  prisma: PrismaClient;
  cipher: SecretCipher;
  oldKey: string;
  newKey: string;
  batchSize?: number;
  columns?: SealedColumn[];
  /** Called after each batch (progress, or a test stopping the run part-way). */
  onBatch?(report: RotationReport): void | Promise<void>;
}

const opens = async (c: SecretCipher, sealed: string, key: string, aad: string) => {
  try {
    return { ok: true as const, plain: await c.decrypt(sealed, key, aad) };
  } catch {
    return { ok: false as const };
  }
};

export async function rotateEncryptionKey(o: RotateOptions): Promise<RotationReport[]> {
  const batch = Math.max(1, Math.min(o.batchSize ?? 200, 5_000));
  const out: RotationReport[] = [];
  for (const col of o.columns ?? SEALED_COLUMNS) {
    const report: RotationReport = {
      table: col.table,
      column: col.column,
      scanned: 0,
      rotated: 0,
      alreadyNew: 0,
      unreadable: [],
      raced: 0,
    };
    out.push(report);
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const aadSelect = col.aadColumns.map((c) => `${q(c)}::text AS ${q(c)}`).join(', ');
    let after = '';
    for (;;) {
      const rows = await o.prisma.$queryRawUnsafe<Record<string, string>[]>(
        `SELECT id::text AS id, ${q(col.column)} AS sealed${aadSelect ? `, ${aadSelect}` : ''}
         FROM ${q(col.table)} WHERE ${q(col.column)} IS NOT NULL AND id::text > $1
         ORDER BY id::text LIMIT ${batch}`,
        after,
      );
      if (rows.length === 0) break;
      const updates: { id: string; from: string; to: string }[] = [];
      for (const row of rows) {
        report.scanned++;
        const aad = col.aad(row);
        if ((await opens(o.cipher, row.sealed!, o.newKey, aad)).ok) {
          report.alreadyNew++;
          continue;
        }
        const old = await opens(o.cipher, row.sealed!, o.oldKey, aad);
        if (!old.ok) {
          report.unreadable.push(row.id!);
          continue;
        }
        updates.push({
          id: row.id!,
          from: row.sealed!,
          to: await o.cipher.encrypt(old.plain, o.newKey, aad),
        });
      }
      const counts = await o.prisma.$transaction(
        updates.map((u) =>
          o.prisma.$executeRawUnsafe(
            `UPDATE ${q(col.table)} SET ${q(col.column)} = $1 WHERE id::text = $2 AND ${q(col.column)} = $3`,
            u.to,
            u.id,
            u.from,
          ),
        ),
      );
      for (const n of counts) {
        if (n === 1) report.rotated++;
        else report.raced++;
      }
      after = rows[rows.length - 1]!.id!;
      await o.onBatch?.(report);
    }
  }
  return out;
}
