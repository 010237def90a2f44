// Turns the authored documents (documents/<name>/document.json plus the scripts it names with
// "@file:<script>") into the exact JSON content installed in a company's account. The build script
// writes the result to generated/catalog.ts, and a test checks that file is current.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contentHash, type ShippedDocument } from './types.ts';

export const documentsDir = () => path.resolve(import.meta.dirname, '../../documents');

function inlineScripts(value: unknown, dir: string): unknown {
  if (typeof value === 'string' && value.startsWith('@file:')) {
    const text = readFileSync(path.join(dir, value.slice('@file:'.length)), 'utf8');
    return text.replace(/\n$/, '').split('\n');
  }
  if (Array.isArray(value)) return value.map((v) => inlineScripts(v, dir));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inlineScripts(v, dir)]));
  return value;
}

export function assembleDocument(name: string, root = documentsDir()): ShippedDocument {
  const dir = path.join(root, name);
  const raw = JSON.parse(readFileSync(path.join(dir, 'document.json'), 'utf8')) as { schemaVersion?: string };
  const doc = inlineScripts(raw, dir);
  const content = JSON.stringify(doc);
  return {
    name,
    type: raw.schemaVersion === '0.3' ? 'Automation' : 'Command',
    content,
    hash: contentHash(content),
  };
}

export function assembleAll(root = documentsDir()): ShippedDocument[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith('MSP-'))
    .map((e) => e.name)
    .sort()
    .map((n) => assembleDocument(n, root));
}
