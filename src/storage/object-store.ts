/** Where snapshot images are kept: the embedded folder store or any S3-compatible service. */
export interface ObjectStore {
  readonly driver: "fs" | "s3";
  /** Bucket used when a template names none. */
  readonly defaultBucket: string;
  /** Stores (or overwrites) one object; retries are the caller's business. */
  put(object: { bucket: string; key: string; body: Buffer; contentType: string }): Promise<void>;
  /** Removes one object; one that is not there counts as removed. */
  delete(bucket: string, key: string): Promise<void>;
  /** A GET URL that works without credentials until `expiresAt`. */
  signedGetUrl(bucket: string, key: string, ttlSeconds: number): Promise<{ url: string; expiresAt: Date }>;
  /** Resolves while the store answers; rejects (within seconds) while it does not. For /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
