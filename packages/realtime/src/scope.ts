// Channels and who may see them. Browser-safe.
//
// Every event belongs to one MSP and, usually, one company. It is delivered on the MSP channel
// (MSP staff see all of their clients) and on its company channel (the client's own people).
// A subscriber's scope comes from its membership (`tenantScope` in @aw/accounts), never from input.

export interface ViewerScope {
  mspId: string;
  /** Set for client people: they see only this company. */
  companyId?: string;
}

export type Channel = { kind: 'msp'; id: string } | { kind: 'company'; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The channels an event is published on: its company's (if any) and its MSP's. */
export function channelsForEvent(e: { mspId: string; companyId: string | null }): Channel[] {
  const out: Channel[] = [{ kind: 'msp', id: e.mspId }];
  if (e.companyId) out.push({ kind: 'company', id: e.companyId });
  return out;
}

/**
 * Whether a subscriber with `scope` (optionally narrowed to one company it may see) receives the
 * event. MSP-wide events (companyId null) go to MSP staff only.
 */
export function canSeeEvent(
  scope: ViewerScope,
  e: { mspId: string; companyId: string | null },
  narrowToCompanyId?: string,
): boolean {
  if (e.mspId !== scope.mspId) return false;
  if (scope.companyId !== undefined && e.companyId !== scope.companyId) return false;
  if (narrowToCompanyId !== undefined && e.companyId !== narrowToCompanyId) return false;
  return true;
}

export function pusherChannelName(c: Channel): string {
  return `private-${c.kind}-${c.id}`;
}

export function parsePusherChannelName(name: string): Channel | null {
  const m = /^private-(msp|company)-(.+)$/.exec(name);
  if (!m || !UUID.test(m[2]!)) return null;
  return { kind: m[1] as 'msp' | 'company', id: m[2]!.toLowerCase() };
}

/**
 * The one channel a viewer subscribes to, so every event arrives once: MSP staff listen on their
 * MSP channel (or on one company's channel when a page narrows to it), client people on theirs.
 */
export function subscriptionChannel(scope: ViewerScope, narrowToCompanyId?: string): Channel {
  if (scope.companyId) return { kind: 'company', id: scope.companyId };
  if (narrowToCompanyId) return { kind: 'company', id: narrowToCompanyId };
  return { kind: 'msp', id: scope.mspId };
}

/**
 * Whether `scope` may subscribe to `channel`. `companyMspId` resolves a company's MSP (a database
 * lookup) and is only called for MSP staff asking for one of their companies' channels.
 */
export async function mayAccessChannel(
  scope: ViewerScope,
  channel: Channel,
  companyMspId: (companyId: string) => Promise<string | null>,
): Promise<boolean> {
  if (channel.kind === 'msp') return scope.companyId === undefined && channel.id === scope.mspId;
  if (scope.companyId !== undefined) return channel.id === scope.companyId;
  return (await companyMspId(channel.id)) === scope.mspId;
}
