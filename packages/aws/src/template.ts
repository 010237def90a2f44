// The onboarding artefacts a client runs in their own AWS account: the CloudFormation template
// (one generic template; the company's External ID and the MSP's account id are parameters), the
// quick-create console URL that pre-fills them, and the same resources as a Terraform module.

/** Names the template gives its roles; the platform derives the hybrid and automation roles from them. */
export const PLATFORM_ROLE_NAME = 'AlertWhisperer-Access';
export const HYBRID_ROLE_NAME = 'AlertWhisperer-SSMHybrid';
export const AUTOMATION_ROLE_NAME = 'AlertWhisperer-Automation';
export const STACK_NAME = 'AlertWhisperer';
/** Longest session the platform role allows; the platform itself asks for 900 seconds. */
export const MAX_SESSION_DURATION = 3600;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
const sub = (s: string): Json => ({ 'Fn::Sub': s });
const ssmTrust: Json = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') },
        ArnLike: { 'aws:SourceArn': sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:*') },
      },
    },
  ],
};

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: string;
  Description: string;
  Parameters: Record<
    string,
    { Type: string; Default?: string; Description: string; AllowedPattern?: string }
  >;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties: Record<string, Json> }>;
  Outputs: Record<string, { Description: string; Value: Json }>;
}

/**
 * The platform role (trusted by the MSP's account, only with the company's External ID), the SSM
 * hybrid service role and the automation role. With `defaults` the parameters default to one
 * company's values (the downloadable file); without, the template is generic (the hosted file).
 */
