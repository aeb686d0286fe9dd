import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy, imageSourcesOf } from "../src/console/content-security-policy";
import { consoleRoute } from "../src/console/static-route";
import { createHttpServer } from "../src/http-server";
import { silentLogger } from "../src/logger";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

describe("console route", () => {
  let dist: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dist = await mkdtemp(path.join(tmpdir(), "livesnap-console-"));
    await mkdir(path.join(dist, "assets"));
    await writeFile(path.join(dist, "index.html"), "<!doctype html><title>x</title>");
    await writeFile(path.join(dist, "assets", "index-AbC123_x.js"), "console.log(1)");
    await writeFile(path.join(dist, "assets", "index-AbC123_x.css"), "body{}");
    server = createHttpServer([consoleRoute({ distDir: dist, imageSources: () => ["http://127.0.0.1:9"] })], silentLogger());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dist, { recursive: true, force: true });
  });

  it("sends / and /console to /console/", async () => {
    for (const p of ["/", "/console"]) {
      const response = await fetch(`${base}${p}`, { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/console/");
    }
  });

  it("serves the index revalidated each time, under the policy", async () => {
    const response = await fetch(`${base}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toBe(contentSecurityPolicy(["http://127.0.0.1:9"]));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("serves hashed assets as immutable with their content type", async () => {
    const js = await fetch(`${base}/console/assets/index-AbC123_x.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toBe("console.log(1)");
    const css = await fetch(`${base}/console/assets/index-AbC123_x.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("answers 404 for anything else under /console/, traversal included, and 405 for writes", async () => {
    for (const p of ["/console/assets/missing-1.js", "/console/assets/..%2Findex.html", "/console/other", "/console/assets/x.exe"]) {
      expect((await fetch(`${base}${p}`)).status, p).toBe(404);
    }
    expect((await fetch(`${base}/console/`, { method: "POST", body: "x" })).status).toBe(405);
  });

  it("says how to build the console when it is not built", async () => {
    await rm(path.join(dist, "index.html"));
    const response = await fetch(`${base}/console/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("npm run build:console");
  });
});

describe("console content security policy", () => {
  it("allows nothing but its own origin, plus image origins", () => {
    const csp = contentSecurityPolicy([]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("img-src 'self';");
    expect(csp).not.toMatch(/unsafe|\*/);
  });

  it("names where snapshot images come from for each store", () => {
    expect(imageSourcesOf({ storage: { driver: "fs" }, publicUrl: undefined }, "http://127.0.0.1:4000")).toEqual(["http://127.0.0.1:4000"]);
    expect(imageSourcesOf({ storage: { driver: "fs" }, publicUrl: "https://snap.example.com/base" }, "http://127.0.0.1:4000")).toEqual([
      "https://snap.example.com",
    ]);
    const s3 = { driver: "s3" as const, region: "r", bucket: "b", accessKeyId: undefined, secretAccessKey: undefined };
    expect(imageSourcesOf({ storage: { ...s3, endpoint: "http://minio:9000", forcePathStyle: true }, publicUrl: undefined }, "")).toEqual([
      "http://minio:9000",
    ]);
    expect(imageSourcesOf({ storage: { ...s3, endpoint: "https://s3.example.com", forcePathStyle: false }, publicUrl: undefined }, "")).toEqual([
      "https://s3.example.com",
      "https://*.s3.example.com",
    ]);
  });
});
