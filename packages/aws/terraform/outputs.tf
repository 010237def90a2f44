output "role_arn" {
  description = "Paste this role ARN into Alert Whisperer."
  value       = aws_iam_role.platform.arn
}

output "hybrid_role_name" {
  description = "IAM role of hybrid activations."
  value       = aws_iam_role.hybrid.name
}

output "automation_role_arn" {
  description = "AutomationAssumeRole of runbooks."
  value       = aws_iam_role.automation.arn
}
