// AWS errors, translated into what a client admin can act on. AWS answers a wrong External ID and
// a role that does not trust the MSP with the same AccessDenied (on purpose: it reveals nothing to a
// confused deputy), so the message names both causes with the values to check.
import { AppError } from '@aw/core/errors';

export interface AwsErrorContext {
  roleArn?: string | null;
  externalId?: string;
  mspAccountId?: string | null;
  region?: string;
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'TimeoutError',
]);

export function awsErrorName(e: unknown): string {
  const err = e as SdkLikeError;
  return err?.name ?? err?.code ?? 'Error';
}

/** The AppError (code + actionable message) for an error thrown by an AWS SDK call. */
export function mapAwsError(e: unknown, ctx: AwsErrorContext = {}): AppError {
  if (e instanceof AppError) return e;
  const err = (e ?? {}) as SdkLikeError;
  const name = awsErrorName(e);
  const message = err.message ?? String(e);
  const region = ctx.region ?? 'the selected region';

  if ((name === 'AccessDenied' || name === 'AccessDeniedException') && /sts:AssumeRole/.test(message)) {
    return new AppError(
      'FORBIDDEN',
      `AWS refused to let the platform assume ${ctx.roleArn ?? 'the role'}. Either the External ID does not match ` +
        `(the role's trust policy must require sts:ExternalId "${ctx.externalId ?? '…'}" exactly: update the stack ` +
        `with this value), or the role does not trust the MSP's AWS account ${ctx.mspAccountId ?? ''} ` +
        `(check the role ARN and the trust policy's principal). AWS does not say which of the two it is.`,
    );
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnauthorizedOperation') {
    const action = /perform: ([\w-]+:[\w*]+)/.exec(message)?.[1];
    const resource = /on resource: (\S+)/.exec(message)?.[1];
    return new AppError(
      'FORBIDDEN',
      action
        ? `The Alert Whisperer role in your AWS account is missing the permission ${action}` +
            `${resource ? ` on ${resource}` : ''}. Update the CloudFormation stack (or Terraform module) to the current template, which grants it.`
        : `AWS denied the request: ${message}. Update the CloudFormation stack to the current template.`,
    );
  }
  if (name === 'ValidationError' && /durationSeconds|DurationSeconds/.test(message)) {
    return new AppError(
      'BAD_REQUEST',
      /MaxSessionDuration/.test(message)
        ? `The role's maximum session duration is shorter than the session the platform asked for. The template sets MaxSessionDuration to 3600 seconds; update the stack.`
        : `AWS rejected the session duration: role sessions must last 900 to 43200 seconds (the platform asks for 900). ${message}`,
    );
  }
  if (name === 'RegionDisabledException') {
    return new AppError(
      'FORBIDDEN',
      `Region ${region} is not enabled for this AWS account (STS is not activated there). Enable the region in the account's settings (Account → AWS Regions), or set the company to a region the account uses.`,
    );
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId') {
    return new AppError(
      'FORBIDDEN',
      `AWS did not accept the session in region ${region}. The region is probably not enabled for this account (opt-in regions must be enabled under Account → AWS Regions); otherwise the session was revoked. Enable the region or choose another one.`,
    );
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return new AppError('UNAVAILABLE', 'The 15-minute AWS session expired during the request. Try again.');
  }
  if (name === 'Throttling' || name === 'ThrottlingException' || name === 'TooManyUpdates') {
    return new AppError(
      'TOO_MANY_REQUESTS',
      'AWS is throttling requests for this account. Try again in a minute.',
      [],
      60,
    );
  }
  if (name === 'InvalidActivation' || name === 'InvalidActivationId') {
    return new AppError('NOT_FOUND', `AWS does not know this activation any more: ${message}`);
  }
  if (
    /^(ValidationError|ValidationException|InvalidParameters|InvalidFilter|InvalidNextToken|InvalidDocument.*|InvalidInstanceId|InvalidAutomation.*|AutomationDefinitionNotFoundException|DocumentAlreadyExists|DuplicateDocumentContent)$/.test(
      name,
    )
  ) {
    return new AppError('BAD_REQUEST', `AWS rejected the request (${name}): ${message}`);
  }
  if (
    NETWORK.has(name) ||
    NETWORK.has(String(err.code)) ||
    /ECONNREFUSED|ENOTFOUND|socket hang up/.test(message)
  ) {
    return new AppError('UNAVAILABLE', `Could not reach AWS (${region}): ${message}`);
  }
  return new AppError('UNAVAILABLE', `AWS error ${name}: ${message}`);
}
