// Creates what a CloudFormation template of IAM roles would create, resolving the intrinsic
// functions such templates use (Ref, Fn::Sub, Fn::GetAtt, Fn::Join, and Conditions with Fn::Equals,
// Fn::Not, Fn::And, Fn::Or, Fn::If and AWS::NoValue). Only AWS::IAM::Role is
// supported: that is all the platform's onboarding template contains.
import type { PolicyDocument } from './policy.ts';

export interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: string | number }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface ProvisionedRole {
  logicalId: string;
  name: string;
  trust: PolicyDocument;
  policies: PolicyDocument[];
  managedPolicyArns: string[];
  maxSessionDuration: number;
}

export function resolveTemplate(
  template: CfnTemplate,
  opts: { accountId: string; region: string; stackName: string; parameters: Record<string, string> },
): { roles: ProvisionedRole[]; outputs: Record<string, string> } {
  const params: Record<string, string> = {};
  for (const [k, p] of Object.entries(template.Parameters ?? {})) {
    const v = opts.parameters[k] ?? (p.Default === undefined ? undefined : String(p.Default));
    if (v === undefined) throw new Error(`Parameters: [${k}] must have values`);
    params[k] = v;
  }
  const pseudo: Record<string, string> = {
    'AWS::AccountId': opts.accountId,
    'AWS::Partition': 'aws',
    'AWS::Region': opts.region,
    'AWS::StackName': opts.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const names: Record<string, string> = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Role') throw new Error(`unsupported resource type ${r.Type} (${id})`);
  }
  const ref = (name: string): string => {
    if (name in pseudo) return pseudo[name]!;
    if (name in params) return params[name]!;
    if (name in names) return names[name]!;
    throw new Error(`Unresolved Ref ${name}`);
  };
  const getAtt = (id: string, attr: string): string => {
    if (!(id in names)) throw new Error(`Unresolved GetAtt ${id}.${attr}`);
    if (attr === 'Arn') return `arn:aws:iam::${opts.accountId}:role/${names[id]}`;
    if (attr === 'RoleId') return `AROA${id.toUpperCase()}`;
    throw new Error(`Unsupported attribute ${id}.${attr}`);
  };
  const NO_VALUE = Symbol('AWS::NoValue');
  const conditionCache: Record<string, boolean> = {};
  const condition = (name: string): boolean => {
    if (name in conditionCache) return conditionCache[name]!;
    const def = template.Conditions?.[name];
    if (def === undefined) throw new Error(`Unresolved Condition ${name}`);
    return (conditionCache[name] = truth(def));
  };
  const truth = (v: unknown): boolean => {
    const o = v as Record<string, unknown>;
    const [k] = Object.keys(o) as [string];
    if (k === 'Condition') return condition(String(o.Condition));
    const args = o[k] as unknown[];
    if (k === 'Fn::Equals') return String(resolve(args[0])) === String(resolve(args[1]));
    if (k === 'Fn::Not') return !truth(args[0]);
    if (k === 'Fn::And') return args.every(truth);
    if (k === 'Fn::Or') return args.some(truth);
    throw new Error(`Unsupported condition function ${k}`);
  };
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve).filter((x) => x !== NO_VALUE);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1) {
        const [k] = keys as [string];
        if (k === 'Ref' && o.Ref === 'AWS::NoValue') return NO_VALUE;
        if (k === 'Fn::If') {
          const [name, yes, no] = o[k] as [string, unknown, unknown];
          return resolve(condition(name) ? yes : no);
        }
        if (k === 'Ref') return ref(String(o.Ref));
        if (k === 'Fn::GetAtt') {
          const [id, attr] = Array.isArray(o[k]) ? (o[k] as string[]) : String(o[k]).split('.');
          return getAtt(id!, attr!);
        }
        if (k === 'Fn::Join') {
          const [sep, parts] = o[k] as [string, unknown[]];
          return (resolve(parts) as string[]).join(sep);
        }
        if (k === 'Fn::Sub') {
          const raw = o[k];
          const [text, vars] = Array.isArray(raw)
            ? (raw as [string, Record<string, unknown>])
            : [String(raw), {}];
          return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (name in vars) return String(resolve(vars[name]));
            if (name.includes('.')) {
              const [id, attr] = name.split('.');
              return getAtt(id!, attr!);
            }
            return ref(name);
          });
        }
      }
      return Object.fromEntries(
        keys.map((key) => [key, resolve(o[key])] as const).filter(([, x]) => x !== NO_VALUE),
      );
    }
    return v;
  };
  // Names first (roles reference each other's ARNs).
  for (const [id, r] of Object.entries(template.Resources)) {
    const given = r.Properties?.RoleName;
    names[id] = given === undefined ? `${opts.stackName}-${id}-FAKE${id.length}` : String(resolve(given));
  }
  const roles: ProvisionedRole[] = Object.entries(template.Resources).map(([id, r]) => {
    const p = (resolve(r.Properties ?? {}) ?? {}) as Record<string, unknown>;
    const inline = (p.Policies as { PolicyName: string; PolicyDocument: PolicyDocument }[] | undefined) ?? [];
    return {
      logicalId: id,
      name: names[id]!,
      trust: p.AssumeRolePolicyDocument as PolicyDocument,
      policies: inline.map((x) => x.PolicyDocument),
      managedPolicyArns: (p.ManagedPolicyArns as string[] | undefined) ?? [],
      maxSessionDuration: Number(p.MaxSessionDuration ?? 3600),
    };
  });
  const outputs: Record<string, string> = {};
  for (const [k, o] of Object.entries(template.Outputs ?? {})) outputs[k] = String(resolve(o.Value));
  return { roles, outputs };
}
