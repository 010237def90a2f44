// Conditions the way Kubernetes API conventions describe them: one per type, lastTransitionTime
// moves only when the status flips, observedGeneration says which spec the condition is about.
import type { Condition, ConditionStatus } from './types.ts';

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
}

export function setConditions(
  existing: Condition[] | undefined,
  updates: ConditionInput[],
  generation: number | undefined,
  now: Date,
): Condition[] {
  const out = [...(existing ?? [])];
  for (const u of updates) {
    const i = out.findIndex((c) => c.type === u.type);
    const prev = i >= 0 ? out[i] : undefined;
    const next: Condition = {
      type: u.type,
      status: u.status,
      reason: u.reason,
      message: u.message ?? '',
      lastTransitionTime: prev && prev.status === u.status ? prev.lastTransitionTime : now.toISOString(),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
    if (i >= 0) out[i] = next;
    else out.push(next);
  }
  return out;
}

export function conditionOf(list: Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}
