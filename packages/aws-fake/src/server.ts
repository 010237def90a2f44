// The fake AWS: one loopback HTTP server that answers STS (query protocol, XML) and SSM (AWS JSON
// 1.1) the way the real endpoints do, so the real SDK clients run against it unchanged: SigV4 and
// session tokens are verified, IAM policies decide, values are validated, lists paginate.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveTemplate, type CfnTemplate } from './cfn.ts';
import { isAllowed, trustAllows, type PolicyDocument } from './policy.ts';
import { parseAuthorization, verifySigV4 } from './sigv4.ts';
import {
  checkCustomDocumentParameters,
  type AutomationBehaviour,
  type CommandBehaviour,
} from './ssm-behaviour.ts';
import {
  AWS_DOCUMENTS,
  emptyRegion,
  type FakeAccount,
  type FakeActivation,
  type FakeCommand,
  type FakeInstance,
  type FakeKey,
  type FakeRegion,
  type FakeRole,
  type FakeState,
  type FakeTag,
} from './state.ts';

export interface FakeAwsOptions {
  /** Clock in epoch milliseconds (tests may move time). */
  now?: () => number;
  /** How long each Run Command / Automation status step lasts. */
  stepMs?: number;
  /** Called after every change of state (the demo persists it). */
  onChange?: (state: FakeState) => void;
  state?: FakeState;
  /** Scripted Run Command outcomes (see ssm-behaviour.ts); settable later too. */
  commandBehaviour?: CommandBehaviour;
  automationBehaviour?: AutomationBehaviour;
}

export class AwsError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

interface Caller {
  key: FakeKey;
  region: string;
  account: FakeAccount;
  policies: PolicyDocument[];
}

