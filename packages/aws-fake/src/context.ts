// What the fake's service modules (sts.ts, ssm-*.ts) need of the FakeAws that routes to them: its
// state and clock, its IAM decision, and the scripted outcomes.
import type { PolicyDocument } from './policy.ts';
import type { AutomationBehaviour, CommandBehaviour } from './ssm-behaviour.ts';
import type { FakeAccount, FakeKey, FakeRegion, FakeState } from './state.ts';

/** Who signed a request: the key, the region it signed for, its account and the policies that decide. */
export interface Caller {
  key: FakeKey;
  region: string;
  account: FakeAccount;
  policies: PolicyDocument[];
}

/** An SSM request body (AWS JSON 1.1). */
export type SsmInput = Record<string, unknown>;

export interface ServiceContext {
  state: FakeState;
  /** Clock in epoch milliseconds. */
  now: () => number;
  /** How long each Run Command / Automation status step lasts. */
  stepMs: number;
  /** The account's region, created empty on first use; throws for an unknown account. */
  region(accountId: string, region: string): FakeRegion;
  /** Throws the service's access-denied error unless the caller's policies allow the action. */
  authorize(caller: Caller, action: string, resource: string, context?: Record<string, string>): void;
  /** Reports a change of state (the demo persists it). */
  changed(): void;
  commandBehaviour?: CommandBehaviour;
  automationBehaviour?: AutomationBehaviour;
}
