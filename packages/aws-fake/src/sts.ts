// STS (query protocol, XML answers): GetCallerIdentity and AssumeRole.
import { randomBytes } from 'node:crypto';
import type { Caller, ServiceContext } from './context.ts';
import { isAllowed, trustAllows } from './policy.ts';
import type { FakeKey } from './state.ts';
import { accessKey, AwsError, hex, STS_NS, xmlEscape } from './wire.ts';

export function stsAction(
  svc: ServiceContext,
  caller: Caller,
  action: string,
  form: URLSearchParams,
  requestId: string,
): string {
  const wrap = (inner: string) =>
    `<${action}Response xmlns="${STS_NS}">\n  <${action}Result>\n${inner}  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`;
  if (form.get('Version') !== '2011-06-15')
    throw new AwsError('InvalidAction', 'Could not find operation for version');
  if (action === 'GetCallerIdentity') {
    return wrap(
      `    <Arn>${xmlEscape(caller.key.principalArn)}</Arn>\n    <UserId>${caller.key.accessKeyId}</UserId>\n    <Account>${caller.account.id}</Account>\n`,
    );
  }
  if (action !== 'AssumeRole')
    throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
  const roleArn = form.get('RoleArn') ?? '';
  const sessionName = form.get('RoleSessionName') ?? '';
  const externalId = form.get('ExternalId');
  const duration = Number(form.get('DurationSeconds') ?? 3600);
  const problems: string[] = [];
  if (roleArn.length < 20 || roleArn.length > 2048)
    problems.push(
      `Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`,
    );
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
    problems.push(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  if (externalId !== null && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId))
    problems.push(
      `Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*`,
    );
  if (!Number.isInteger(duration) || duration < 900)
    problems.push(
      `Value '${form.get('DurationSeconds')}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  else if (duration > 43200)
    problems.push(
      `Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  if (problems.length)
    throw new AwsError(
      'ValidationError',
      `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
    );
  const denied = new AwsError(
    'AccessDenied',
    `User: ${caller.key.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
  if (!isAllowed(caller.policies, { action: 'sts:AssumeRole', resource: roleArn })) throw denied;
  const m = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(roleArn);
  const target = m ? svc.state.accounts[m[1]!] : undefined;
  const role = target?.roles[m![2]!];
  if (!target || !role) throw denied;
  if (target.disabledRegions.includes(caller.region))
    throw new AwsError(
      'RegionDisabledException',
      `STS is not activated in this region for account:${target.id}. Your account administrator can activate STS in this region using the IAM Console.`,
      403,
    );
  const ctx: Record<string, string> = { 'aws:PrincipalAccount': caller.account.id };
  if (externalId !== null) ctx['sts:ExternalId'] = externalId;
  if (
    !trustAllows(
      role.trust,
      { account: caller.account.id, arn: caller.key.principalArn },
      'sts:AssumeRole',
      ctx,
    )
  )
    throw denied;
  if (duration > role.maxSessionDuration)
    throw new AwsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  for (const [id, k] of Object.entries(svc.state.keys))
    if (k.expiresAt !== undefined && k.expiresAt < svc.now() - 3_600_000) delete svc.state.keys[id];
  const expiresAt = svc.now() + duration * 1000;
  const key: FakeKey = {
    accessKeyId: accessKey('ASIA'),
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(96).toString('base64'),
    expiresAt,
    accountId: target.id,
    principalArn: `arn:aws:sts::${target.id}:assumed-role/${role.name}/${sessionName}`,
    role: role.name,
  };
  svc.state.keys[key.accessKeyId] = key;
  const roleId = `AROA${hex(16).toUpperCase()}`;
  return wrap(
    `    <AssumedRoleUser>\n      <Arn>${xmlEscape(key.principalArn)}</Arn>\n      <AssumedRoleId>${roleId}:${xmlEscape(sessionName)}</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>${key.accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${xmlEscape(key.secretAccessKey)}</SecretAccessKey>\n      <SessionToken>${xmlEscape(key.sessionToken!)}</SessionToken>\n      <Expiration>${new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>\n    </Credentials>\n    <PackedPolicySize>0</PackedPolicySize>\n`,
  );
}