export function cloudFormationTemplate(defaults?: {
  externalId: string;
  mspAccountId: string;
  /** Pre-fills the optional compliance export parameters. */
  complianceExport?: { bucket: string; prefix: string };
}): CloudFormationTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Alert Whisperer cross-account access: a role the MSP assumes with an External ID (no long-lived keys), the SSM hybrid activation role and the SSM automation role.',
    Parameters: {
      ExternalId: {
        Type: 'String',
        Description: 'The External ID Alert Whisperer shows for this company. Do not change it.',
        AllowedPattern: '[\\w+=,.@:\\/-]{2,1224}',
        ...(defaults ? { Default: defaults.externalId } : {}),
      },
      TrustedAccountId: {
        Type: 'String',
        Description: "The MSP's AWS account id that may assume the role.",
        AllowedPattern: '\\d{12}',
        ...(defaults ? { Default: defaults.mspAccountId } : {}),
      },
      ComplianceExportBucket: {
        Type: 'String',
        Default: defaults?.complianceExport?.bucket ?? '',
        Description:
          'Optional: S3 bucket (in this account) for the daily patch compliance export. Empty: no export, no S3 permission.',
        AllowedPattern: '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      },
      ComplianceExportPrefix: {
        Type: 'String',
        Default: defaults?.complianceExport?.prefix ?? 'alert-whisperer',
        Description: 'Key prefix of the export; the role may write only under it.',
        AllowedPattern: "^[A-Za-z0-9!_.*'()/-]{1,200}$",
      },
    },
    Conditions: {
      ComplianceExportOn: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ComplianceExportBucket' }, ''] }] },
    },
    Resources: {
      PlatformRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: PLATFORM_ROLE_NAME,
          Description: 'Assumed by Alert Whisperer (15-minute sessions) to manage SSM in this account.',
          MaxSessionDuration: MAX_SESSION_DURATION,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: sub('arn:${AWS::Partition}:iam::${TrustedAccountId}:root') },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'AlertWhispererSsm',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'ReadSsm',
                    Effect: 'Allow',
                    Action: [
                      'ssm:DescribeInstanceInformation',
                      'ssm:DescribeActivations',
                      'ssm:ListCommandInvocations',
                      'ssm:GetCommandInvocation',
                    ],
                    Resource: '*',
                  },
                  {
                    Sid: 'HybridActivations',
                    Effect: 'Allow',
                    Action: ['ssm:CreateActivation', 'ssm:DeleteActivation', 'ssm:AddTagsToResource'],
                    Resource: '*',
                  },
                  {
                    Sid: 'RunCommand',
                    Effect: 'Allow',
                    Action: 'ssm:SendCommand',
                    Resource: [
                      sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:managed-instance/*'),
                      sub('arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*'),
                      sub('arn:${AWS::Partition}:ssm:*::document/AWS-RunShellScript'),
                      sub('arn:${AWS::Partition}:ssm:*::document/AWS-RunPowerShellScript'),
                      sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:document/MSP-*'),
                    ],
                  },
                  {
                    Sid: 'MspDocuments',
                    Effect: 'Allow',
                    Action: ['ssm:CreateDocument', 'ssm:UpdateDocument', 'ssm:DeleteDocument'],
                    Resource: sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:document/MSP-*'),
                  },
                  {
                    Sid: 'StartAutomation',
                    Effect: 'Allow',
                    Action: 'ssm:StartAutomationExecution',
                    Resource: [
                      sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:automation-definition/MSP-*:*'),
                      sub('arn:${AWS::Partition}:ssm:*:*:automation-definition/AWS-RestartEC2Instance:*'),
                    ],
                  },
                  {
                    Sid: 'ControlAutomation',
                    Effect: 'Allow',
                    Action: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'],
                    Resource: sub('arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:automation-execution/*'),
                  },
                  {
                    Sid: 'PatchCompliance',
                    Effect: 'Allow',
                    Action: [
                      'ssm:DescribeInstancePatchStates',
                      'ssm:DescribeInstancePatches',
                      'ssm:DescribePatchBaselines',
                      'ssm:ListComplianceSummaries',
                      'ssm:ListResourceComplianceSummaries',
                    ],
                    Resource: '*',
                  },
                  {
                    Sid: 'PassSsmRoles',
                    Effect: 'Allow',
                    Action: 'iam:PassRole',
                    Resource: [
                      { 'Fn::GetAtt': ['HybridRole', 'Arn'] },
                      { 'Fn::GetAtt': ['AutomationRole', 'Arn'] },
                    ],
                    Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
                  },
                ],
              },
            },
            {
              'Fn::If': [
                'ComplianceExportOn',
                {
                  PolicyName: 'AlertWhispererComplianceExport',
                  PolicyDocument: {
                    Version: '2012-10-17',
                    Statement: [
                      {
                        Sid: 'ComplianceExport',
                        Effect: 'Allow',
                        Action: 's3:PutObject',
                        Resource: sub(
                          'arn:${AWS::Partition}:s3:::${ComplianceExportBucket}/${ComplianceExportPrefix}/*',
                        ),
                      },
                    ],
                  },
                },
                { Ref: 'AWS::NoValue' },
              ],
            },
          ],
        },
      },
      HybridRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: HYBRID_ROLE_NAME,
          Description: 'Given by SSM to on-premises servers registered with a hybrid activation.',
          AssumeRolePolicyDocument: ssmTrust,
          ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore')],
        },
      },
      AutomationRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: AUTOMATION_ROLE_NAME,
          Description: 'Passed as AutomationAssumeRole to the runbooks Alert Whisperer starts.',
          AssumeRolePolicyDocument: ssmTrust,
          ManagedPolicyArns: [
            sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonSSMAutomationRole'),
          ],
        },
      },
    },
    Outputs: {
      RoleArn: {
        Description: 'Paste this role ARN into Alert Whisperer.',
        Value: { 'Fn::GetAtt': ['PlatformRole', 'Arn'] },
      },
      HybridRoleName: { Description: 'IAM role of hybrid activations.', Value: { Ref: 'HybridRole' } },
      AutomationRoleArn: {
        Description: 'AutomationAssumeRole of runbooks.',
        Value: { 'Fn::GetAtt': ['AutomationRole', 'Arn'] },
      },
    },
  };
}

/** The CloudFormation console's quick-create link with the template and the parameters pre-filled. */
export function quickCreateUrl(opts: {
  templateUrl: string;
  region: string;
  externalId: string;
  mspAccountId: string;
  stackName?: string;
}): string {
  const q = new URLSearchParams({
    templateURL: opts.templateUrl,
    stackName: opts.stackName ?? STACK_NAME,
    param_ExternalId: opts.externalId,
    param_TrustedAccountId: opts.mspAccountId,
  });
  return `https://${opts.region}.console.aws.amazon.com/cloudformation/home?region=${encodeURIComponent(opts.region)}#/stacks/quickcreate?${q.toString()}`;
}

/** A root module that calls the Terraform module shipped in packages/aws/terraform. */
export function terraformUsage(opts: {
  externalId: string;
  mspAccountId: string;
  region: string;
  source?: string;
}): string {
  const source = opts.source ?? 'github.com/alert-whisperer/alert-whisperer//packages/aws/terraform';
  return `provider "aws" {
  region = "${opts.region}"
}

module "alert_whisperer" {
  source             = "${source}"
  external_id        = "${opts.externalId}"
  trusted_account_id = "${opts.mspAccountId}"
}

output "alert_whisperer_role_arn" {
  value = module.alert_whisperer.role_arn
}
`;
}

/** The account id and role names the platform uses, derived from the role ARN the client pasted. */
export function rolesFromArn(roleArn: string): {
  accountId: string;
  hybridRoleName: string;
  automationRoleArn: string;
} {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw new Error(`not an IAM role ARN: ${roleArn}`);
  return {
    accountId: m[2]!,
    hybridRoleName: HYBRID_ROLE_NAME,
    automationRoleArn: `arn:${m[1]}:iam::${m[2]}:role/${AUTOMATION_ROLE_NAME}`,
  };
}

export const ROLE_ARN =
  /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
