// Kubernetes `Status` failures, shaped as the real API server sends them.

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] },
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods "x" not found` / `sites.alertwhisperer.io "x" not found`. */
export function notFound(resource: string, group: string, kind: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${resource} "${name}" not found`, {
    name,
    group,
    kind: resource.split('.')[0],
  });
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${resource} "${name}" already exists`, {
    name,
    group,
    kind: resource.split('.')[0],
  });
}

export function conflict(resource: string, group: string, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource.split('.')[0] },
  );
}

export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const gk = group ? `${kind}.${group}` : kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return new ApiError(
    422,
    'Invalid',
    `${gk} "${name}" is invalid: ${causes.length > 1 ? `[${list}]` : list}`,
    {
      name,
      group,
      kind,
      causes,
    },
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}
