// The fake AWS: one loopback HTTP server that answers STS (query protocol, XML) and SSM (AWS JSON
// 1.1) the way the real endpoints do, so the real SDK clients run against it unchanged: SigV4 and
// session tokens are verified, IAM policies decide, values are validated, lists paginate.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveTemplate, type CfnTemplate } from './cfn.ts';
import type { Caller, ServiceContext } from './context.ts';
import { isAllowed, type PolicyDocument } from './policy.ts';
import { parseAuthorization, verifySigV4 } from './sigv4.ts';
import { s3, s3ErrorXml } from './s3.ts';
import { ssm } from './ssm.ts';
import { newActivation } from './ssm-activations.ts';
import type { AutomationBehaviour, CommandBehaviour } from './ssm-behaviour.ts';
import {
  emptyRegion,
  type FakeAccount,
  type FakeInstance,
  type FakeKey,
  type FakePatchBaseline,
  type FakePatchNode,
  type FakeRegion,
  type FakeRole,
  type FakeState,
  type FakeTag,
} from './state.ts';
import { stsAction } from './sts.ts';
import { accessKey, AwsError, hex, isStsAction, STS_NS, xmlEscape } from './wire.ts';

export { AwsError } from './wire.ts';

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

type Service = 'sts' | 'ssm' | 's3';

interface ThrottleRule {
  service?: Service;
  operation?: string;
  remaining: number;
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
  throttle(count: number, filter: { service?: Service; operation?: string } = {}): void {
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
    const act = newActivation(this.services, this.region(accountId, region), {
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

  /** What AWS-RunPatchBaseline leaves behind on a node: its last operation and each patch's state. */
  setPatchState(accountId: string, region: string, instanceId: string, node: FakePatchNode): void {
    const r = this.region(accountId, region);
    if (!r.instances[instanceId]) throw new Error(`no instance ${instanceId}`);
    r.patchNodes ??= {};
    r.patchNodes[instanceId] = node;
    this.changed();
  }

  addPatchBaseline(accountId: string, region: string, baseline: FakePatchBaseline): void {
    const r = this.region(accountId, region);
    r.patchBaselines ??= {};
    r.patchBaselines[baseline.BaselineId] = baseline;
    this.changed();
  }

  /** Deregisters a node (terminated instance, `deregister-managed-instance`): it and its results go. */
  removeInstance(accountId: string, region: string, instanceId: string): void {
    const r = this.region(accountId, region);
    delete r.instances[instanceId];
    delete r.patchNodes?.[instanceId];
    this.changed();
  }

  /** An S3 bucket in the account (bucket names are global). */
  createBucket(accountId: string, name: string, region = 'us-east-1'): void {
    const account = this.account(accountId);
    for (const a of Object.values(this.state.accounts))
      if (a.buckets?.[name] && a.id !== accountId) throw new Error(`bucket ${name} is taken`);
    account.buckets ??= {};
    account.buckets[name] ??= { region, objects: {} };
    this.changed();
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
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    // STS is a form POST to `/`; anything else that is not SSM is a path-style S3 request.
    const isS3 = !isSsm && (req.method !== 'POST' || path !== '/');
    const service: Service = isSsm ? 'ssm' : isS3 ? 's3' : 'sts';
    let operation = isSsm ? target.slice('AmazonSSM.'.length) : isS3 ? 'PutObject' : '';
    let form: URLSearchParams | null = null;
    if (!isSsm && !isS3) {
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
          : isS3
            ? new AwsError('SlowDown', 'Please reduce your request rate.', 503)
            : new AwsError('Throttling', 'Rate exceeded');
      }
      if (isS3) {
        const { etag } = s3(this.services, caller, {
          method: req.method ?? 'PUT',
          path,
          headers: req.headers,
          body,
        });
        this.changed();
        res.writeHead(200, { etag, 'x-amz-request-id': requestId });
        res.end();
      } else if (isSsm) {
        let input: Record<string, unknown>;
        try {
          input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          throw new AwsError('SerializationException', 'Could not parse request body');
        }
        const out = ssm(this.services, caller, operation, input);
        this.changed();
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify(out));
      } else {
        const xml = stsAction(this.services, caller, operation, form!, requestId);
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
      if (isS3) {
        res.writeHead(err.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
        res.end(s3ErrorXml(err.code, err.message, requestId));
      } else if (isSsm) {
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

  private authenticate(service: Service, req: Parameters<typeof verifySigV4>[0]): Caller {
    if (service === 's3') return this.authenticateS3(req);
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

  /** The same SigV4 checks with S3's error codes (all 403 but an expired token). */
  private authenticateS3(req: Parameters<typeof verifySigV4>[0]): Caller {
    const header = req.headers['authorization'];
    const auth = parseAuthorization(Array.isArray(header) ? header[0] : header);
    if ('kind' in auth) throw new AwsError('AccessDenied', auth.message, 403);
    const key = this.state.keys[auth.accessKeyId];
    if (!key)
      throw new AwsError(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        403,
      );
    if (key.sessionToken) {
      if (req.headers['x-amz-security-token'] !== key.sessionToken)
        throw new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
      if ((key.expiresAt ?? 0) <= this.now())
        throw new AwsError('ExpiredToken', 'The provided token has expired.', 400);
    }
    const failure = verifySigV4(req, auth, key.secretAccessKey, new Date(this.now()));
    if (failure)
      throw failure.kind === 'skew'
        ? new AwsError('RequestTimeTooSkewed', failure.message, 403)
        : new AwsError('SignatureDoesNotMatch', failure.message, 403);
    if (auth.service !== 's3')
      throw new AwsError(
        'SignatureDoesNotMatch',
        "Credential should be scoped to correct service: 's3'.",
        403,
      );
    const account = this.account(key.accountId);
    const policies = key.role
      ? (account.roles[key.role]?.policies ?? [])
      : key.user
        ? (account.users[key.user]?.policies ?? [])
        : [];
    return { key, region: auth.region, account, policies };
  }

  private authorize(caller: Caller, action: string, resource: string, context: Record<string, string> = {}) {
    if (!isAllowed(caller.policies, { action, resource, context })) {
      // S3's explicit-deny-free refusal names the action and resource, as AWS has since 2023.
      if (action.startsWith('s3:'))
        throw new AwsError(
          'AccessDenied',
          `User: ${caller.key.principalArn} is not authorized to perform: ${action} on resource: "${resource}" because no identity-based policy allows the ${action} action`,
          403,
        );
      throw new AwsError(
        isStsAction(action) ? 'AccessDenied' : 'AccessDeniedException',
        `User: ${caller.key.principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
        isStsAction(action) ? 403 : 400,
      );
    }
  }

  /** What the service modules see of this fake (read per request: behaviours may change). */
  private get services(): ServiceContext {
    return {
      state: this.state,
      now: this.now,
      stepMs: this.stepMs,
      region: (accountId, region) => this.region(accountId, region),
      authorize: (caller, action, resource, context) => this.authorize(caller, action, resource, context),
      changed: () => this.changed(),
      commandBehaviour: this.commandBehaviour,
      automationBehaviour: this.automationBehaviour,
    };
  }
}
