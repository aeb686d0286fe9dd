import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Query argument of the play URL that carries the token. */
export const CAPTURE_TOKEN_PARAM = "capture";

export interface CaptureTokens {
  /** The token that lets capture play this stream path while this publisher publishes it. */
  sign(streamPath: string, publisherId: string): string;
  verify(streamPath: string, publisherId: string, token: string): boolean;
}

/**
 * Tokens of livesnap's own capture for reading streams back from the embedded ingest. The key is
 * random and lives in this process only; a token is bound to one stream path and one publish, so
 * one seen in a process list or a log opens nothing else and dies with that publish.
 */
export function createCaptureTokens(): CaptureTokens {
  const key = randomBytes(32);
  const sign = (streamPath: string, publisherId: string) =>
    createHmac("sha256", key).update(`${streamPath}\n${publisherId}`).digest("base64url");
  return {
    sign,
    verify(streamPath, publisherId, token) {
      const expected = Buffer.from(sign(streamPath, publisherId));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
