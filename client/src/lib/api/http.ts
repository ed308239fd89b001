/**
 * The one place the client talks HTTP to Plenary's API. Every failure becomes an `ApiError` with
 * the server's `{ error, message }` when it sent one; a request that never reached the server is an
 * ApiError with status 0, so callers can tell "refused" from "unreachable" without try/catch chains.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server answered and said no (bad token, wrong room, unknown room). */
  get refused(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
  }

  /** The server could not be reached at all. */
  get unreachable(): boolean {
    return this.status === 0;
  }
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** `token` null: an unauthenticated request (an invitation code is its own secret). */
export async function requestJson<T>(method: Method, path: string, token: string | null, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store'
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'The server cannot be reached.');
  }
  // 204 and other empty answers are fine: callers of such routes do not read the body.
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const err = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    throw new ApiError(
      response.status,
      typeof err.error === 'string' ? err.error : `http-${response.status}`,
      typeof err.message === 'string' ? err.message : `The server answered ${response.status}.`
    );
  }
  return data as T;
}
