import { spawn } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/ports";
import { waitFor } from "./support/wait";


const MAIN = path.resolve(__dirname, "../src/main.ts");

function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => stdout + stderr };
}

describe("the livesnap process", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-main-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("reports every configuration problem at once and exits", async () => {
    const run = runMain({ DATA_DIR: dataDir, PORT: "http", STORAGE_DRIVER: "s3", SIGNED_URL_TTL_SECONDS: "604801" });
    expect(await run.exited).toBe(2);
    const out = run.output();
    expect(out).toContain("invalid configuration");
    expect(out).toContain("PORT");
    expect(out).toContain("S3_BUCKET");
    expect(out).toContain("SIGNED_URL_TTL_SECONDS");
  });

  it("starts with no ffmpeg on the machine: decoding ships with the npm packages", async () => {
    // A PATH holding node alone: no ffmpeg, no ffprobe.
    const bin = await mkdtemp(path.join(tmpdir(), "livesnap-bin-"));
    await symlink(process.execPath, path.join(bin, "node"));
    const port = await freePort();
    const data = await mkdtemp(path.join(tmpdir(), "livesnap-path-node-only-"));
    const run = runMain({ DATA_DIR: data, PORT: String(port), RTMP_PORT: "0", PATH: bin });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, 60_000, "ready without ffmpeg");
    } finally {
      run.child.kill("SIGTERM");
      await run.exited;
      await rm(bin, { recursive: true, force: true });
      await rm(data, { recursive: true, force: true });
    }
    expect(run.output()).not.toMatch(/ffmpeg/i);
  }, 90_000);

  it("serves on its port and shuts down cleanly on SIGTERM", async () => {
    const port = await freePort();
    const rtmpPort = await freePort();
    const run = runMain({ DATA_DIR: dataDir, PORT: String(port), RTMP_PORT: String(rtmpPort), LOG_LEVEL: "info" });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, 30_000, "ready");
      expect(run.output()).toContain("livesnap started");
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      run.child.kill("SIGKILL");
    }
  }, 60_000);
});
