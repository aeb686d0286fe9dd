import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ObjectStore } from "./object-store";
import { assertTtl } from "./signed-url-ttl";

export interface S3ObjectStoreOptions {
  /** Unset: AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  /** Used when a template names no bucket. */
  bucket: string;
  /** Both or neither; neither means the SDK's default chain (env, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Gives up on a store that accepts the connection but never answers. Default 30 s. */
  requestTimeoutMs?: number;
  /** Default 5 s. */
  connectionTimeoutMs?: number;
}

/** Readiness probes poll every few seconds; one that waited out the request timeout would pile up. */
const PING_TIMEOUT_MS = 3_000;

export interface S3ObjectStore extends ObjectStore {
  readonly driver: "s3";
}

export function createS3ObjectStore(options: S3ObjectStoreOptions): S3ObjectStore {
  const { accessKeyId, secretAccessKey } = options;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error("S3 credentials need both an access key id and a secret access key, or neither");
  }
  if (options.bucket.length === 0) throw new Error("the S3 store needs a default bucket");
  const config: S3ClientConfig = {
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    // Retries belong to putWithRetry, which logs and counts them; SDK retries underneath
    // would multiply its attempts and hide failures.
    maxAttempts: 1,
    // The SDK's default of checksumming every request breaks many S3-compatible stores
    // (older MinIO, Ceph RGW, several cloud OSS services); send checksums only where required.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    },
  };
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    config.credentials = { accessKeyId, secretAccessKey };
  }
  const client = new S3Client(config);

  return {
    driver: "s3",
    defaultBucket: options.bucket,

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: options.bucket }), { abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
    },

    async put({ bucket, key, body, contentType }) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }),
      );
    },

    // S3 answers 204 for a key it does not have, so a repeated delete succeeds.
    async delete(bucket, key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async signedGetUrl(bucket, key, ttlSeconds) {
      assertTtl(ttlSeconds);
      // X-Amz-Date has whole seconds; signing at a whole second makes expiresAt exactly what
      // the store will enforce.
      const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: ttlSeconds,
        signingDate,
      });
      return { url, expiresAt: new Date(signingDate.getTime() + ttlSeconds * 1000) };
    },

    async close() {
      client.destroy();
    },
  };
}
