/** The one error type at the HTTP boundary, turned into `{ error, message }` JSON in one place. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    /** Extra named facts for the client, e.g. field-level validation errors (REST API). */
    readonly details?: Record<string, unknown>
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorResponse(c: Context, err: unknown) {
  if (err instanceof HttpError) return c.json({ error: err.code, message: err.message, ...err.details }, err.status);
  return c.json({ error: 'internal', message: 'internal server error' }, 500);
}
