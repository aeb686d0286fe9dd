/**
 * Resident memory of an idle livesnap started exactly as `npm start` starts it, on a fresh
 * DATA_DIR (the first start creates the embedded database) and again on the same directory.
 * See BENCHMARKS.md.
 *
 *   npx tsx test/bench/idle-rss.ts
 *
 * IDLE_RSS_RUNS (default 3) pairs of starts; IDLE_RSS_SETTLE_MS (default 10000) of idleness after
 * /readyz answers before /proc/PID/status is read; IDLE_RSS_DATABASE_URL runs on that PostgreSQL
 * database instead of PGlite.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../support/ports";
import { npmStartCommand, ROOT } from "./npm-start";

const RUNS = Number(process.env.IDLE_RSS_RUNS ?? 3);
const SETTLE_MS = Number(process.env.IDLE_RSS_SETTLE_MS ?? 10_000);

interface Sample {
  rssMiB: number;
  anonMiB: number;
  peakMiB: number;
  readySeconds: number;
}


function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc/PID/status`);
  return Number(match[1]) / 1024;
}

async function ready(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready in time`);
}

async function idleSample(dataDir: string): Promise<Sample> {
  const [command, ...args] = npmStartCommand();
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    PORT: String(port),
    RTMP_PORT: String(await freePort()),
    LOG_LEVEL: "warn",
  };
  if (process.env.IDLE_RSS_DATABASE_URL) env.DATABASE_URL = process.env.IDLE_RSS_DATABASE_URL;
  const started = Date.now();
  const child = spawn(command!, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await ready(`http://127.0.0.1:${port}`, started + 300_000);
    const readySeconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    return { rssMiB: statusField(status, "VmRSS"), anonMiB: statusField(status, "RssAnon"), peakMiB: statusField(status, "VmHWM"), readySeconds };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function report(what: string, samples: Sample[]): string {
  const each = samples.map((s) => `${s.rssMiB.toFixed(0)}`).join(", ");
  return `${what.padEnd(12)} idle RSS median ${median(samples.map((s) => s.rssMiB)).toFixed(0)} MiB (runs: ${each}), anonymous ${median(samples.map((s) => s.anonMiB)).toFixed(0)} MiB, peak ${median(samples.map((s) => s.peakMiB)).toFixed(0)} MiB, ready after ${median(samples.map((s) => s.readySeconds)).toFixed(1)} s`;
}

const firstStarts: Sample[] = [];
const laterStarts: Sample[] = [];
for (let run = 0; run < RUNS; run++) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-idle-rss-"));
  try {
    firstStarts.push(await idleSample(dataDir));
    laterStarts.push(await idleSample(dataDir));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
console.log(`${npmStartCommand().join(" ")} on ${process.env.IDLE_RSS_DATABASE_URL ? "PostgreSQL" : "PGlite"}, ${SETTLE_MS / 1000} s idle after ready`);
console.log(report("first start", firstStarts));
console.log(report("later start", laterStarts));
