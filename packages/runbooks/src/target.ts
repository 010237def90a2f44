// Which managed node an alert means. In this order, recorded on the execution: the alert's
// `instance_id` label (EC2 i-… or hybrid mi-…), then the incident's asset equal to a node's
// instance id, name, computer name or IP address. No match, several matches, or a node that is not
// Online: the runbook does not run and the reason says why.

export interface TargetNode {
  instanceId: string;
  name: string | null;
  computerName: string | null;
  ipAddress: string | null;
  pingStatus: string;
  platformType: string | null;
  onlineSince: Date | null;
}

export type TargetSource =
  | 'instance_id label'
  | 'asset = instance id'
  | 'asset = name'
  | 'asset = computer name'
  | 'asset = IP address';

export type TargetResolution =
  { ok: true; node: TargetNode; source: TargetSource } | { ok: false; reason: string; instanceId?: string };

export const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;

export function resolveTarget(
  nodes: readonly TargetNode[],
  input: { asset: string; labels: Record<string, string> },
): TargetResolution {
  const online = (node: TargetNode, source: TargetSource): TargetResolution =>
    node.pingStatus === 'Online'
      ? { ok: true, node, source }
      : {
          ok: false,
          instanceId: node.instanceId,
          reason: `managed node ${node.instanceId} (found by ${source}) is ${node.pingStatus}, not Online`,
        };
  const label = input.labels.instance_id?.trim();
  if (label) {
    if (!INSTANCE_ID.test(label))
      return { ok: false, reason: `the instance_id label "${label}" is not an instance id` };
    const node = nodes.find((n) => n.instanceId === label);
    if (!node)
      return {
        ok: false,
        reason: `instance_id ${label} is not a managed node of this company (sync nodes?)`,
      };
    return online(node, 'instance_id label');
  }
  const asset = input.asset.trim();
  const lower = asset.toLowerCase();
  const tries: [TargetSource, (n: TargetNode) => boolean][] = [
    ['asset = instance id', (n) => n.instanceId === asset],
    ['asset = name', (n) => !!n.name && n.name.toLowerCase() === lower],
    ['asset = computer name', (n) => !!n.computerName && n.computerName.toLowerCase() === lower],
    ['asset = IP address', (n) => !!n.ipAddress && n.ipAddress === asset],
  ];
  for (const [source, match] of tries) {
    const hits = nodes.filter(match);
    if (hits.length > 1)
      return {
        ok: false,
        reason: `asset "${asset}" matches ${hits.length} managed nodes by ${source.slice(8)} (${hits.map((h) => h.instanceId).join(', ')}); add an instance_id label`,
      };
    if (hits.length === 1) return online(hits[0]!, source);
  }
  return {
    ok: false,
    reason: `no managed node matches asset "${asset}" (no instance_id label; no node with that instance id, name, computer name or IP address)`,
  };
}
