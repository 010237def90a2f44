variable "external_id" {
  description = "The External ID Alert Whisperer shows for this company. Do not change it."
  type        = string
  validation {
    condition     = can(regex("^[\\w+=,.@:\\/-]{2,1224}$", var.external_id))
    error_message = "external_id must be 2-1224 characters of letters, digits and +=,.@:/-_."
  }
}

variable "trusted_account_id" {
  description = "The MSP's AWS account id that may assume the role."
  type        = string
  validation {
    condition     = can(regex("^\\d{12}$", var.trusted_account_id))
    error_message = "trusted_account_id must be a 12-digit AWS account id."
  }
}

variable "compliance_export_bucket" {
  description = "Optional S3 bucket for the daily patch compliance export; empty: no export and no S3 permission."
  type        = string
  default     = ""
  validation {
    condition     = var.compliance_export_bucket == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.compliance_export_bucket))
    error_message = "compliance_export_bucket must be empty or a valid S3 bucket name."
  }
}

variable "compliance_export_prefix" {
  description = "Key prefix of the compliance export; the role may write only under it."
  type        = string
  default     = "alert-whisperer"
}
