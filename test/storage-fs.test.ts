import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFsObjectStore, type FsObjectStore } from "../src/storage/fs-store";
import { InvalidObjectNameError } from "../src/storage/object-names";
import { signObject } from "../src/storage/url-signature";
import { startObjectServer, rawRequest, type ObjectServer } from "./support/storage-http";
import { fakeJpeg, fakePng } from "./support/storage-images";

const KEY = "snapshot/20250307/k3x9q2/live/cam-1.jpg";
const SECRET = "secret outside the store";

let workDir: string;
let rootDir: string;
let signingKey: Buffer;
let server: ObjectServer;
let store: FsObjectStore;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), "livesnap-fs-"));
  rootDir = join(workDir, "objects");
  // A file beside the store that no request or put may ever reach.
  await writeFile(join(workDir, "secret.txt"), SECRET);
  signingKey = randomBytes(32);
  server = await startObjectServer();
  store = createFsObjectStore({ rootDir, publicBaseUrl: `${server.baseUrl}/`, signingKey });
  server.route(store.handleObjectRequest);
});

afterEach(async () => {
  vi.useRealTimers();
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

async function put(key: string, body: Buffer, contentType = "image/jpeg", bucket = store.defaultBucket) {
  await store.put({ bucket, key, body, contentType });
}

async function signedUrl(key: string, ttl = 60, bucket = store.defaultBucket): Promise<string> {
  return (await store.signedGetUrl(bucket, key, ttl)).url;
}

/** Every file under workDir except the one planted there, relative to workDir. */
async function filesOutsideStore(): Promise<string[]> {
  const entries = await readdir(workDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(workDir, join(e.parentPath, e.name)))
    .filter((p) => !p.startsWith("objects/") && p !== "secret.txt");
}

describe("fs object store behind a real HTTP server", () => {
  it("serves a stored JPEG at its signed URL with its bytes and type", async () => {
    const image = fakeJpeg(50_000);
    await put(KEY, image);
    const { url, expiresAt } = await store.signedGetUrl("livesnap", KEY, 60);

    expect(url.startsWith(`${server.baseUrl}/objects/livesnap/${KEY}?expires=`)).toBe(true);
    expect(Number(new URL(url).searchParams.get("expires")) * 1000).toBe(expiresAt.getTime());
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(58_000);
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("content-length")).toBe(String(image.length));
    expect(res.headers.get("cache-control")).toMatch(/^private, max-age=(59|60)$/);
    expect(Buffer.from(await res.arrayBuffer()).equals(image)).toBe(true);
  });

  it("serves PNG as image/png", async () => {
    const image = fakePng();
    await put("snapshot/20250307/k3x9q2/live/cam-1/1741342830456.png", image, "image/png");
    const res = await fetch(await signedUrl("snapshot/20250307/k3x9q2/live/cam-1/1741342830456.png"));
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer()).equals(image)).toBe(true);
  });

  it("answers HEAD with the headers only and refuses other methods", async () => {
    const image = fakeJpeg(1234);
    await put(KEY, image);
    const url = await signedUrl(KEY);
    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("1234");
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await fetch(url, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
    }
  });

  it("replaces the object on overwrite (coverage mode) and leaves no temporary files", async () => {
    const first = fakeJpeg(4000);
    const second = fakeJpeg(3000);
    await put(KEY, first);
    const url = await signedUrl(KEY);
    await put(KEY, second);
    const res = await fetch(url);
    expect(Buffer.from(await res.arrayBuffer()).equals(second)).toBe(true);
    const files = await readdir(join(rootDir, "livesnap", "snapshot/20250307/k3x9q2/live"));
    expect(files).toEqual(["cam-1.jpg"]);
  });

  it("never lets a reader see a half-written image while overwrites race with reads", async () => {
    const versions = [fakeJpeg(3_000_000), fakeJpeg(1_000_000), fakeJpeg(2_000_000)];
    await put(KEY, versions[0]!);
    const url = await signedUrl(KEY);
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 24; i += 1) await put(KEY, versions[i % versions.length]!);
      writing = false;
    })();
    let reads = 0;
    let torn = 0;
    while (writing) {
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      if (!versions.some((v) => v.equals(body))) torn += 1;
      reads += 1;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(torn).toBe(0);
  });

  it("refuses a tampered, missing or foreign signature with 403", async () => {
    await put(KEY, fakeJpeg());
    await put("snapshot/20250307/k3x9q2/live/other.jpg", fakeJpeg());
    const url = new URL(await signedUrl(KEY));
    const signature = url.searchParams.get("signature")!;
    const expires = url.searchParams.get("expires")!;

    const flipped = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    const variants = {
      flipped: `${url.pathname}?expires=${expires}&signature=${flipped}`,
      missing: `${url.pathname}?expires=${expires}`,
      noExpiry: `${url.pathname}?signature=${signature}`,
      laterExpiry: `${url.pathname}?expires=${Number(expires) + 3600}&signature=${signature}`,
      otherKey: `/objects/livesnap/snapshot/20250307/k3x9q2/live/other.jpg?expires=${expires}&signature=${signature}`,
      otherBucket: `/objects/another/${KEY}?expires=${expires}&signature=${signature}`,
    };
    for (const [name, path] of Object.entries(variants)) {
      const res = await fetch(`${server.baseUrl}${path}`);
      expect({ name, status: res.status }).toEqual({ name, status: 403 });
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    }
    expect((await fetch(url)).status).toBe(200);
  });

  it("refuses a URL signed with another key with 403", async () => {
    await put(KEY, fakeJpeg());
    const impostor = createFsObjectStore({ rootDir, publicBaseUrl: server.baseUrl, signingKey: randomBytes(32) });
    const res = await fetch((await impostor.signedGetUrl("livesnap", KEY, 60)).url);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("invalid signature\n");
  });

  it("refuses an expired URL with 403", async () => {
    await put(KEY, fakeJpeg());
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 120_000);
    const { url, expiresAt } = await store.signedGetUrl("livesnap", KEY, 60);
    vi.useRealTimers();
    expect(expiresAt.getTime()).toBeLessThan(Date.now());

    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("URL expired\n");
  });

  it("answers 404 for a validly signed URL of an object that does not exist", async () => {
    const res = await fetch(await signedUrl("snapshot/20250307/k3x9q2/live/never.jpg"));
    expect(res.status).toBe(404);
    await put(KEY, fakeJpeg());
    // A directory on the way to an object is not an object either.
    expect((await fetch(await signedUrl("snapshot/20250307"))).status).toBe(404);
  });

  it("declines paths outside /objects/ so the caller can route them", async () => {
    for (const path of ["/graphql", "/objects", "/objectsx/livesnap/a.jpg", "/"]) {
      const res = await rawRequest(server.port, path);
      expect(await res.body.toString()).toBe("not an object route\n");
    }
  });

  it("refuses traversal in the URL path even with a signature over the decoded names", async () => {
    const attempts: Array<[bucket: string, key: string, rawPath: string]> = [
      ["livesnap", "../secret.txt", "/objects/livesnap/../secret.txt"],
      ["livesnap", "../../secret.txt", "/objects/livesnap/../../secret.txt"],
      ["livesnap", "a/../../../secret.txt", "/objects/livesnap/a/../../../secret.txt"],
      ["livesnap", "../../secret.txt", "/objects/livesnap/%2e%2e/%2e%2e/secret.txt"],
      ["livesnap", "../../secret.txt", "/objects/livesnap/%2E%2E%2F%2E%2E%2Fsecret.txt"],
      ["..", "secret.txt", "/objects/%2e%2e/secret.txt"],
      ["livesnap", "..\\..\\secret.txt", "/objects/livesnap/..%5C..%5Csecret.txt"],
      ["livesnap", "a\u0000.jpg", "/objects/livesnap/a%00.jpg"],
      ["livesnap", `/${join(workDir, "secret.txt")}`, `/objects/livesnap/${join(workDir, "secret.txt")}`],
    ];
    for (const [bucket, key, rawPath] of attempts) {
      const expires = Math.floor(Date.now() / 1000) + 60;
      const query = `?expires=${expires}&signature=${signObject(signingKey, bucket, key, expires)}`;
      const res = await rawRequest(server.port, `${rawPath}${query}`);
      expect({ rawPath, status: res.status }).toEqual({ rawPath, status: 400 });
      expect(res.body.toString()).not.toContain(SECRET);
    }
    expect((await rawRequest(server.port, "/objects/livesnap/%E0%A4%A.jpg")).status).toBe(400);
  });

  it("refuses to write or sign outside its root and writes nothing there", async () => {
    const badKeys = ["../x.jpg", "a/../../x.jpg", "/abs.jpg", "a//b.jpg", "a/./b.jpg", "a\\b.jpg", "a\u0000b.jpg", "", "a/"];
    for (const key of badKeys) {
      await expect(put(key, fakeJpeg())).rejects.toBeInstanceOf(InvalidObjectNameError);
      await expect(store.signedGetUrl("livesnap", key, 60)).rejects.toBeInstanceOf(InvalidObjectNameError);
    }
    for (const bucket of ["..", "../up", "UPPER", "ab", "a_b", "-ab", "192.168.1.1", "a..b"]) {
      await expect(put("x.jpg", fakeJpeg(), "image/jpeg", bucket)).rejects.toBeInstanceOf(InvalidObjectNameError);
    }
    expect(await filesOutsideStore()).toEqual([]);
  });

  it("keeps objects of different buckets apart", async () => {
    const a = fakeJpeg();
    const b = fakeJpeg();
    await put(KEY, a, "image/jpeg", "livesnap");
    await put(KEY, b, "image/jpeg", "team-b.images");
    const fromB = await fetch(await signedUrl(KEY, 60, "team-b.images"));
    expect(Buffer.from(await fromB.arrayBuffer()).equals(b)).toBe(true);
    const fromA = await fetch(await signedUrl(KEY, 60, "livesnap"));
    expect(Buffer.from(await fromA.arrayBuffer()).equals(a)).toBe(true);
  });

  it("refuses a content type its extension would contradict", async () => {
    await expect(put(KEY, fakePng(), "image/png")).rejects.toThrow(/image\/jpeg/);
  });

  it("refuses URL lifetimes outside 1 s .. 7 days", async () => {
    for (const ttl of [0, -5, 1.5, 604_801]) {
      await expect(store.signedGetUrl("livesnap", KEY, ttl)).rejects.toBeInstanceOf(RangeError);
    }
    await expect(store.signedGetUrl("livesnap", KEY, 604_800)).resolves.toBeDefined();
  });
});
