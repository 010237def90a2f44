// The correlation settings form's state: from the stored config, validated back into a patch.
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '~/server/root';

export type Config = inferRouterOutputs<AppRouter>['correlation']['config'];
export type Backtest = inferRouterOutputs<AppRouter>['correlation']['backtest'];

const KEY_FIELDS = ['source', 'asset', 'signature', 'service', 'severity', 'summary'];

export interface FormState {
  windowMinutes: string;
  windowMode: 'FIXED' | 'ROLLING';
  maxSpanMinutes: string;
  aggregationKey: string;
  minAlertsToOpen: string;
  autoResolveQuietMinutes: string;
  autoCloseEnabled: boolean;
  autoCloseAfterMinutes: string;
  flapThreshold: string;
  flapWindowMinutes: string;
  /** Empty: the window. */
  eventTtlMinutes: string;
  staleAfterMinutes: string;
  sourceKinds: Config['sourceKinds'];
}

export const toForm = (c: Config): FormState => ({
  windowMinutes: String(c.windowMinutes),
  windowMode: c.windowMode,
  maxSpanMinutes: String(c.maxSpanMinutes),
  aggregationKey: c.aggregationKey,
  minAlertsToOpen: String(c.minAlertsToOpen),
  autoResolveQuietMinutes: String(c.autoResolveQuietMinutes),
  autoCloseEnabled: c.autoCloseAfterMinutes !== null,
  autoCloseAfterMinutes: String(c.autoCloseAfterMinutes ?? 1440),
  flapThreshold: String(c.flapThreshold),
  flapWindowMinutes: String(c.flapWindowMinutes),
  eventTtlMinutes: c.eventTtlMinutes === null ? '' : String(c.eventTtlMinutes),
  staleAfterMinutes: String(c.staleAfterMinutes),
  sourceKinds: c.sourceKinds,
});

type Errors = Partial<Record<keyof FormState, string>>;

function validKeyTemplate(t: string) {
  const parts = t.split('|').map((p) => p.trim());
  return (
    parts.length > 0 &&
    parts.length <= 6 &&
    parts.every((p) => KEY_FIELDS.includes(p) || /^label:[A-Za-z0-9_.\-/]{1,100}$/.test(p))
  );
}

/** The form as a config, or the problems per field (mirrors the server's bounds). */
export function parseForm(f: FormState): { config: Config | null; errors: Errors } {
  const errors: Errors = {};
  const int = (k: keyof FormState, min: number, max: number) => {
    const raw = String(f[k]).trim();
    const n = Number(raw);
    if (!raw || !Number.isInteger(n) || n < min || n > max) {
      errors[k] = `A whole number from ${min} to ${max}.`;
      return min;
    }
    return n;
  };
  const windowMinutes = int('windowMinutes', 1, 60);
  const maxSpanMinutes = int('maxSpanMinutes', 1, 10_080);
  if (!errors.maxSpanMinutes && !errors.windowMinutes && maxSpanMinutes < windowMinutes)
    errors.maxSpanMinutes = 'At least the window length.';
  if (!validKeyTemplate(f.aggregationKey))
    errors.aggregationKey = `Up to 6 fields separated by |: ${KEY_FIELDS.join(', ')} or label:<name>.`;
  const config: Config = {
    windowMinutes,
    windowMode: f.windowMode,
    maxSpanMinutes,
    aggregationKey: f.aggregationKey
      .split('|')
      .map((p) => p.trim())
      .join('|'),
    minAlertsToOpen: int('minAlertsToOpen', 1, 100),
    autoResolveQuietMinutes: int('autoResolveQuietMinutes', 0, 1440),
    autoCloseAfterMinutes: f.autoCloseEnabled ? int('autoCloseAfterMinutes', 1, 43_200) : null,
    flapThreshold: int('flapThreshold', 2, 100),
    flapWindowMinutes: int('flapWindowMinutes', 1, 1440),
    eventTtlMinutes: f.eventTtlMinutes.trim() === '' ? null : int('eventTtlMinutes', 1, 1440),
    staleAfterMinutes: int('staleAfterMinutes', 0, 43_200),
    sourceKinds: f.sourceKinds,
  };
  return { config: Object.keys(errors).length ? null : config, errors };
}
