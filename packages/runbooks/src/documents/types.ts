import { createHash } from 'node:crypto';

export type DocumentType = 'Command' | 'Automation';

export interface ShippedDocument {
  name: string;
  type: DocumentType;
  /** The JSON content CreateDocument/UpdateDocument receive. */
  content: string;
  /** sha256 of `content`: what "installed version" compares. */
  hash: string;
}

export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