interface ThrottleRule {
  service?: 'sts' | 'ssm';
  operation?: string;
  remaining: number;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const secs = (ms: number) => ms / 1000;
const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
const accessKey = (prefix: 'AKIA' | 'ASIA') =>
  prefix +
  randomBytes(12)
    .toString('base64')
    .replace(/[^A-Z0-9]/gi, '')
    .toUpperCase()
    .padEnd(16, 'X')
    .slice(0, 16);

function validation(field: string, value: unknown, constraint: string): AwsError {
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

export class FakeAws {
  state: FakeState;
  readonly requests: { service: string; operation: string; status: number; accessKeyId?: string }[] = [];
  private server: Server | null = null;
  private throttles: ThrottleRule[] = [];
  private readonly now: () => number;
  private readonly stepMs: number;
  private readonly onChange?: (state: FakeState) => void;
  endpoint = '';
  commandBehaviour?: CommandBehaviour;
  automationBehaviour?: AutomationBehaviour;

  constructor(opts: FakeAwsOptions = {}) {
    this.commandBehaviour = opts.commandBehaviour;
    this.automationBehaviour = opts.automationBehaviour;
    this.now = opts.now ?? Date.now;
    this.stepMs = opts.stepMs ?? 200;
    this.onChange = opts.onChange;
    this.state = opts.state ?? { accounts: {}, keys: {} };
  }

  // ─────────────────────────── lifecycle ───────────────────────────

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.endpoint = `http://${host}:${addr.port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  // ─────────────────────────── administration (what the console would do) ───────────────────────────

  createAccount(id: string, opts: { disabledRegions?: string[] } = {}): FakeAccount {
    if (!/^\d{12}$/.test(id)) throw new Error(`account id must be 12 digits: ${id}`);
    const existing = this.state.accounts[id];
    if (existing) return existing;
    const account: FakeAccount = {
      id,
      disabledRegions: opts.disabledRegions ?? [],
      roles: {},
      users: {},
      regions: {},
    };
    this.state.accounts[id] = account;
    this.changed();
    return account;
  }

  /** An IAM user with long-lived keys: the MSP's platform identity in its own account. */
  createUser(
    accountId: string,
    name: string,
    policies: PolicyDocument[] = [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] },
    ],
  ): { accessKeyId: string; secretAccessKey: string; arn: string } {
    const account = this.account(accountId);
    const arn = `arn:aws:iam::${accountId}:user/${name}`;
    account.users[name] = { name, arn, policies };
    const key: FakeKey = {
      accessKeyId: accessKey('AKIA'),
      secretAccessKey: randomBytes(30).toString('base64'),
      accountId,
      principalArn: arn,
      user: name,
    };
    this.state.keys[key.accessKeyId] = key;
    this.changed();
    return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, arn };
  }

  createRole(accountId: string, role: Omit<FakeRole, 'arn'>): FakeRole {
    const account = this.account(accountId);
    const full: FakeRole = { ...role, arn: `arn:aws:iam::${accountId}:role/${role.name}` };
    account.roles[role.name] = full;
    this.changed();
    return full;
  }

  /** What "Create stack" does with the platform's template: creates its roles, returns its outputs. */
  createStack(
    accountId: string,
    template: CfnTemplate,
    opts: { parameters?: Record<string, string>; region?: string; stackName?: string } = {},
  ): Record<string, string> {
    const { roles, outputs } = resolveTemplate(template, {
      accountId,
      region: opts.region ?? 'us-east-1',
      stackName: opts.stackName ?? 'AlertWhisperer',
      parameters: opts.parameters ?? {},
    });
    for (const r of roles) {
      const { logicalId: _id, ...role } = r;
      this.createRole(accountId, role);
    }
    return outputs;
  }

  /** The next `count` matching requests answer with the service's throttling error. */
  throttle(count: number, filter: { service?: 'sts' | 'ssm'; operation?: string } = {}): void {
    this.throttles.push({ ...filter, remaining: count });
  }

  /** Registers a server the way `amazon-ssm-agent -register -code … -id … -region …` does. */
  registerManagedInstance(input: {
    activationCode: string;
    activationId: string;
    region: string;
    name?: string;
    platformType?: 'Linux' | 'Windows';
    platformName?: string;
    platformVersion?: string;
    ipAddress?: string;
    computerName?: string;
    agentVersion?: string;
  }): string {
    for (const account of Object.values(this.state.accounts)) {
      const region = account.regions[input.region];
      const act = region?.activations[input.activationId];
      if (!region || !act) continue;
      if (act.deleted || act.code !== input.activationCode)
        throw new AwsError('InvalidActivation', 'Activation not found or code mismatch');
      if (act.ExpirationDate <= this.now()) throw new AwsError('InvalidActivation', 'Activation has expired');
      if (act.RegistrationsCount >= act.RegistrationLimit)
        throw new AwsError('InvalidActivation', 'Activation registration limit reached');
      act.RegistrationsCount += 1;
      const id = `mi-${hex(17)}`;
      const windows = input.platformType === 'Windows';
      region.instances[id] = {
        InstanceId: id,
        PingStatus: 'Online',
        LastPingDateTime: this.now(),
        AgentVersion: input.agentVersion ?? '3.3.1611.0',
        IsLatestVersion: true,
        PlatformType: input.platformType ?? 'Linux',
        PlatformName: input.platformName ?? (windows ? 'Microsoft Windows Server 2022 Datacenter' : 'Ubuntu'),
        PlatformVersion: input.platformVersion ?? (windows ? '10.0.20348' : '24.04'),
        ActivationId: act.ActivationId,
        IamRole: act.IamRole,
        RegistrationDate: this.now(),
        ResourceType: 'ManagedInstance',
        Name: input.name ?? act.DefaultInstanceName,
        IPAddress:
          input.ipAddress ?? `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 2}`,
        ComputerName: input.computerName ?? input.name ?? id,
        // Activation tags stay on the activation; registered nodes start untagged.
        Tags: [],
      };
      this.changed();
      return id;
    }
    throw new AwsError('InvalidActivationId', 'Activation ID not found in this region');
  }

  /** Creates an activation directly in an account (the demo's bootstrap), returning id and code. */
  seedActivation(
    accountId: string,
    region: string,
    input: { iamRole: string; limit?: number; name?: string; days?: number; tags?: FakeTag[] },
  ): { activationId: string; activationCode: string } {
    const act = this.newActivation(this.region(accountId, region), {
      IamRole: input.iamRole,
      RegistrationLimit: input.limit ?? 10,
      DefaultInstanceName: input.name,
      ExpirationDate: this.now() + (input.days ?? 1) * 86_400_000,
      Tags: input.tags ?? [],
    });
    return { activationId: act.ActivationId, activationCode: act.code };
  }

  addEc2Instance(
    accountId: string,
    region: string,
    input: { name?: string; platformType?: 'Linux' | 'Windows' } = {},
  ) {
    const id = `i-${hex(17)}`;
    this.region(accountId, region).instances[id] = {
      InstanceId: id,
      PingStatus: 'Online',
      LastPingDateTime: this.now(),
      AgentVersion: '3.3.1611.0',
      IsLatestVersion: true,
      PlatformType: input.platformType ?? 'Linux',
      PlatformName:
        input.platformType === 'Windows' ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux',
      PlatformVersion: input.platformType === 'Windows' ? '10.0.20348' : '2023',
      ResourceType: 'EC2Instance',
      Name: input.name,
      IPAddress: `172.31.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 2}`,
      ComputerName: `ip-172-31-0-1.ec2.internal`,
      Tags: input.name ? [{ Key: 'Name', Value: input.name }] : [],
    };
    this.changed();
    return id;
  }

  setPingStatus(accountId: string, region: string, instanceId: string, status: FakeInstance['PingStatus']) {
    const inst = this.region(accountId, region).instances[instanceId];
    if (!inst) throw new Error(`no instance ${instanceId}`);
    inst.PingStatus = status;
    this.changed();
  }

  region(accountId: string, region: string): FakeRegion {
    const account = this.account(accountId);
    account.regions[region] ??= emptyRegion();
    return account.regions[region]!;
  }

  private account(id: string): FakeAccount {
    const a = this.state.accounts[id];
    if (!a) throw new Error(`no fake account ${id}`);
    return a;
  }

  private changed() {
    this.onChange?.(this.state);
  }

  // ─────────────────────────── HTTP ───────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const target = req.headers['x-amz-target'];
    const isSsm = typeof target === 'string' && target.startsWith('AmazonSSM.');
    const service = isSsm ? 'ssm' : 'sts';
    let operation = isSsm ? target.slice('AmazonSSM.'.length) : '';
    let form: URLSearchParams | null = null;
    if (!isSsm) {
      form = new URLSearchParams(body.toString('utf8'));
      operation = form.get('Action') ?? '';
    }
    const requestId = randomUUID();
    let status = 200;
    let accessKeyId: string | undefined;
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const caller = this.authenticate(service, {
        method: req.method ?? 'POST',
        path: url.pathname,
        query: url.search.slice(1),
        headers: req.headers,
        body,
      });
      accessKeyId = caller.key.accessKeyId;
      const t = this.throttles.find(
        (r) =>
          r.remaining > 0 &&
          (!r.service || r.service === service) &&
          (!r.operation || r.operation === operation),
      );
      if (t) {
        t.remaining -= 1;
        throw isSsm
          ? new AwsError('ThrottlingException', 'Rate exceeded')
          : new AwsError('Throttling', 'Rate exceeded');
      }
      if (isSsm) {
        let input: Record<string, unknown>;
        try {
          input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          throw new AwsError('SerializationException', 'Could not parse request body');
        }
        const out = this.ssm(caller, operation, input);
        this.changed();
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify(out));
      } else {
        const xml = this.sts(caller, operation, form!, requestId);
        this.changed();
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(xml);
      }
    } catch (e) {
      const err =
        e instanceof AwsError
          ? e
          : new AwsError(isSsm ? 'InternalServerError' : 'InternalFailure', String(e), 500);
      status = err.status;
      if (isSsm) {
        res.writeHead(err.status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': err.code,
        });
        res.end(JSON.stringify({ __type: err.code, message: err.message }));
      } else {
        const type = err.status >= 500 ? 'Receiver' : 'Sender';
        res.writeHead(err.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(
          `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${err.code}</Code>\n    <Message>${xmlEscape(err.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
        );
      }
    } finally {
      this.requests.push({ service, operation, status, accessKeyId });
      if (this.requests.length > 20_000) this.requests.splice(0, 10_000);
    }
  }

  private authenticate(service: 'sts' | 'ssm', req: Parameters<typeof verifySigV4>[0]): Caller {
    const sts = service === 'sts';
    const invalidToken = () =>
      sts
        ? new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
        : new AwsError(
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
          );
    const header = req.headers['authorization'];
    const auth = parseAuthorization(Array.isArray(header) ? header[0] : header);
    if ('kind' in auth) {
      if (auth.kind === 'missing')
        throw sts
          ? new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
          : new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      throw new AwsError('IncompleteSignature', auth.message, sts ? 403 : 400);
    }
    const key = this.state.keys[auth.accessKeyId];
    if (!key) throw invalidToken();
    if (key.sessionToken) {
      if (req.headers['x-amz-security-token'] !== key.sessionToken) throw invalidToken();
      if ((key.expiresAt ?? 0) <= this.now())
        throw sts
          ? new AwsError('ExpiredToken', 'The security token included in the request is expired', 400)
          : new AwsError('ExpiredTokenException', 'The security token included in the request is expired');
    }
    const failure = verifySigV4(req, auth, key.secretAccessKey, new Date(this.now()));
    if (failure) {
      if (failure.kind === 'skew')
        throw new AwsError(
          sts ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
          failure.message,
          sts ? 403 : 400,
        );
      throw sts
        ? new AwsError('SignatureDoesNotMatch', failure.message, 403)
        : new AwsError('InvalidSignatureException', failure.message);
    }
    if (auth.service !== service)
      throw new AwsError(
        sts ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
        `Credential should be scoped to correct service: '${service}'.`,
        sts ? 403 : 400,
      );
    const account = this.account(key.accountId);
    if (!sts && account.disabledRegions.includes(auth.region)) throw invalidToken();
    const policies = key.role
      ? (account.roles[key.role]?.policies ?? [])
      : key.user
        ? (account.users[key.user]?.policies ?? [])
        : [];
    return { key, region: auth.region, account, policies };
  }

  private authorize(caller: Caller, action: string, resource: string, context: Record<string, string> = {}) {
    if (!isAllowed(caller.policies, { action, resource, context })) {
      throw new AwsError(
        sts(action) ? 'AccessDenied' : 'AccessDeniedException',
        `User: ${caller.key.principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
        sts(action) ? 403 : 400,
      );
    }
  }

  // ─────────────────────────── STS ───────────────────────────

  private sts(caller: Caller, action: string, form: URLSearchParams, requestId: string): string {
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
    const target = m ? this.state.accounts[m[1]!] : undefined;
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
    for (const [id, k] of Object.entries(this.state.keys))
      if (k.expiresAt !== undefined && k.expiresAt < this.now() - 3_600_000) delete this.state.keys[id];
    const expiresAt = this.now() + duration * 1000;
    const key: FakeKey = {
      accessKeyId: accessKey('ASIA'),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiresAt,
      accountId: target.id,
      principalArn: `arn:aws:sts::${target.id}:assumed-role/${role.name}/${sessionName}`,
      role: role.name,
    };
    this.state.keys[key.accessKeyId] = key;
    const roleId = `AROA${hex(16).toUpperCase()}`;
    return wrap(
      `    <AssumedRoleUser>\n      <Arn>${xmlEscape(key.principalArn)}</Arn>\n      <AssumedRoleId>${roleId}:${xmlEscape(sessionName)}</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>${key.accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${xmlEscape(key.secretAccessKey)}</SecretAccessKey>\n      <SessionToken>${xmlEscape(key.sessionToken!)}</SessionToken>\n      <Expiration>${new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>\n    </Credentials>\n    <PackedPolicySize>0</PackedPolicySize>\n`,
    );
  }

  // ─────────────────────────── SSM ───────────────────────────

  private ssm(caller: Caller, op: string, input: Record<string, unknown>): unknown {
    const acct = caller.account.id;
    const r = caller.region;
    const region = this.region(acct, r);
    const any = `arn:aws:ssm:${r}:${acct}:*`;
    switch (op) {
      case 'CreateActivation': {
        this.authorize(caller, 'ssm:CreateActivation', `arn:aws:ssm:${r}:${acct}:activation/*`);
        const iamRole = str(input.IamRole);
        if (!iamRole || iamRole.length > 64)
          throw validation('iamRole', iamRole, 'Member must have length less than or equal to 64');
        const limit = input.RegistrationLimit === undefined ? 1 : Number(input.RegistrationLimit);
        if (!Number.isInteger(limit) || limit < 1)
          throw validation('registrationLimit', limit, 'Member must have value greater than or equal to 1');
        if (limit > 1000)
          throw validation('registrationLimit', limit, 'Member must have value less than or equal to 1000');
        const expires =
          input.ExpirationDate === undefined ? this.now() + 86_400_000 : Number(input.ExpirationDate) * 1000;
        if (!(expires > this.now()) || expires > this.now() + 30 * 86_400_000 + 60_000)
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
        this.authorize(caller, 'iam:PassRole', roleArn, { 'iam:PassedToService': 'ssm.amazonaws.com' });
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
        if (tags.length)
          this.authorize(caller, 'ssm:AddTagsToResource', `arn:aws:ssm:${r}:${acct}:activation/*`);
        const act = this.newActivation(region, {
          IamRole: roleName,
          RegistrationLimit: limit,
          ExpirationDate: expires,
          DefaultInstanceName: name,
          Description: description,
          Tags: tags,
        });
        return { ActivationId: act.ActivationId, ActivationCode: act.code };
      }
      case 'DescribeActivations': {
        this.authorize(caller, 'ssm:DescribeActivations', any);
        const filters =
          (input.Filters as { FilterKey?: string; FilterValues?: string[] }[] | undefined) ?? [];
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
            Expired: a.ExpirationDate <= this.now(),
            CreatedDate: secs(a.CreatedDate),
            Tags: a.Tags,
          }));
        const page = paginate(op, items, input, 1, 50, 50);
        return { ActivationList: page.items, NextToken: page.next };
      }
      case 'DeleteActivation': {
        this.authorize(caller, 'ssm:DeleteActivation', `arn:aws:ssm:${r}:${acct}:activation/*`);
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
      case 'DescribeInstanceInformation': {
        this.authorize(caller, 'ssm:DescribeInstanceInformation', any);
        const filters = [
          ...((input.Filters as { Key: string; Values: string[] }[] | undefined) ?? []),
          ...(
            (input.InstanceInformationFilterList as { key: string; valueSet: string[] }[] | undefined) ?? []
          ).map((f) => ({
            Key: f.key,
            Values: f.valueSet,
          })),
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
      case 'AddTagsToResource': {
        const type = str(input.ResourceType);
        const id = str(input.ResourceId);
        const tags = tagsOf(input.Tags);
        if (!tags.length)
          throw validation('tags', '[]', 'Member must have length greater than or equal to 1');
        if (type === 'ManagedInstance') {
          this.authorize(caller, 'ssm:AddTagsToResource', `arn:aws:ssm:${r}:${acct}:managed-instance/${id}`);
          const inst = region.instances[id];
          if (!inst || inst.ResourceType !== 'ManagedInstance')
            throw new AwsError(
              'InvalidResourceId',
              'The resource ID is not valid. Verify that you entered the correct ID and try again.',
            );
          inst.Tags = mergeTags(inst.Tags, tags);
        } else if (type === 'Document') {
          this.authorize(caller, 'ssm:AddTagsToResource', `arn:aws:ssm:${r}:${acct}:document/${id}`);
          if (!region.documents[id])
            throw new AwsError(
              'InvalidResourceId',
              'The resource ID is not valid. Verify that you entered the correct ID and try again.',
            );
        } else throw new AwsError('InvalidResourceType', 'The resource type is not valid.');
        return {};
      }
      case 'CreateDocument':
      case 'UpdateDocument':
      case 'DeleteDocument':
        return this.documentOp(caller, op, input);
      case 'SendCommand':
        return this.sendCommand(caller, input);
      case 'GetCommandInvocation': {
        this.authorize(caller, 'ssm:GetCommandInvocation', any);
        const cmd = region.commands[str(input.CommandId)];
        if (!cmd) throw new AwsError('InvalidCommandId', '');
        const instanceId = str(input.InstanceId);
        if (!cmd.InstanceIds.includes(instanceId))
          throw new AwsError('InvalidInstanceId', 'Instance Id is not valid');
        const inv = this.invocation(cmd, instanceId);
        if (!inv) throw new AwsError('InvocationDoesNotExist', '');
        return {
          CommandId: cmd.CommandId,
          InstanceId: instanceId,
          Comment: cmd.Comment,
          DocumentName: cmd.DocumentName,
          DocumentVersion: '$DEFAULT',
          PluginName: 'aws:runShellScript',
          ResponseCode: inv.code,
          ExecutionStartDateTime: inv.started ? new Date(inv.started).toISOString() : '',
          ExecutionElapsedTime: inv.ended ? `PT${((inv.ended - inv.started!) / 1000).toFixed(3)}S` : '',
          ExecutionEndDateTime: inv.ended ? new Date(inv.ended).toISOString() : '',
          Status: inv.status,
          StatusDetails: inv.status,
          StandardOutputContent: inv.stdout,
          StandardOutputUrl: '',
          StandardErrorContent: inv.stderr,
          StandardErrorUrl: '',
        };
      }
      case 'ListCommandInvocations': {
        this.authorize(caller, 'ssm:ListCommandInvocations', any);
        const commandId = input.CommandId === undefined ? undefined : str(input.CommandId);
        const instanceId = input.InstanceId === undefined ? undefined : str(input.InstanceId);
        if (commandId && !region.commands[commandId]) throw new AwsError('InvalidCommandId', '');
        const items = Object.values(region.commands)
          .filter((c) => !commandId || c.CommandId === commandId)
          .sort((a, b) => a.RequestedDateTime - b.RequestedDateTime)
          .flatMap((c) =>
            c.InstanceIds.filter((i) => !instanceId || i === instanceId).flatMap((i) => {
              const inv = this.invocation(c, i);
              if (!inv) return [];
              return [
                {
                  CommandId: c.CommandId,
                  InstanceId: i,
                  InstanceName: region.instances[i]?.ComputerName ?? '',
                  Comment: c.Comment,
                  DocumentName: c.DocumentName,
                  DocumentVersion: '$DEFAULT',
                  RequestedDateTime: secs(c.RequestedDateTime),
                  Status: inv.status,
                  StatusDetails: inv.status,
                  StandardOutputUrl: '',
                  StandardErrorUrl: '',
                  ...(input.Details
                    ? {
                        CommandPlugins: [
                          {
                            Name: 'aws:runShellScript',
                            Status: inv.status,
                            ResponseCode: inv.code,
                            Output: inv.stdout + inv.stderr,
                          },
                        ],
                      }
                    : {}),
                },
              ];
            }),
          );
        const page = paginate(op, items, input, 1, 50, 50);
        return { CommandInvocations: page.items, NextToken: page.next };
      }
      case 'StartAutomationExecution':
        return this.startAutomation(caller, input);
      case 'GetAutomationExecution': {
        const id = str(input.AutomationExecutionId);
        this.authorize(
          caller,
          'ssm:GetAutomationExecution',
          `arn:aws:ssm:${r}:${acct}:automation-execution/${id}`,
        );
        const a = region.automations[id];
        if (!a)
          throw new AwsError(
            'AutomationExecutionNotFoundException',
            `Automation Execution id ${id} not found`,
          );
        const s = this.automationStatus(a);
        return {
          AutomationExecution: {
            AutomationExecutionId: a.AutomationExecutionId,
            DocumentName: a.DocumentName,
            DocumentVersion: '1',
            ExecutionStartTime: secs(a.ExecutionStartTime),
            ...(s.ended ? { ExecutionEndTime: secs(s.ended) } : {}),
            AutomationExecutionStatus: s.status,
            Parameters: a.Parameters,
            Outputs: {},
            Mode: 'Auto',
            ...(s.status === 'Failed' ? { FailureMessage: a.outcome.failure } : {}),
            StepExecutions: [],
          },
        };
      }
      case 'StopAutomationExecution': {
        const id = str(input.AutomationExecutionId);
        this.authorize(
          caller,
          'ssm:StopAutomationExecution',
          `arn:aws:ssm:${r}:${acct}:automation-execution/${id}`,
        );
        const a = region.automations[id];
        if (!a)
          throw new AwsError(
            'AutomationExecutionNotFoundException',
            `Automation Execution id ${id} not found`,
          );
        const s = this.automationStatus(a);
        if (['Success', 'Failed', 'Cancelled'].includes(s.status))
          throw new AwsError(
            'InvalidAutomationStatusUpdateException',
            `Automation ${id} is already ${s.status}`,
          );
        a.stoppedAt = this.now();
        return {};
      }
      default:
        throw new AwsError('UnknownOperationException', `Operation ${op} is not supported by the fake`);
    }
  }

  private newActivation(
    region: FakeRegion,
    a: Omit<FakeActivation, 'ActivationId' | 'code' | 'RegistrationsCount' | 'CreatedDate'>,
  ) {
    const act: FakeActivation = {
      ...a,
      ActivationId: randomUUID(),
      code: randomBytes(15).toString('base64').replace(/[+/]/g, 'x'),
      RegistrationsCount: 0,
      CreatedDate: this.now(),
    };
    region.activations[act.ActivationId] = act;
    this.changed();
    return act;
  }

  private documentArn(r: string, acct: string, name: string) {
    return name in AWS_DOCUMENTS
      ? `arn:aws:ssm:${r}::document/${name}`
      : `arn:aws:ssm:${r}:${acct}:document/${name}`;
  }

  private documentOp(caller: Caller, op: string, input: Record<string, unknown>) {
    const acct = caller.account.id;
    const r = caller.region;
    const region = this.region(acct, r);
    const name = str(input.Name);
    this.authorize(caller, `ssm:${op}`, this.documentArn(r, acct, name));
    if (!/^[a-zA-Z0-9_.-]{3,128}$/.test(name))
      throw validation(
        'name',
        name,
        'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$',
      );
    const doc = region.documents[name];
    if (op === 'DeleteDocument') {
      if (!doc) throw new AwsError('InvalidDocument', `Document ${name} does not exist in your account`);
      delete region.documents[name];
      return {};
    }
    const content = str(input.Content);
    const format = (input.DocumentFormat as 'JSON' | 'YAML' | undefined) ?? 'JSON';
    if (!content) throw validation('content', '', 'Member must have length greater than or equal to 1');
    if (format === 'JSON') {
      try {
        JSON.parse(content);
      } catch {
        throw new AwsError('InvalidDocumentContent', 'The content for the document is not valid.');
      }
    }
    const describe = (d: NonNullable<typeof doc>) => ({
      DocumentDescription: {
        Name: d.Name,
        Owner: d.Owner,
        DocumentType: d.DocumentType,
        DocumentFormat: d.DocumentFormat,
        DocumentVersion: String(d.versions.length),
        LatestVersion: String(d.versions.length),
        DefaultVersion: d.DefaultVersion,
        Status: 'Active',
        CreatedDate: secs(d.CreatedDate),
      },
    });
    if (op === 'CreateDocument') {
      if (/^(aws|amazon|amzn)/i.test(name))
        throw new AwsError(
          'ValidationException',
          'Document names cannot start with the reserved prefixes aws, amazon or amzn.',
        );
      if (doc) throw new AwsError('DocumentAlreadyExists', `Document with name ${name} already exists.`);
      const type = (input.DocumentType as string | undefined) ?? 'Command';
      if (type !== 'Command' && type !== 'Automation')
        throw validation('documentType', type, 'Member must satisfy enum value set: [Command, Automation]');
      region.documents[name] = {
        Name: name,
        Owner: acct,
        DocumentType: type,
        DocumentFormat: format,
        versions: [content],
        DefaultVersion: '1',
        CreatedDate: this.now(),
      };
      return describe(region.documents[name]!);
    }
    if (!doc) throw new AwsError('InvalidDocument', `Document ${name} does not exist in your account`);
    if (doc.versions.at(-1) === content)
      throw new AwsError(
        'DuplicateDocumentContent',
        'The content of the association document matches another document.',
      );
    if (doc.versions.length >= 1000)
      throw new AwsError('DocumentVersionLimitExceeded', 'The document has too many versions.');
    doc.versions.push(content);
    return describe(doc);
  }

  private sendCommand(caller: Caller, input: Record<string, unknown>) {
    const acct = caller.account.id;
    const r = caller.region;
    const region = this.region(acct, r);
    const docName = str(input.DocumentName);
    let ids = (input.InstanceIds as string[] | undefined) ?? [];
    const targets = (input.Targets as { Key: string; Values: string[] }[] | undefined) ?? [];
    for (const t of targets) if (t.Key === 'InstanceIds') ids = [...ids, ...t.Values];
    if (!ids.length) throw new AwsError('InvalidParameters', 'InstanceIds or Targets must be provided.');
    if (ids.length > 50)
      throw validation(
        'instanceIds',
        `[${ids.length} ids]`,
        'Member must have length less than or equal to 50',
      );
    const timeout = input.TimeoutSeconds === undefined ? 3600 : Number(input.TimeoutSeconds);
    if (timeout < 30 || timeout > 2_592_000)
      throw validation('timeoutSeconds', timeout, 'Member must have value greater than or equal to 30');
    this.authorize(caller, 'ssm:SendCommand', this.documentArn(r, acct, docName));
    for (const id of ids) {
      const arn = id.startsWith('mi-')
        ? `arn:aws:ssm:${r}:${acct}:managed-instance/${id}`
        : `arn:aws:ec2:${r}:${acct}:instance/${id}`;
      this.authorize(caller, 'ssm:SendCommand', arn);
    }
    const doc = region.documents[docName];
    const type = AWS_DOCUMENTS[docName] ?? doc?.DocumentType;
    if (!type) throw new AwsError('InvalidDocument', `Document ${docName} does not exist`);
    if (type !== 'Command')
      throw new AwsError('InvalidDocument', `Document ${docName} is not a Command document`);
    const bad = ids.filter((i) => !region.instances[i]);
    if (bad.length)
      throw new AwsError(
        'InvalidInstanceId',
        `Instances [${bad.join(', ')}] not in a valid state for account ${acct}`,
      );
    const params = (input.Parameters as Record<string, string[]> | undefined) ?? {};
    if (doc && !(docName in AWS_DOCUMENTS)) checkCustomDocumentParameters(doc.versions.at(-1)!, params);
    if (
      (docName === 'AWS-RunShellScript' || docName === 'AWS-RunPowerShellScript') &&
      !params.commands?.length
    )
      throw new AwsError('InvalidParameters', 'Parameters required: commands');
    const script = (params.commands ?? []).join('\n');
    const exit = /\bexit\s+([1-9]\d*)/.exec(script);
    const outcome: FakeCommand['outcome'] = {};
    for (const id of ids) {
      const online = region.instances[id]!.PingStatus === 'Online';
      const scripted = online
        ? this.commandBehaviour?.({
            accountId: acct,
            documentName: docName,
            instanceId: id,
            parameters: params,
          })
        : undefined;
      outcome[id] = scripted
        ? {
            status: scripted.status,
            code:
              scripted.code ?? (scripted.status === 'Success' ? 0 : scripted.status === 'Failed' ? 1 : -1),
            stdout: scripted.stdout ?? '',
            stderr: scripted.stderr ?? '',
          }
        : !online
          ? { status: 'Failed', code: -1, stdout: '', stderr: 'Undeliverable: the node is not online' }
          : exit
            ? { status: 'Failed', code: Number(exit[1]), stdout: '', stderr: `script exited with ${exit[1]}` }
            : { status: 'Success', code: 0, stdout: `ran ${docName} on ${id}\n`, stderr: '' };
    }
    const cmd = {
      CommandId: randomUUID(),
      DocumentName: docName,
      Comment: input.Comment === undefined ? undefined : str(input.Comment),
      InstanceIds: ids,
      Parameters: params,
      RequestedDateTime: this.now(),
      outcome,
    };
    region.commands[cmd.CommandId] = cmd;
    return {
      Command: {
        CommandId: cmd.CommandId,
        DocumentName: docName,
        DocumentVersion: '$DEFAULT',
        Comment: cmd.Comment,
        Parameters: params,
        InstanceIds: ids,
        Targets: targets,
        RequestedDateTime: secs(cmd.RequestedDateTime),
        Status: 'Pending',
        StatusDetails: 'Pending',
        TimeoutSeconds: timeout,
        TargetCount: ids.length,
        CompletedCount: 0,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
        MaxConcurrency: '50',
        MaxErrors: '0',
      },
    };
  }

  /** Pending → InProgress → Success/Failed in steps of `stepMs`; nothing before the first step. */
  private invocation(cmd: Pick<FakeCommand, 'RequestedDateTime' | 'outcome'>, instanceId: string) {
    const age = this.now() - cmd.RequestedDateTime;
    const o = cmd.outcome[instanceId]!;
    if (age < this.stepMs) return null;
    if (age < 2 * this.stepMs) return { status: 'Pending', code: -1, stdout: '', stderr: '' };
    const started = cmd.RequestedDateTime + 2 * this.stepMs;
    if (age < 3 * this.stepMs || o.status === 'InProgress')
      return { status: 'InProgress', code: -1, stdout: '', stderr: '', started };
    return {
      status: o.status,
      code: o.code,
      stdout: o.stdout,
      stderr: o.stderr,
      started,
      ended: cmd.RequestedDateTime + 3 * this.stepMs,
    };
  }

  private startAutomation(caller: Caller, input: Record<string, unknown>) {
    const acct = caller.account.id;
    const r = caller.region;
    const region = this.region(acct, r);
    const name = str(input.DocumentName);
    const owner = name in AWS_DOCUMENTS ? '' : acct;
    this.authorize(
      caller,
      'ssm:StartAutomationExecution',
      `arn:aws:ssm:${r}:${owner}:automation-definition/${name}:$DEFAULT`,
    );
    const type = AWS_DOCUMENTS[name] ?? region.documents[name]?.DocumentType;
    if (type !== 'Automation')
      throw new AwsError('AutomationDefinitionNotFoundException', `Automation definition ${name} not found`);
    const params = (input.Parameters as Record<string, string[]> | undefined) ?? {};
    const assume = params.AutomationAssumeRole?.[0];
    if (assume) {
      this.authorize(caller, 'iam:PassRole', assume, { 'iam:PassedToService': 'ssm.amazonaws.com' });
      const role = caller.account.roles[assume.replace(/^.*role\//, '')];
      if (
        !role ||
        !trustAllows(role.trust, { service: 'ssm.amazonaws.com' }, 'sts:AssumeRole', {
          'aws:SourceAccount': acct,
          'aws:SourceArn': `arn:aws:ssm:${r}:${acct}:automation-execution/x`,
        })
      )
        throw new AwsError(
          'InvalidAutomationExecutionParametersException',
          `The defined assume role is unable to be assumed: ${assume}`,
        );
    }
    if (name === 'AWS-RestartEC2Instance' && !params.InstanceId?.length)
      throw new AwsError(
        'InvalidAutomationExecutionParametersException',
        'Parameter "InstanceId" is required',
      );
    const custom = region.documents[name];
    if (custom && !(name in AWS_DOCUMENTS))
      checkCustomDocumentParameters(custom.versions.at(-1)!, params, ['AutomationAssumeRole']);
    const missing = (params.InstanceId ?? []).filter((i) => !region.instances[i]);
    const scripted = missing.length
      ? undefined
      : this.automationBehaviour?.({ accountId: acct, documentName: name, parameters: params });
    const a = {
      AutomationExecutionId: randomUUID(),
      DocumentName: name,
      Parameters: params,
      ExecutionStartTime: this.now(),
      outcome: missing.length
        ? {
            status: 'Failed' as const,
            failure: `Step fails when it is verifying the instances. The instance Ids ${missing.join(', ')} are not valid.`,
          }
        : (scripted ?? { status: 'Success' as const }),
    };
    region.automations[a.AutomationExecutionId] = a;
    return { AutomationExecutionId: a.AutomationExecutionId };
  }

  private automationStatus(a: {
    ExecutionStartTime: number;
    outcome: { status: 'Success' | 'Failed' };
    stoppedAt?: number;
  }) {
    if (a.stoppedAt) return { status: 'Cancelled', ended: a.stoppedAt };
    const age = this.now() - a.ExecutionStartTime;
    if (age < this.stepMs) return { status: 'Pending' };
    if (age < 2 * this.stepMs) return { status: 'InProgress' };
    return { status: a.outcome.status, ended: a.ExecutionStartTime + 2 * this.stepMs };
  }
}

function sts(action: string) {
  return action.startsWith('sts:');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function tagsOf(v: unknown): FakeTag[] {
  const tags = (v as FakeTag[] | undefined) ?? [];
  if (tags.length > 1000) throw validation('tags', '…', 'Member must have length less than or equal to 1000');
  for (const t of tags) {
    if (!t.Key || t.Key.length > 128)
      throw validation('tags.member.key', t.Key, 'Member must have length less than or equal to 128');
    if ((t.Value ?? '').length > 256)
      throw validation('tags.member.value', t.Value, 'Member must have length less than or equal to 256');
  }
  return tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

function mergeTags(a: FakeTag[], b: FakeTag[]): FakeTag[] {
  const m = new Map(a.map((t) => [t.Key, t.Value]));
  for (const t of b) m.set(t.Key, t.Value);
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

function paginate<T>(
  op: string,
  items: T[],
  input: Record<string, unknown>,
  min: number,
  max: number,
  dflt: number,
) {
  const size = input.MaxResults === undefined ? dflt : Number(input.MaxResults);
  if (!Number.isInteger(size) || size < min)
    throw validation(
      'maxResults',
      input.MaxResults,
      `Member must have value greater than or equal to ${min}`,
    );
  if (size > max)
    throw validation('maxResults', input.MaxResults, `Member must have value less than or equal to ${max}`);
  let offset = 0;
  if (input.NextToken !== undefined) {
    try {
      const t = JSON.parse(Buffer.from(String(input.NextToken), 'base64url').toString('utf8')) as {
        op: string;
        o: number;
      };
      if (t.op !== op || !Number.isInteger(t.o) || t.o < 0) throw new Error('bad');
      offset = t.o;
    } catch {
      throw new AwsError('InvalidNextToken', 'The specified token is not valid.');
    }
  }
  const slice = items.slice(offset, offset + size);
  const next =
    offset + size < items.length
      ? Buffer.from(JSON.stringify({ op, o: offset + size })).toString('base64url')
      : undefined;
  return { items: slice, next };
}
