import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installCommands } from './install-commands.ts';
import {
  AUTOMATION_ROLE_NAME,
  cloudFormationTemplate,
  HYBRID_ROLE_NAME,
  PLATFORM_ROLE_NAME,
  quickCreateUrl,
  rolesFromArn,
  terraformUsage,
} from './template.ts';

const TF_DIR = path.resolve(import.meta.dirname, '../terraform');
const tpl = cloudFormationTemplate({ externalId: 'aw-0123456789abcdef', mspAccountId: '111122223333' });
type Statement = { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const statements = (
  tpl.Resources.PlatformRole!.Properties.Policies as unknown as {
    PolicyDocument: { Statement: Statement[] };
  }[]
)[0]!.PolicyDocument.Statement;
const list = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);
const cfnActions = statements.flatMap((s) => list(s.Action)).sort();

describe('CloudFormation template', () => {
  it('trusts only the MSP account with the External ID, for at most an hour', () => {
    const role = tpl.Resources.PlatformRole!.Properties;
    expect(role.RoleName).toBe(PLATFORM_ROLE_NAME);
    expect(role.MaxSessionDuration).toBe(3600);
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${TrustedAccountId}:root' } },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
        },
      ],
    });
    expect(tpl.Parameters.ExternalId!.Default).toBe('aw-0123456789abcdef');
    expect(tpl.Parameters.TrustedAccountId!.Default).toBe('111122223333');
    expect(cloudFormationTemplate().Parameters.ExternalId!.Default).toBeUndefined();
    expect(tpl.Outputs.RoleArn!.Value).toEqual({ 'Fn::GetAtt': ['PlatformRole', 'Arn'] });
  });

  it('grants the least privilege the issue lists', () => {
    expect(cfnActions).toEqual(
      [
        'ssm:DescribeInstanceInformation',
        'ssm:DescribeActivations',
        'ssm:ListCommandInvocations',
        'ssm:GetCommandInvocation',
        'ssm:CreateActivation',
        'ssm:DeleteActivation',
        'ssm:AddTagsToResource',
        'ssm:SendCommand',
        'ssm:CreateDocument',
        'ssm:UpdateDocument',
        'ssm:DeleteDocument',
        'ssm:StartAutomationExecution',
        'ssm:GetAutomationExecution',
        'ssm:StopAutomationExecution',
        'ssm:DescribeInstancePatchStates',
        'ssm:DescribeInstancePatches',
        'ssm:DescribePatchBaselines',
        'ssm:ListComplianceSummaries',
        'ssm:ListResourceComplianceSummaries',
        'iam:PassRole',
      ].sort(),
    );
    const send = statements.find((s) => s.Sid === 'RunCommand')!;
    expect(JSON.stringify(send.Resource)).toMatch(
      /managed-instance\/\*.*ec2:\*.*instance\/\*.*AWS-RunShellScript.*AWS-RunPowerShellScript.*document\/MSP-\*/,
    );
    expect(JSON.stringify(statements.find((s) => s.Sid === 'StartAutomation')!.Resource)).toMatch(
      /automation-definition\/MSP-\*.*automation-definition\/AWS-RestartEC2Instance/,
    );
    const pass = statements.find((s) => s.Sid === 'PassSsmRoles')!;
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
    expect(pass.Resource).toEqual([
      { 'Fn::GetAtt': ['HybridRole', 'Arn'] },
      { 'Fn::GetAtt': ['AutomationRole', 'Arn'] },
    ]);
  });

  it('creates the hybrid and automation roles trusted by SSM with source conditions', () => {
    for (const [id, name, policy] of [
      ['HybridRole', HYBRID_ROLE_NAME, 'AmazonSSMManagedInstanceCore'],
      ['AutomationRole', AUTOMATION_ROLE_NAME, 'service-role/AmazonSSMAutomationRole'],
    ] as const) {
      const p = tpl.Resources[id]!.Properties;
      expect(p.RoleName).toBe(name);
      const trust = JSON.stringify(p.AssumeRolePolicyDocument);
      expect(trust).toContain('"Service":"ssm.amazonaws.com"');
      expect(trust).toContain('"aws:SourceAccount"');
      expect(trust).toContain('"aws:SourceArn"');
      expect(JSON.stringify(p.ManagedPolicyArns)).toContain(`:iam::aws:policy/${policy}`);
    }
    expect(rolesFromArn('arn:aws:iam::444455556666:role/AlertWhisperer-Access')).toEqual({
      accountId: '444455556666',
      hybridRoleName: HYBRID_ROLE_NAME,
      automationRoleArn: `arn:aws:iam::444455556666:role/${AUTOMATION_ROLE_NAME}`,
    });
  });

  it('builds the quick-create console URL with the template and External ID pre-filled', () => {
    const url = new URL(
      quickCreateUrl({
        templateUrl: 'https://bucket.s3.amazonaws.com/aw/role.json',
        region: 'eu-central-1',
        externalId: 'aw-0123456789abcdef',
        mspAccountId: '111122223333',
      }),
    );
    expect(url.host).toBe('eu-central-1.console.aws.amazon.com');
    expect(url.searchParams.get('region')).toBe('eu-central-1');
    const [route, query] = url.hash.slice(1).split('?');
    expect(route).toBe('/stacks/quickcreate');
    const q = new URLSearchParams(query);
    expect(q.get('templateURL')).toBe('https://bucket.s3.amazonaws.com/aw/role.json');
    expect(q.get('stackName')).toBe('AlertWhisperer');
    expect(q.get('param_ExternalId')).toBe('aw-0123456789abcdef');
    expect(q.get('param_TrustedAccountId')).toBe('111122223333');
  });
});

