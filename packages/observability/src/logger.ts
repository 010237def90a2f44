// Structured JSON logs (one object per line on stdout) for the server processes.
import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export function createJsonLogger(
  o: { name: string; level?: string; destination?: DestinationStream } = { name: 'aw' },
): Logger {
  return pino(
    {
      name: o.name,
      level: o.level ?? 'info',
      base: { pid: process.pid, role: o.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    o.destination,
  );
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's X-Request-Id when it is a plain token, else a fresh one (never a header injection). */
export function requestIdFrom(header: string | string[] | null | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && REQUEST_ID.test(v) ? v : randomUUID();
}
