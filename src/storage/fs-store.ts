import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { createObjectRequestHandler, OBJECTS_PATH_PREFIX, type ObjectRequestHandler } from "./fs-object-route";
import type { Logger } from "../logger";
import type { ObjectStore } from "./object-store";
import { assertBucketName, assertObjectKey, contentTypeOfKey, InvalidObjectNameError, objectPath } from "./object-names";
import { assertTtl } from "./signed-url-ttl";
import { signObject } from "./url-signature";

export { loadOrCreateSigningKey } from "./signing-key";

/** Where the fs store puts the images of templates that name no bucket. */
export const FS_DEFAULT_BUCKET = "livesnap";

export interface FsObjectStoreOptions {
  /** Objects live in `rootDir/<bucket>/<key>`. */
  rootDir: string;
  /** Where livesnap's HTTP listener is reachable by clients, e.g. `http://127.0.0.1:4000`. */
  publicBaseUrl: string;
  signingKey: Buffer;
  defaultBucket?: string;
  /** Receives failures of the object route that the client only sees as a 500. */
  logger?: Logger;
}

export interface FsObjectStore extends ObjectStore {
  readonly driver: "fs";
  readonly rootDir: string;
  /** Serves signed URLs; resolves false when the request is not for /objects/. */
  handleObjectRequest: ObjectRequestHandler;
}

export function createFsObjectStore(options: FsObjectStoreOptions): FsObjectStore {
  const rootDir = resolve(options.rootDir);
  const defaultBucket = assertBucketName(options.defaultBucket ?? FS_DEFAULT_BUCKET);
  const baseUrl = parseBaseUrl(options.publicBaseUrl);
  if (options.signingKey.length < 32) throw new Error("the URL signing key must be at least 32 bytes");
  const signingKey = Buffer.from(options.signingKey);

  return {
    driver: "fs",
    defaultBucket,
    rootDir,
    handleObjectRequest: createObjectRequestHandler({ rootDir, signingKey, logger: options.logger }),

    // A folder on the local disk has no outage of its own to report.
    async ping() {},

    async put({ bucket, key, body, contentType }) {
      const path = objectPath(rootDir, bucket, key);
      const servedType = contentTypeOfKey(key);
      if (contentType !== servedType) {
        throw new InvalidObjectNameError(
          `the fs store serves ${key} as ${servedType} (from its extension), not ${contentType}`,
        );
      }
      await writeAtomically(path, body);
    },

    async delete(bucket, key) {
      // objectPath refuses any name that would resolve outside rootDir; force: a missing file is success.
      // Emptied date folders stay: removing one could race a put creating its next image there.
      await rm(objectPath(rootDir, bucket, key), { force: true });
    },

    async signedGetUrl(bucket, key, ttlSeconds) {
      assertBucketName(bucket);
      assertObjectKey(key);
      assertTtl(ttlSeconds);
      const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
      const signature = signObject(signingKey, bucket, key, expires);
      const path = [bucket, ...key.split("/")].map(encodeURIComponent).join("/");
      return {
        url: `${baseUrl}${OBJECTS_PATH_PREFIX}${path}?expires=${expires}&signature=${signature}`,
        expiresAt: new Date(expires * 1000),
      };
    },

    async close() {},
  };
}

/**
 * Readers either see the previous complete file or the new one: the bytes go to a temporary
 * file in the same directory (same file system, so rename is atomic) and are flushed before
 * the rename, so a crash cannot leave a truncated image under the real name.
 */
async function writeAtomically(path: string, body: Buffer): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const file = await open(temp, "wx", 0o644);
    try {
      await file.writeFile(body);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function parseBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`publicBaseUrl ${JSON.stringify(input)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`publicBaseUrl ${JSON.stringify(input)} must be http or https`);
  }
  if (url.search || url.hash) throw new Error(`publicBaseUrl ${JSON.stringify(input)} must not have a query or fragment`);
  return url.toString().replace(/\/+$/, "");
}
