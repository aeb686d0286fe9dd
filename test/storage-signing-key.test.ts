import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsObjectStore, loadOrCreateSigningKey } from "../src/storage/fs-store";
import { SIGNING_KEY_FILE } from "../src/storage/signing-key";
import { startObjectServer } from "./support/storage-http";
import { fakeJpeg } from "./support/storage-images";

let dataDir: string;

beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), "livesnap-key-")), "data");
});

afterEach(async () => {
  await rm(join(dataDir, ".."), { recursive: true, force: true });
});

describe("loadOrCreateSigningKey", () => {
  it("creates a 32-byte key readable by the owner only, in a data dir that did not exist yet", async () => {
    const key = await loadOrCreateSigningKey(dataDir);
    expect(key.length).toBe(32);
    const file = join(dataDir, SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(key.toString("hex"));
  });

  it("returns the same key on every later start, even when several start at once", async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(dataDir)));
    const hex = new Set(keys.map((k) => k.toString("hex")));
    expect(hex.size).toBe(1);
    expect((await loadOrCreateSigningKey(dataDir)).equals(keys[0]!)).toBe(true);
  });

  it("keeps URLs signed before a restart valid after it", async () => {
    const server = await startObjectServer();
    try {
      const rootDir = join(dataDir, "objects");
      const open = async () =>
        createFsObjectStore({ rootDir, publicBaseUrl: server.baseUrl, signingKey: await loadOrCreateSigningKey(dataDir) });
      const before = await open();
      const image = fakeJpeg();
      await before.put({ bucket: "livesnap", key: "a/b.jpg", body: image, contentType: "image/jpeg" });
      const { url } = await before.signedGetUrl("livesnap", "a/b.jpg", 300);

      const after = await open();
      server.route(after.handleObjectRequest);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(image)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("refuses a damaged key file instead of silently replacing it", async () => {
    await loadOrCreateSigningKey(dataDir);
    await writeFile(join(dataDir, SIGNING_KEY_FILE), "not a key\n");
    await expect(loadOrCreateSigningKey(dataDir)).rejects.toThrow(/not a hex key of at least 32 bytes/);
  });
});
