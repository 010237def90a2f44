import { isAppError } from '@aw/core/errors';

export interface FormState {
  error: string | null;
  fields?: Record<string, string>;
  done?: boolean;
}

/** Turns a service error into what a form shows: a message and the field it belongs to. */
export function formError(e: unknown): FormState {
  if (isAppError(e)) {
    return {
      error: e.message,
      fields: Object.fromEntries(e.problems.map((p) => [p.field, p.reason])),
    };
  }
  throw e;
}
