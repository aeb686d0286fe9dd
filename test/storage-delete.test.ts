import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsObjectStore, type FsObjectStore } from "../src/storage/fs-store";
import { InvalidObjectNameError } from "../src/storage/object-names";
import { createS3ObjectStore, type S3ObjectStore } from "../src/storage/s3-store";
import { objectExists } from "./support/retention-seed";
import { fakeJpeg } from "./support/storage-images";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "./support/storage-s3rver";

const KEY = "snapshot/20260301/src1/live/cam/1772323200000.jpg";
const SIBLING = "snapshot/20260301/src1/live/cam/1772323205000.jpg";

describe("deleting from the fs store", () => {
  let dir: string;
  let store: FsObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "livesnap-fs-delete-"));
    store = createFsObjectStore({ rootDir: path.join(dir, "objects"), publicBaseUrl: "http://127.0.0.1:1", signingKey: randomBytes(32) });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("removes the object and only it, and succeeds again for the object already gone", async () => {
    for (const key of [KEY, SIBLING]) await store.put({ bucket: "livesnap", key, body: fakeJpeg(), contentType: "image/jpeg" });
    await store.delete("livesnap", KEY);
    expect(await objectExists(store, "livesnap", KEY)).toBe(false);
    expect(await objectExists(store, "livesnap", SIBLING)).toBe(true);
    await expect(store.delete("livesnap", KEY)).resolves.toBeUndefined();
    await expect(store.delete("livesnap", "snapshot/19990101/none/live/cam.jpg")).resolves.toBeUndefined();
  });

  it("refuses names that would leave its root, and a folder, deleting nothing", async () => {
    const outside = path.join(dir, "precious.jpg");
    await writeFile(outside, "keep me");
    await store.put({ bucket: "livesnap", key: KEY, body: fakeJpeg(), contentType: "image/jpeg" });
    for (const [bucket, key] of [
      ["livesnap", "../../precious.jpg"],
      ["livesnap", "snapshot/../../../precious.jpg"],
      ["..", "precious.jpg"],
      ["livesnap", "/etc/passwd"],
      ["livesnap", "snapshot\\..\\..\\precious.jpg"],
      ["livesnap", ""],
    ]) {
      await expect(store.delete(bucket!, key!), `${bucket}/${key}`).rejects.toBeInstanceOf(InvalidObjectNameError);
    }
    await mkdir(path.join(store.rootDir, "livesnap", "snapshot", "folder.jpg"), { recursive: true });
    await expect(store.delete("livesnap", "snapshot/folder.jpg")).rejects.toThrow();
    expect(await readFile(outside, "utf8")).toBe("keep me");
    expect(await objectExists(store, "livesnap", KEY)).toBe(true);
  });
});

describe("deleting from the s3 store (s3rver)", () => {
  let dir: string;
  let s3: RunningS3rver;
  let store: S3ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "livesnap-s3-delete-"));
    s3 = await startS3rver({ directory: dir, buckets: ["livesnap"] });
    store = createS3ObjectStore({ endpoint: s3.endpoint, region: "us-east-1", bucket: "livesnap", forcePathStyle: true, ...S3RVER_CREDENTIALS });
  });
  afterEach(async () => {
    await store.close();
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("removes the object and only it, succeeds again once it is gone, and fails while the store is down", async () => {
    for (const key of [KEY, SIBLING]) await store.put({ bucket: "livesnap", key, body: fakeJpeg(), contentType: "image/jpeg" });
    await store.delete("livesnap", KEY);
    expect(await objectExists(store, "livesnap", KEY)).toBe(false);
    expect(await objectExists(store, "livesnap", SIBLING)).toBe(true);
    await expect(store.delete("livesnap", KEY)).resolves.toBeUndefined();

    await s3.stop();
    await expect(store.delete("livesnap", SIBLING)).rejects.toThrow();
    await s3.restart();
    expect(await objectExists(store, "livesnap", SIBLING)).toBe(true);
  });
});
