// Errors that do not know the transport: packages throw AppError, and one formatter per transport
// (tRPC in the web app, JSON in route handlers) maps the code to a status.

export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface FieldProblem {
  field: string;
  reason: string;
}

export class AppError extends Error {
  constructor(
    public readonly code: AppErrorCode,
    message: string,
    public readonly problems: FieldProblem[] = [],
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** The JSON body every HTTP endpoint returns for an error. */
export function errorBody(e: AppError): {
  error: { code: AppErrorCode; message: string; problems?: FieldProblem[] };
} {
  return {
    error: { code: e.code, message: e.message, ...(e.problems.length ? { problems: e.problems } : {}) },
  };
}
