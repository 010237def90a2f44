// SSM hybrid activations and managed nodes: CreateActivation, DescribeActivations, DeleteActivation,
// DescribeInstanceInformation and AddTagsToResource.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Caller, ServiceContext, SsmInput } from './context.ts';
import { trustAllows } from './policy.ts';
import type { FakeActivation, FakeInstance, FakeRegion } from './state.ts';
import { AwsError, secs, validation, str, tagsOf, mergeTags, paginate } from './wire.ts';

export function createActivation(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  svc.authorize(caller, 'ssm:CreateActivation', `arn:aws:ssm:${r}:${acct}:activation/*`);
  const iamRole = str(input.IamRole);
  if (!iamRole || iamRole.length > 64)
    throw validation('iamRole', iamRole, 'Member must have length less than or equal to 64');
  const limit = input.RegistrationLimit === undefined ? 1 : Number(input.RegistrationLimit);
  if (!Number.isInteger(limit) || limit < 1)
    throw validation('registrationLimit', limit, 'Member must have value greater than or equal to 1');
  if (limit > 1000)
    throw validation('registrationLimit', limit, 'Member must have value less than or equal to 1000');
  const expires =
    input.ExpirationDate === undefined ? svc.now() + 86_400_000 : Number(input.ExpirationDate) * 1000;
  if (!(expires > svc.now()) || expires > svc.now() + 30 * 86_400_000 + 60_000)
    throw new AwsError(
      'ValidationException',
      'ExpirationDate must be in the future and no more than 30 days from now.',
    );
  const name = input.DefaultInstanceName === undefined ? undefined : str(input.DefaultInstanceName);
  if (name !== undefined && (name.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(name)))
    throw validation(
      'defaultInstanceName',
      name,
      'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$',
    );
  const description = input.Description === undefined ? undefined : str(input.Description);
  if (description !== undefined && description.length > 256)
    throw validation('description', '…', 'Member must have length less than or equal to 256');
  const tags = tagsOf(input.Tags);
  const roleName = iamRole.replace(/^.*role\//, '');
  const role = caller.account.roles[roleName];
  const roleArn = `arn:aws:iam::${acct}:role/${roleName}`;
  svc.authorize(caller, 'iam:PassRole', roleArn, { 'iam:PassedToService': 'ssm.amazonaws.com' });
  if (
    !role ||
    !trustAllows(role.trust, { service: 'ssm.amazonaws.com' }, 'sts:AssumeRole', {
      'aws:SourceAccount': acct,
      'aws:SourceArn': `arn:aws:ssm:${r}:${acct}:*`,
    })
  )
    throw new AwsError(
      'ValidationException',
      `Nonexistent role or missing ssm service principal in trust policy: ${roleArn}`,
    );
  if (tags.length) svc.authorize(caller, 'ssm:AddTagsToResource', `arn:aws:ssm:${r}:${acct}:activation/*`);
  const act = newActivation(svc, region, {
    IamRole: roleName,
    RegistrationLimit: limit,
    ExpirationDate: expires,
    DefaultInstanceName: name,
    Description: description,
    Tags: tags,
  });
  return { ActivationId: act.ActivationId, ActivationCode: act.code };
}

export function describeActivations(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const any = `arn:aws:ssm:${r}:${acct}:*`;
  const op = 'DescribeActivations';
  svc.authorize(caller, 'ssm:DescribeActivations', any);
  const filters = (input.Filters as { FilterKey?: string; FilterValues?: string[] }[] | undefined) ?? [];
  for (const f of filters)
    if (!['ActivationIds', 'DefaultInstanceName', 'IamRole'].includes(f.FilterKey ?? ''))
      throw new AwsError('InvalidFilter', `The filter key ${f.FilterKey} is not valid`);
  const items = Object.values(region.activations)
    .filter((a) => !a.deleted)
    .filter((a) =>
      filters.every((f) => {
        const v =
          f.FilterKey === 'ActivationIds'
            ? a.ActivationId
            : f.FilterKey === 'IamRole'
              ? a.IamRole
              : (a.DefaultInstanceName ?? '');
        return (f.FilterValues ?? []).includes(v);
      }),
    )
    .sort((a, b) => a.CreatedDate - b.CreatedDate)
    .map((a) => ({
      ActivationId: a.ActivationId,
      Description: a.Description,
      DefaultInstanceName: a.DefaultInstanceName,
      IamRole: a.IamRole,
      RegistrationLimit: a.RegistrationLimit,
      RegistrationsCount: a.RegistrationsCount,
      ExpirationDate: secs(a.ExpirationDate),
      Expired: a.ExpirationDate <= svc.now(),
      CreatedDate: secs(a.CreatedDate),
      Tags: a.Tags,
    }));
  const page = paginate(op, items, input, 1, 50, 50);
  return { ActivationList: page.items, NextToken: page.next };
}

export function deleteActivation(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  svc.authorize(caller, 'ssm:DeleteActivation', `arn:aws:ssm:${r}:${acct}:activation/*`);
  const id = str(input.ActivationId);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
    throw new AwsError(
      'InvalidActivationId',
      'The activation ID is not valid. Verify that you entered the correct ActivationId or ActivationCode and try again.',
    );
  const act = region.activations[id];
  if (!act || act.deleted)
    throw new AwsError(
      'InvalidActivation',
      'The activation is not valid. The activation might have been deleted, or the ActivationId and the ActivationCode do not match.',
    );
  act.deleted = true;
  return {};
}

export function describeInstanceInformation(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const any = `arn:aws:ssm:${r}:${acct}:*`;
  const op = 'DescribeInstanceInformation';
  svc.authorize(caller, 'ssm:DescribeInstanceInformation', any);
  const filters = [
    ...((input.Filters as { Key: string; Values: string[] }[] | undefined) ?? []),
    ...((input.InstanceInformationFilterList as { key: string; valueSet: string[] }[] | undefined) ?? []).map(
      (f) => ({
        Key: f.key,
        Values: f.valueSet,
      }),
    ),
  ];
  const field: Record<string, (i: FakeInstance) => string | undefined> = {
    InstanceIds: (i) => i.InstanceId,
    PingStatus: (i) => i.PingStatus,
    PlatformTypes: (i) => i.PlatformType,
    ResourceType: (i) => i.ResourceType,
    ActivationIds: (i) => i.ActivationId,
    IamRole: (i) => i.IamRole,
    AgentVersion: (i) => i.AgentVersion,
  };
  for (const f of filters)
    if (!field[f.Key] && !f.Key.startsWith('tag:'))
      throw new AwsError('InvalidInstanceInformationFilterValue', `Invalid filter key ${f.Key}`);
  const items = Object.values(region.instances)
    .filter((i) =>
      filters.every((f) =>
        f.Key.startsWith('tag:')
          ? i.Tags.some((t) => t.Key === f.Key.slice(4) && f.Values.includes(t.Value))
          : f.Values.includes(field[f.Key]!(i) ?? ''),
      ),
    )
    .sort((a, b) => (a.InstanceId < b.InstanceId ? -1 : 1))
    .map(({ Tags: _t, LastPingDateTime, RegistrationDate, ...i }) => ({
      ...i,
      LastPingDateTime: secs(LastPingDateTime),
      ...(RegistrationDate ? { RegistrationDate: secs(RegistrationDate) } : {}),
      AssociationStatus: 'Success',
      SourceId: i.InstanceId,
      SourceType: i.ResourceType === 'EC2Instance' ? 'AWS::EC2::Instance' : 'AWS::SSM::ManagedInstance',
    }));
  const page = paginate(op, items, input, 5, 50, 50);
  return { InstanceInformationList: page.items, NextToken: page.next };
}

export function addTagsToResource(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const type = str(input.ResourceType);
  const id = str(input.ResourceId);
  const tags = tagsOf(input.Tags);
  if (!tags.length) throw validation('tags', '[]', 'Member must have length greater than or equal to 1');
  if (type === 'ManagedInstance') {
    svc.authorize(caller, 'ssm:AddTagsToResource', `arn:aws:ssm:${r}:${acct}:managed-instance/${id}`);
    const inst = region.instances[id];
    if (!inst || inst.ResourceType !== 'ManagedInstance')
      throw new AwsError(
        'InvalidResourceId',
        'The resource ID is not valid. Verify that you entered the correct ID and try again.',
      );
    inst.Tags = mergeTags(inst.Tags, tags);
  } else if (type === 'Document') {
    svc.authorize(caller, 'ssm:AddTagsToResource', `arn:aws:ssm:${r}:${acct}:document/${id}`);
    if (!region.documents[id])
      throw new AwsError(
        'InvalidResourceId',
        'The resource ID is not valid. Verify that you entered the correct ID and try again.',
      );
  } else throw new AwsError('InvalidResourceType', 'The resource type is not valid.');
  return {};
}

export function newActivation(
  svc: ServiceContext,
  region: FakeRegion,
  a: Omit<FakeActivation, 'ActivationId' | 'code' | 'RegistrationsCount' | 'CreatedDate'>,
) {
  const act: FakeActivation = {
    ...a,
    ActivationId: randomUUID(),
    code: randomBytes(15).toString('base64').replace(/[+/]/g, 'x'),
    RegistrationsCount: 0,
    CreatedDate: svc.now(),
  };
  region.activations[act.ActivationId] = act;
  svc.changed();
  return act;
}
