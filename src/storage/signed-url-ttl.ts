/** S3 refuses presigned URLs valid for longer than 7 days; the fs driver keeps the same limit. */
export const MAX_SIGNED_URL_TTL_SECONDS = 604_800;

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_SIGNED_URL_TTL_SECONDS) {
    throw new RangeError(`URL lifetime must be 1..${MAX_SIGNED_URL_TTL_SECONDS} whole seconds, got ${ttlSeconds}`);
  }
}