describe('Terraform module', () => {
  const main = readFileSync(path.join(TF_DIR, 'main.tf'), 'utf8');

  it('is terraform fmt clean, and so is the generated usage', () => {
    // terraform is part of the toolchain (preinstalled on dev and CI machines); say so if missing.
    try {
      execFileSync('terraform', ['version'], { stdio: 'pipe' });
    } catch {
      throw new Error('terraform is not on PATH: install HashiCorp Terraform to check the module format');
    }
    execFileSync('terraform', ['fmt', '-check', '-recursive', TF_DIR], { stdio: 'pipe' });
    const dir = mkdtempSync(path.join(tmpdir(), 'aw-tf-'));
    try {
      writeFileSync(
        path.join(dir, 'main.tf'),
        terraformUsage({
          externalId: 'aw-0123456789abcdef',
          mspAccountId: '111122223333',
          region: 'us-east-1',
        }),
      );
      execFileSync('terraform', ['fmt', '-check', dir], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares the same roles, actions and conditions as the CloudFormation template', () => {
    const resources = [...main.matchAll(/^resource "([\w]+)" "([\w]+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
    expect(resources.sort()).toEqual(
      [
        'aws_iam_role.platform',
        'aws_iam_role_policy.platform',
        'aws_iam_role_policy.compliance_export',
        'aws_iam_role.hybrid',
        'aws_iam_role_policy_attachment.hybrid_core',
        'aws_iam_role.automation',
        'aws_iam_role_policy_attachment.automation',
      ].sort(),
    );
    const policy = main.slice(main.indexOf('resource "aws_iam_role_policy" "platform"'));
    const tfActions = [...policy.matchAll(/Action\s*=\s*(\[[^\]]*\]|"[^"]*")/g)].flatMap((m) =>
      [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!),
    );
    expect(tfActions.sort()).toEqual(cfnActions);
    for (const name of [PLATFORM_ROLE_NAME, HYBRID_ROLE_NAME, AUTOMATION_ROLE_NAME])
      expect(main).toContain(`"${name}"`);
    expect(main).toMatch(/max_session_duration = 3600/);
    expect(main).toMatch(/"sts:ExternalId" = var\.external_id/);
    expect(main).toMatch(/"iam:PassedToService" = "ssm\.amazonaws\.com"/);
    expect(main).toMatch(/"aws:SourceAccount"/);
    expect(main).toMatch(/"aws:SourceArn"/);
    for (const r of [
      'managed-instance/*',
      'instance/*',
      'document/AWS-RunShellScript',
      'document/AWS-RunPowerShellScript',
      'document/MSP-*',
      'automation-definition/MSP-*:*',
      'automation-definition/AWS-RestartEC2Instance:*',
      'automation-execution/*',
    ])
      expect(main).toContain(r);
    // The export's S3 permission: its own policy, only with a bucket, only under the prefix.
    const exportPolicy = main.slice(
      main.indexOf('resource "aws_iam_role_policy" "compliance_export"'),
      main.indexOf('resource "aws_iam_role_policy" "platform"'),
    );
    expect(exportPolicy).toMatch(/count = var\.compliance_export_bucket == "" \? 0 : 1/);
    expect(exportPolicy).toMatch(/Action\s+= "s3:PutObject"/);
    expect(exportPolicy).toContain(
      'Resource = "arn:${local.partition}:s3:::${var.compliance_export_bucket}/${var.compliance_export_prefix}/*"',
    );
    const vars = readFileSync(path.join(TF_DIR, 'variables.tf'), 'utf8');
    expect(vars).toContain('variable "compliance_export_bucket"');
    expect(vars).toContain('variable "external_id"');
    expect(vars).toContain('variable "trusted_account_id"');
    expect(readFileSync(path.join(TF_DIR, 'outputs.tf'), 'utf8')).toContain('output "role_arn"');
  });
});

describe('install commands', () => {
  it('registers the agent with the activation on Linux and Windows', () => {
    const c = installCommands({
      activationCode: 'AbC+/x1',
      activationId: '6f1c3c6e-0000-4000-8000-000000000001',
      region: 'eu-west-1',
    });
    expect(c.linux).toContain(
      'CODE="AbC+/x1"; ID="6f1c3c6e-0000-4000-8000-000000000001"; REGION="eu-west-1"',
    );
    expect(c.linux).toContain('sudo amazon-ssm-agent -register -code "$CODE" -id "$ID" -region "$REGION"');
    expect(c.windows).toContain('amazon-ssm-agent.exe" -register -code $code -id $id -region $region');
    expect(() =>
      installCommands({ activationCode: 'x"; rm -rf /', activationId: 'a', region: 'r' }),
    ).toThrow();
  });
});
