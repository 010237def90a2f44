# Alert Whisperer cross-account access, the same resources as the CloudFormation template:
# the platform role (trusted by the MSP's account only with the company's External ID), the SSM
# hybrid activation role and the SSM automation role.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  ssm_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ssm.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ssm:*:${local.account_id}:*" }
      }
    }]
  })
}

resource "aws_iam_role" "platform" {
  name                 = "AlertWhisperer-Access"
  description          = "Assumed by Alert Whisperer (15-minute sessions) to manage SSM in this account."
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${var.trusted_account_id}:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}

# Optional: the daily patch compliance export may write only under its prefix, and only when a
# bucket is given.
resource "aws_iam_role_policy" "compliance_export" {
  count = var.compliance_export_bucket == "" ? 0 : 1
  name  = "AlertWhispererComplianceExport"
  role  = aws_iam_role.platform.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ComplianceExport"
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "arn:${local.partition}:s3:::${var.compliance_export_bucket}/${var.compliance_export_prefix}/*"
    }]
  })
}

resource "aws_iam_role_policy" "platform" {
  name = "AlertWhispererSsm"
  role = aws_iam_role.platform.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ReadSsm"
        Effect = "Allow"
        Action = [
          "ssm:DescribeInstanceInformation",
          "ssm:DescribeActivations",
          "ssm:ListCommandInvocations",
          "ssm:GetCommandInvocation",
        ]
        Resource = "*"
      },
      {
        Sid      = "HybridActivations"
        Effect   = "Allow"
        Action   = ["ssm:CreateActivation", "ssm:DeleteActivation", "ssm:AddTagsToResource"]
        Resource = "*"
      },
      {
        Sid    = "RunCommand"
        Effect = "Allow"
        Action = "ssm:SendCommand"
        Resource = [
          "arn:${local.partition}:ssm:*:${local.account_id}:managed-instance/*",
          "arn:${local.partition}:ec2:*:${local.account_id}:instance/*",
          "arn:${local.partition}:ssm:*::document/AWS-RunShellScript",
          "arn:${local.partition}:ssm:*::document/AWS-RunPowerShellScript",
          "arn:${local.partition}:ssm:*:${local.account_id}:document/MSP-*",
        ]
      },
      {
        Sid      = "MspDocuments"
        Effect   = "Allow"
        Action   = ["ssm:CreateDocument", "ssm:UpdateDocument", "ssm:DeleteDocument"]
        Resource = "arn:${local.partition}:ssm:*:${local.account_id}:document/MSP-*"
      },
      {
        Sid    = "StartAutomation"
        Effect = "Allow"
        Action = "ssm:StartAutomationExecution"
        Resource = [
          "arn:${local.partition}:ssm:*:${local.account_id}:automation-definition/MSP-*:*",
          "arn:${local.partition}:ssm:*:*:automation-definition/AWS-RestartEC2Instance:*",
        ]
      },
      {
        Sid      = "ControlAutomation"
        Effect   = "Allow"
        Action   = ["ssm:GetAutomationExecution", "ssm:StopAutomationExecution"]
        Resource = "arn:${local.partition}:ssm:*:${local.account_id}:automation-execution/*"
      },
      {
        Sid    = "PatchCompliance"
        Effect = "Allow"
        Action = [
          "ssm:DescribeInstancePatchStates",
          "ssm:DescribeInstancePatches",
          "ssm:DescribePatchBaselines",
          "ssm:ListComplianceSummaries",
          "ssm:ListResourceComplianceSummaries",
        ]
        Resource = "*"
      },
      {
        Sid       = "PassSsmRoles"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = [aws_iam_role.hybrid.arn, aws_iam_role.automation.arn]
        Condition = { StringEquals = { "iam:PassedToService" = "ssm.amazonaws.com" } }
      },
    ]
  })
}

resource "aws_iam_role" "hybrid" {
  name               = "AlertWhisperer-SSMHybrid"
  description        = "Given by SSM to on-premises servers registered with a hybrid activation."
  assume_role_policy = local.ssm_trust
}

resource "aws_iam_role_policy_attachment" "hybrid_core" {
  role       = aws_iam_role.hybrid.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role" "automation" {
  name               = "AlertWhisperer-Automation"
  description        = "Passed as AutomationAssumeRole to the runbooks Alert Whisperer starts."
  assume_role_policy = local.ssm_trust
}

resource "aws_iam_role_policy_attachment" "automation" {
  role       = aws_iam_role.automation.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonSSMAutomationRole"
}
