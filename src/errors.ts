/**
 * Errors thrown on purpose by domain code. The GraphQL layer turns them into GraphQL errors
 * with `extensions.code`; anything else is masked.
 */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "SERVICE_UNAVAILABLE";

export class LivesnapError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "LivesnapError";
  }
}

export const badInput = (field: string, message: string) => new LivesnapError("BAD_USER_INPUT", message, field);
export const notFound = (what: string, field?: string) => new LivesnapError("NOT_FOUND", `${what} not found`, field);
export const conflict = (message: string, field?: string) => new LivesnapError("CONFLICT", message, field);
export const unauthenticated = (message = "a valid API token is required") =>
  new LivesnapError("UNAUTHENTICATED", message);
export const forbidden = (message: string) => new LivesnapError("FORBIDDEN", message);
/** A part the operation needs (object store, database) failed; answered with HTTP 503. */
export const serviceUnavailable = (message: string) => new LivesnapError("SERVICE_UNAVAILABLE", message);

/** Too many requests or failed authentications: answered with HTTP 429 and Retry-After. */
export class RateLimitedError extends LivesnapError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("RATE_LIMITED", message);
    this.name = "RateLimitedError";
  }
}

export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new RateLimitedError(`${message}; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
