// What the fake's Run Command and Automation executions do beyond the defaults: tests and the demo
// script outcomes (a failing or hanging command, a realistic output), and SSM's own check of
// parameters against a custom document's declared parameters and allowedPattern.
import { AwsError } from './server.ts';

export interface CommandOutcome {
  /** InProgress: the invocation never finishes (a hung script; the caller's timeout must act). */
  status: 'Success' | 'Failed' | 'InProgress';
  code?: number;
  stdout?: string;
  stderr?: string;
}

/** Decides one invocation's outcome; undefined keeps the fake's default. */
export type CommandBehaviour = (cmd: {
  accountId: string;
  documentName: string;
  instanceId: string;
  parameters: Record<string, string[]>;
}) => CommandOutcome | undefined;

export type AutomationBehaviour = (a: {
  accountId: string;
  documentName: string;
  parameters: Record<string, string[]>;
}) => { status: 'Success' | 'Failed'; failure?: string } | undefined;

interface DeclaredParameter {
  type?: string;
  default?: unknown;
  allowedPattern?: string;
}

/**
 * SSM's checks of a custom document's parameters at SendCommand / StartAutomationExecution:
 * unknown names, missing required values and values outside allowedPattern are InvalidParameters.
 */
export function checkCustomDocumentParameters(
  content: string,
  params: Record<string, string[]>,
  implicit: string[] = [],
): void {
  let declared: Record<string, DeclaredParameter> = {};
  try {
    declared = (JSON.parse(content) as { parameters?: Record<string, DeclaredParameter> }).parameters ?? {};
  } catch {
    return;
  }
  for (const [name, values] of Object.entries(params)) {
    const p = declared[name];
    if (!p) throw new AwsError('InvalidParameters', `Parameter "${name}" is not defined in the document.`);
    for (const v of values)
      if (p.allowedPattern && !new RegExp(p.allowedPattern).test(v))
        throw new AwsError(
          'InvalidParameters',
          `Parameter "${name}" "${v}" failed to satisfy constraint: AllowedPattern ${p.allowedPattern}`,
        );
  }
  for (const [name, p] of Object.entries(declared))
    if (!(name in params) && p.default === undefined && !implicit.includes(name))
      throw new AwsError('InvalidParameters', `Parameter "${name}" is required but not provided.`);
}
