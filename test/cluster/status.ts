// metav1.Status failures, shaped and worded like k8s.io/apimachinery/pkg/api/errors.
import type { Obj } from './util.js';

export type StatusReason =
  | 'NotFound'
  | 'Forbidden'
  | 'Unauthorized'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'TooManyRequests'
  | 'Gone'
  | 'Expired';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
  retryAfterSeconds?: number;
}

/** A failure the API answers with: HTTP code + metav1.Status body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason | '',
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Obj {
    const s: Obj = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message };
    if (this.reason) s.reason = this.reason;
    if (this.details && Object.keys(this.details).length > 0) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

/** `schema.GroupResource.String()`: "pods", "podmetrics.metrics.k8s.io". */
export function qualified(resource: string, group = ''): string {
  return group ? `${resource}.${group}` : resource;
}

function details(resource: string, group: string, name?: string): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (group) d.group = group;
  d.kind = resource;
  return d;
}

export const notFound = (resource: string, name: string, group = ''): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, details(resource, group, name));

export const alreadyExists = (resource: string, name: string, group = ''): ApiError =>
  new ApiError(
    409,
    'AlreadyExists',
    `${qualified(resource, group)} "${name}" already exists`,
    details(resource, group, name),
  );

export const conflict = (resource: string, name: string, why: string, group = ''): ApiError =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`,
    details(resource, group, name),
  );

/** errors.NewForbidden: `pods "x" is forbidden: <why>` (`pods is forbidden: …` without a name). */
export function forbidden(resource: string, name: string | undefined, why: string, group = ''): ApiError {
  const q = qualified(resource, group);
  const msg = name ? `${q} "${name}" is forbidden: ${why}` : `${q} is forbidden: ${why}`;
  return new ApiError(403, 'Forbidden', msg, details(resource, group, name));
}

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized', 'Unauthorized');

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const methodNotAllowed = (): ApiError =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const internalError = (why: string): ApiError =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${why}`, { causes: [{ message: why }] });

export const serviceUnavailable = (message = 'service unavailable'): ApiError =>
  new ApiError(503, 'ServiceUnavailable', message);

export const timeoutError = (): ApiError =>
  new ApiError(
    504,
    'Timeout',
    'the server was unable to return a response in the time allotted, but may still be processing the request',
  );

export const tooManyRequests = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });

/** The generic 404 of a path no handler serves (apiserver's NotFound handler). */
export const pathNotFound = (): ApiError =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export interface FieldError {
  field: string;
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueDuplicate`, `FieldValueNotSupported`, `FieldValueNotFound`. */
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueDuplicate'
    | 'FieldValueNotSupported'
    | 'FieldValueNotFound'
    | 'FieldValueForbidden';
  /** The detail after the type text, e.g. `Invalid value: "X": a lowercase RFC 1123 …`. */
  message: string;
}

/** errors.NewInvalid: `Pod "x" is invalid: spec.containers[0].image: Required value` (422). */
export function invalid(kind: string, name: string, errs: FieldError[], group = ''): ApiError {
  const parts = errs.map((e) => `${e.field}: ${e.message}`);
  const joined = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  const d: StatusDetails = { name };
  if (group) d.group = group;
  d.kind = kind;
  d.causes = errs.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, d);
}
