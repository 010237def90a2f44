// A tiny logger that honours LOG_LEVEL: lines below the level are dropped.
import { readEnv } from './index.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const SINK = { debug: console.debug, info: console.log, warn: console.warn, error: console.error };

/**
 * `[scope] message data` lines on the console. The level is LOG_LEVEL (read on the first line, so
 * importing a module never fails on the environment) unless `opts.level` is given.
 */
export function createLogger(
  scope: string,
  opts: { level?: LogLevel; sink?: Partial<typeof SINK> } = {},
): Logger {
  let min: number | undefined = opts.level ? RANK[opts.level] : undefined;
  const sink = { ...SINK, ...opts.sink };
  const line = (level: LogLevel) => (msg: string, data?: Record<string, unknown>) => {
    min ??= RANK[readEnv(['LOG_LEVEL']).LOG_LEVEL];
    if (RANK[level] < min) return;
    if (data === undefined) sink[level](`[${scope}] ${msg}`);
    else sink[level](`[${scope}] ${msg}`, data);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
