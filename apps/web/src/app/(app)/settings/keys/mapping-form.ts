// The generic-webhook mapping form: its fields, a sample payload and how the form becomes paths.

export const PATH_FIELDS = [
  { key: 'asset', label: 'Asset path', placeholder: 'host.name', required: true },
  { key: 'signature', label: 'Signature path', placeholder: 'check', required: true },
  { key: 'severity', label: 'Severity path', placeholder: 'priority or =critical' },
  { key: 'status', label: 'Status path', placeholder: 'state' },
  { key: 'time', label: 'Time path', placeholder: 'timestamp' },
  { key: 'summary', label: 'Summary path', placeholder: 'message' },
  { key: 'service', label: 'Service path', placeholder: 'service' },
  { key: 'labels', label: 'Labels path', placeholder: 'tags' },
  { key: 'items', label: 'Items path (batches)', placeholder: 'events' },
  {
    key: 'kind',
    label: 'Alert kind',
    placeholder: '=event, =stateful or a path',
    hint: 'Event: no end will ever come (IDS, syslog). Empty: stateful with a status path, else the key or source default.',
  },
] as const;

export type PathKey = (typeof PATH_FIELDS)[number]['key'];

export const SAMPLE = JSON.stringify(
  {
    host: { name: 'db-01' },
    check: 'disk_full',
    priority: 'P1',
    state: 'PROBLEM',
    timestamp: '2026-01-01T10:00:00Z',
    message: 'Disk /var is 97% full',
  },
  null,
  2,
);

export const START_PATHS: Record<PathKey, string> = {
  asset: 'host.name',
  signature: 'check',
  severity: 'priority',
  status: 'state',
  time: 'timestamp',
  summary: 'message',
  service: '',
  labels: '',
  items: '',
  kind: '',
};

export const START_MAPS = JSON.stringify(
  { severityMap: { P1: 'critical' }, statusMap: { PROBLEM: 'firing', OK: 'resolved' } },
  null,
  2,
);

export function buildPaths(
  paths: Record<PathKey, string>,
  maps: string,
): { paths: Record<string, unknown> | null; error: string | null } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(paths)) if (v.trim()) out[k] = v.trim();
  if (maps.trim()) {
    try {
      const parsed = JSON.parse(maps) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return { paths: null, error: 'Value maps: a JSON object.' };
      for (const [k, v] of Object.entries(parsed)) if (k === 'severityMap' || k === 'statusMap') out[k] = v;
    } catch {
      return { paths: null, error: 'Value maps are not valid JSON.' };
    }
  }
  return { paths: out, error: null };
}
