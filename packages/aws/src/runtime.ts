// Where a company's AWS calls go. Real companies: real AWS, with the MSP's own credentials from the
// SDK's default chain (instance role, environment…) as the source of AssumeRole. Companies marked
// `simulated`: the demo's loopback fake, whose endpoint and MSP keys the launcher passes in the
// environment. A real company never reaches the fake, and a simulated one never reaches AWS.
import { readEnv } from '@aw/config';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AppError } from '@aw/core/errors';
import {
  CredentialCache,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
} from './credentials.ts';
import { rolesFromArn } from './template.ts';

export interface AwsCompany {
  id: string;
  slug: string;
  simulated: boolean;
  awsRoleArn: string | null;
  awsExternalId: string;
  awsRegion: string;
}

export interface FakeAwsTarget {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AwsRuntimeOptions {
  /** The demo's fake AWS; used only for companies with `simulated = true`. */
  fake?: FakeAwsTarget;
  /** Source credentials for real AssumeRole calls; undefined: the SDK's default chain. */
  platformCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Public HTTPS (S3) URL of the generic CloudFormation template, for the quick-create link. */
  templateUrl?: string;
  /** The AWS account this deployment calls AssumeRole from: what client roles trust by default. */
  platformAccountId?: string;
  /** SDK attempts per call (throttling is retried with backoff). */
  maxAttempts?: number;
  /** Session length; 900 in the product, overridable only by tests. */
  durationSeconds?: number;
}

export interface CompanyAws {
  ssm: SSMClient;
  credentials: AwsCredentialIdentityProvider;
  region: string;
  roleArn: string;
  accountId: string;
  hybridRoleName: string;
  automationRoleArn: string;
}

export class AwsRuntime {
  readonly credentials = new CredentialCache();
  private readonly clients = new Map<string, SSMClient>();
  constructor(readonly options: AwsRuntimeOptions = {}) {}

  get platformAccountId(): string | undefined {
    return this.options.platformAccountId;
  }

  get templateUrl(): string | undefined {
    return this.options.templateUrl;
  }

  /** The SSM client and identity for one company; throws a BAD_REQUEST when no role is set. */
  forCompany(company: AwsCompany): CompanyAws {
    if (!company.awsRoleArn)
      throw new AppError('BAD_REQUEST', 'Set the role ARN from the CloudFormation stack output first.');
    const fake = company.simulated ? this.options.fake : undefined;
    if (company.simulated && !fake)
      throw new AppError(
        'UNAVAILABLE',
        'This company is a simulated demo account; its fake AWS runs only with the embedded demo (npm start).',
      );
    const endpoint = fake?.endpoint;
    const credentials = this.credentials.provider({
      companyId: company.id,
      companySlug: company.slug,
      roleArn: company.awsRoleArn,
      externalId: company.awsExternalId,
      region: company.awsRegion,
      endpoint,
      masterCredentials: fake
        ? { accessKeyId: fake.accessKeyId, secretAccessKey: fake.secretAccessKey }
        : this.options.platformCredentials,
      durationSeconds: this.options.durationSeconds,
    });
    const key = [
      company.id,
      company.awsRoleArn,
      company.awsExternalId,
      company.awsRegion,
      endpoint ?? '',
    ].join('|');
    let ssm = this.clients.get(key);
    if (!ssm) {
      for (const [k, c] of this.clients)
        if (k.startsWith(`${company.id}|`)) {
          c.destroy();
          this.clients.delete(k);
        }
      ssm = new SSMClient({
        region: company.awsRegion,
        credentials,
        maxAttempts: this.options.maxAttempts ?? 4,
        ...(endpoint ? { endpoint } : {}),
      });
      this.clients.set(key, ssm);
    }
    const roles = rolesFromArn(company.awsRoleArn);
    return {
      ssm,
      credentials,
      region: company.awsRegion,
      roleArn: company.awsRoleArn,
      accountId: roles.accountId,
      hybridRoleName: roles.hybridRoleName,
      automationRoleArn: roles.automationRoleArn,
    };
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}

/** Reads the fake's coordinates (set by the launcher for the demo) and the template URL. */
export function awsRuntimeFromEnv(source: Record<string, string | undefined> = process.env): AwsRuntime {
  const env = readEnv(
    [
      'FAKE_AWS_ENDPOINT',
      'FAKE_AWS_ACCESS_KEY_ID',
      'FAKE_AWS_SECRET_ACCESS_KEY',
      'CFN_TEMPLATE_URL',
      'PLATFORM_AWS_ACCOUNT_ID',
    ],
    source,
  );
  const endpoint = env.FAKE_AWS_ENDPOINT;
  const fake =
    endpoint && env.FAKE_AWS_ACCESS_KEY_ID && env.FAKE_AWS_SECRET_ACCESS_KEY
      ? {
          endpoint,
          accessKeyId: env.FAKE_AWS_ACCESS_KEY_ID,
          secretAccessKey: env.FAKE_AWS_SECRET_ACCESS_KEY,
        }
      : undefined;
  return new AwsRuntime({
    fake,
    templateUrl: env.CFN_TEMPLATE_URL,
    platformAccountId: env.PLATFORM_AWS_ACCOUNT_ID,
  });
}
