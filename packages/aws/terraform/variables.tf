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
