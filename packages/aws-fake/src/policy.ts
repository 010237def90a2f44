// A small IAM policy evaluator: Allow/Deny statements with Action/Resource wildcards and the
// condition operators the platform's templates use. Default deny; an explicit Deny wins.

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function statements(doc: PolicyDocument): PolicyStatement[] {
  return list(doc.Statement);
}

/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    caseInsensitive ? 'is' : 's',
  );
  return re.test(value);
}

export type ConditionContext = Record<string, string | undefined>;

function conditionHolds(cond: PolicyStatement['Condition'], ctx: ConditionContext): boolean {
  if (!cond) return true;
  for (const [op, entries] of Object.entries(cond)) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = ctx[key] ?? ctx[key.toLowerCase()];
      const values = list(expected);
      let ok: boolean;
      switch (op) {
        case 'StringEquals':
        case 'ArnEquals':
          ok = actual !== undefined && values.includes(actual);
          break;
        case 'StringLike':
        case 'ArnLike':
          ok = actual !== undefined && values.some((v) => wildcardMatch(v, actual));
          break;
        case 'StringNotEquals':
          ok = actual === undefined || !values.includes(actual);
          break;
        default:
          ok = false; // unknown operators never grant anything
      }
      if (!ok) return false;
    }
  }
  return true;
}

export interface Request {
  action: string;
  resource: string;
  context?: ConditionContext;
}

/** Identity-policy decision for one action on one resource. */
export function isAllowed(policies: PolicyDocument[], req: Request): boolean {
  let allowed = false;
  for (const doc of policies) {
    for (const s of statements(doc)) {
      const actionHit = list(s.Action).some((a) => wildcardMatch(a, req.action, true));
      const resourceHit = list(s.Resource ?? '*').some((r) => wildcardMatch(r, req.resource));
      if (!actionHit || !resourceHit || !conditionHolds(s.Condition, req.context ?? {})) continue;
      if (s.Effect === 'Deny') return false;
      allowed = true;
    }
  }
  return allowed;
}

/** Trust-policy decision: may `principalArn` (or service) perform `action` on this role? */
export function trustAllows(
  trust: PolicyDocument,
  principal: { account?: string; arn?: string; service?: string },
  action: string,
  ctx: ConditionContext,
): boolean {
  let allowed = false;
  for (const s of statements(trust)) {
    if (!list(s.Action).some((a) => wildcardMatch(a, action, true))) continue;
    const p = s.Principal;
    let principalHit = false;
    if (p === '*') principalHit = true;
    else if (p) {
      for (const a of list(p.AWS)) {
        if (
          a === '*' ||
          (principal.account && (a === principal.account || a === `arn:aws:iam::${principal.account}:root`))
        )
          principalHit = true;
        if (principal.arn && a === principal.arn) principalHit = true;
      }
      if (principal.service && list(p.Service).includes(principal.service)) principalHit = true;
    }
    if (!principalHit || !conditionHolds(s.Condition, ctx)) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

/** Every action an identity policy grants, as written (used by tests and the template check). */
export function grantedActions(policies: PolicyDocument[]): string[] {
  return [
    ...new Set(
      policies.flatMap((d) =>
        statements(d)
          .filter((s) => s.Effect === 'Allow')
          .flatMap((s) => list(s.Action)),
      ),
    ),
  ];
}
