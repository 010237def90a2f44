// The Alertmanager receiver snippet NOTES.txt prints, turned into a complete alertmanager.yml
// (the snippet's receiver and route under a default route), for `amtool check-config`.
import { parse, stringify } from 'yaml';

export function alertmanagerConfigFromNotes(helmOutput: string): string {
  const notes = helmOutput.slice(helmOutput.indexOf('NOTES:'));
  const lines = notes.split('\n');
  const start = lines.findIndex((l) => /^\s+receivers:$/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^\s+continue: true$/.test(l));
  if (start < 0 || end < 0) throw new Error('NOTES has no receiver snippet');
  const block = lines.slice(start, end + 1);
  const indent = (block[0] ?? '').length - (block[0] ?? '').trimStart().length;
  const snippet = parse(block.map((l) => l.slice(indent)).join('\n')) as {
    receivers: { name: string }[];
    route: { routes: Record<string, unknown>[] };
  };
  return stringify({
    route: { receiver: 'default', routes: [...snippet.route.routes, { receiver: 'default' }] },
    receivers: [{ name: 'default' }, ...snippet.receivers],
  });
}
