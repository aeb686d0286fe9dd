import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rename, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import postgres from "postgres";
import { createApp, type App } from "../../src/app";
import { loadConfig } from "../../src/config";
import { issueTokenForAccount } from "../../src/domain/api-tokens";
import { createDomainGroup, updateDomainGroup } from "../../src/domain/domain-groups";
import { createSnapshotConfig } from "../../src/domain/snapshot-configs";
import { createSnapshotTemplate } from "../../src/domain/snapshot-templates";
import type { Viewer } from "../../src/domain/viewer";
import { runFfmpeg } from "../support/capture-ffmpeg-run";
import { startNginxRtmp } from "../support/nginx-rtmp";
import { freePort } from "../support/ports";

/** Every benchmark in this family: 720p30, 2 s GOP, 5 s snapshot interval. */
export const SOURCE = { width: 1280, height: 720, fps: 30, gopSeconds: 2 } as const;
export const INTERVAL_SECONDS = 5;

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a live process has used so far; null once it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Resident set size in bytes; null once the process is gone. */
export function processRssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface ChildInfo {
  pid: number;
  args: string[];
}

/** Live direct children of this process (the capture ffmpegs the app spawned, the pushers). */
export function childProcesses(parentPid = process.pid): ChildInfo[] {
  const children: ChildInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== parentPid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
      children.push({ pid: Number(entry), args });
    } catch {
      // exited while being read
    }
  }
  return children;
}

export const isCaptureFfmpeg = (child: ChildInfo) => child.args.includes("image2pipe");
export const isPusher = (child: ChildInfo) => child.args.includes("-stream_loop");
export const isNginx = (child: ChildInfo) => /(^|\/)nginx$/.test(child.args[0] ?? "") || (child.args[0] ?? "").startsWith("nginx:");

/**
 * Backends of one PostgreSQL database (not our children: the server forks them). Their
 * command line reads `postgres: [<cluster>:] <user> <database> <client> <state>`.
 */
export function postgresBackends(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim().split(/\s+/);
      if (args[0] === "postgres:" && args.slice(1, 4).includes(database)) pids.push(Number(entry));
    } catch {
      // exited while being read
    }
  }
  return pids;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function machineCpuTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPU seconds of this process and all its children: live ones from /proc, exited ones from
 * this process's cutime/cstime, so a capture ffmpeg restarted mid-run is still counted.
 */
export function ourCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const self = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / CLOCK_TICKS_PER_SECOND;
  return childProcesses().reduce((sum, child) => sum + (processCpuSeconds(child.pid) ?? 0), self);
}

/**
 * The machine is shared: reports how busy all of it was over a period and how much of that
 * was this benchmark (this process and its children), in % of one core.
 */
export function startLoadMeter(): () => { machine: number; ours: number; other: number; cores: number } {
  const machine = machineCpuTicks();
  const ours = ourCpuSeconds();
  const at = Date.now();
  return () => {
    const now = machineCpuTicks();
    const cores = cpus().length;
    const machinePct = ((now.busy - machine.busy) / (now.total - machine.total)) * cores * 100;
    const oursPct = ((ourCpuSeconds() - ours) / ((Date.now() - at) / 1000)) * 100;
    return { machine: machinePct, ours: oursPct, other: machinePct - oursPct, cores };
  };
}

export function describeLoad(load: { machine: number; ours: number; other: number; cores: number }): string {
  return `machine busy ${load.machine.toFixed(0)} % of ${load.cores * 100} % (this benchmark ${load.ours.toFixed(0)} %, other processes ${load.other.toFixed(0)} %)`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A 20 s 720p30 H.264 + AAC FLV file with a 2 s GOP at `videoKbit` (default 2.5 Mbit/s), encoded once and kept in the
 * temp directory: pushing it with `-c copy` gives a real 720p30 stream for almost no CPU.
 * 20 s is exactly ten GOPs, so keyframes stay 2 s apart across loops.
 */
export async function preEncodedSource(videoKbit = 2500): Promise<string> {
  // The 2.5 Mbit/s file keeps its first name, so caches from earlier runs stay valid.
  const file = join(tmpdir(), videoKbit === 2500 ? "livesnap-bench-720p30-gop2s-v1.flv" : `livesnap-bench-720p30-gop2s-${videoKbit}k-v1.flv`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial`;
  await runFfmpeg([
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc2=size=${SOURCE.width}x${SOURCE.height}:rate=${SOURCE.fps}`,
    "-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono",
    "-t", "20",
    "-c:v", "libx264", "-preset", "veryfast", "-b:v", `${videoKbit}k`, "-maxrate", `${videoKbit}k`, "-bufsize", `${videoKbit * 2}k`,
    "-pix_fmt", "yuv420p", "-g", String(SOURCE.fps * SOURCE.gopSeconds), "-keyint_min", String(SOURCE.fps * SOURCE.gopSeconds),
    "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k", "-f", "flv", partial,
  ]);
  await rename(partial, file);
  return file;
}

export interface CopyPush {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Pushes the pre-encoded file in real time, looping, without re-encoding. */
export function pushCopy(file: string, url: string): CopyPush {
  const child = spawn(
    "ffmpeg",
    ["-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", file, "-c", "copy", "-f", "flv", url],
    { stdio: ["ignore", "ignore", "ignore"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Counts the app's log lines by message, so a run can report restarts, fallbacks and drops. */
export class LogTally {
  readonly counts = new Map<string, number>();
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line === "") continue;
        try {
          const entry = JSON.parse(line) as { level: number; msg?: string };
          const key = `${pino.levels.labels[entry.level] ?? entry.level}: ${entry.msg ?? ""}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        } catch {
          // not JSON
        }
      }
      done();
    },
  });
  readonly logger = pino({ level: "debug" }, this.stream);

  /** Warnings and errors, plus the debug line that marks an image dropped as too close. */
  notable(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, count] of this.counts) {
      if (/^(warn|error|fatal):/.test(key) || key.includes("too close")) out[key] = count;
    }
    return out;
  }
}

export type BenchIngest = "embedded" | "nginx";

export interface BenchApp {
  app: App;
  token: string;
  accountId: string;
  /** Where pushers publish: the embedded ingest's port, or nginx's. */
  rtmpPort: number;
  ingest: BenchIngest;
  /** The nginx process (nginx variant): a child of this process, one worker, no master. */
  nginxPid?: number;
  /** nginx's error log lines at warn level and above, by message (nginx variant). */
  nginxProblems?(): Promise<Record<string, number>>;
  /** The PostgreSQL database the app uses (nginx variant), for finding its backends. */
  databaseName?: string;
  logs: LogTally;
  pushUrl(stream: string): string;
  stop(): Promise<void>;
}

/** What the bench template captures; by default a full-size JPG every INTERVAL_SECONDS. */
export interface BenchTemplate {
  intervalSeconds?: number;
  width?: number;
}

/**
 * The whole service on 127.0.0.1 with the domain `localhost` bound to a JPG template (5 s, full
 * size unless `capture` says otherwise), so every stream pushed to it is captured. Always the fs store.
 * - `embedded`: embedded PGlite and the embedded RTMP ingest (node-media-server in this process).
 * - `nginx`: the production shape: a fresh PostgreSQL database on LOAD_BENCH_POSTGRES_URL
 *   (default postgres://postgres@127.0.0.1:5432/postgres), created here and dropped on stop,
 *   and nginx-rtmp as ingest, calling livesnap's hook; capture pulls the streams back from nginx.
 */
export async function startBenchApp(
  storageMode: "COVERAGE" | "SEQUENCE" = "SEQUENCE",
  ingest: BenchIngest = "embedded",
  capture: BenchTemplate = {},
): Promise<BenchApp> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => console.error("bench cleanup:", error));
    }
  };
  try {
    const dataDir = await mkdtemp(join(tmpdir(), "livesnap-bench-"));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));
    const logs = new LogTally();
    let config: ReturnType<typeof loadConfig>;
    let nginxPort = 0;
    let database: { name: string; url: string; drop(): Promise<void> } | undefined;
    const secret = randomBytes(12).toString("hex");
    if (ingest === "nginx") {
      database = await createBenchDatabase(process.env.LOAD_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
      const db = database;
      stops.push(() => db.drop());
      nginxPort = await freePort();
      config = loadConfig({
        HOST: "127.0.0.1",
        PORT: "0",
        RTMP_PORT: "0",
        DATA_DIR: dataDir,
        LOG_LEVEL: "debug",
        DATABASE_URL: db.url,
        HOOK_SECRET: secret,
        PULL_URL_NGINX_RTMP: `rtmp://127.0.0.1:${nginxPort}/{app}/{stream}`,
      });
    } else {
      config = loadConfig({
        HOST: "127.0.0.1",
        PORT: "0",
        RTMP_PORT: String(await freePort()),
        DATA_DIR: dataDir,
        LOG_LEVEL: "debug",
        // Every pusher of the benchmark is on 127.0.0.1: above the per-address default of 100.
        RTMP_MAX_CONNECTIONS_PER_ADDRESS: "1000",
      });
    }
    const app = createApp(config, { logger: logs.logger });
    stops.push(() => app.stop());
    await app.start();
    let nginx: BenchNginx | undefined;
    if (ingest === "nginx") {
      nginx = await startBenchNginx(`${app.url}/hooks/nginx-rtmp?secret=${secret}`, nginxPort);
      const started = nginx;
      // Stopped before the app, so its on_publish_done hooks still find livesnap.
      stops.push(() => started.stop());
    }
    const rtmpPort = nginx ? nginx.port : app.rtmpPort!;

    const db = app.database.db;
    const { token, apiToken } = await issueTokenForAccount(db, "bench", "ADMIN");
    const viewer: Viewer = { tokenId: apiToken.id, accountId: apiToken.accountId, role: "ADMIN", operator: false };
    const group = await createDomainGroup(db, viewer, { pushDomain: "localhost", playDomain: "play.localhost" });
    // The benches measure capture; their publishers are trusted, as on a closed network.
    await updateDomainGroup(db, viewer, group.id, { pushAuth: "OFF" });
    const template = await createSnapshotTemplate(db, viewer, {
      name: "bench",
      format: "JPG",
      intervalSeconds: capture.intervalSeconds ?? INTERVAL_SECONDS,
      ...(capture.width === undefined ? {} : { width: capture.width }),
      storageMode,
    });
    await createSnapshotConfig(db, viewer, { domain: "localhost", templateId: template.id });
    return {
      app,
      token,
      accountId: apiToken.accountId,
      rtmpPort,
      ingest,
      ...(nginx ? { nginxPid: nginx.pid, nginxProblems: nginx.problems } : {}),
      ...(database ? { databaseName: database.name } : {}),
      logs,
      // Embedded: an IP host publishes to DEFAULT_PUSH_DOMAIN, which is localhost. nginx: the
      // hook reads the domain from the vhost argument.
      pushUrl: (stream) =>
        ingest === "nginx" ? `rtmp://127.0.0.1:${rtmpPort}/live/${stream}?vhost=localhost` : `rtmp://127.0.0.1:${rtmpPort}/live/${stream}`,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A fresh database on a PostgreSQL server, dropped (with force) by drop(). */
async function createBenchDatabase(serverUrl: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `livesnap_bench_${randomBytes(6).toString("hex")}`;
  const run = async (statement: string) => {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await admin.unsafe(statement);
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
  await run(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

interface BenchNginx {
  port: number;
  pid: number;
  problems(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * nginx with the rtmp module as in the tests, with room for many streams: each stream holds two
 * connections (publisher and capture) and each hook call one more, so the tests' 64 worker
 * connections would refuse streams past ~30.
 */
async function startBenchNginx(hookUrl: string, port: number): Promise<BenchNginx> {
  const nginx = await startNginxRtmp({ hookUrl, port, workerConnections: 1024, errorLogLevel: "warn" });
  return {
    port: nginx.port,
    pid: nginx.pid,
    problems: async () => {
      const out: Record<string, number> = {};
      for (const line of (await nginx.errorLog()).split("\n")) {
        // 2026/01/01 00:00:00 [error] 123#0: *45 message, client: ..., server: ...
        const match = /\[(\w+)\] \d+#\d+: (?:\*\d+ )?([^,]*)/.exec(line);
        if (match) {
          const key = `${match[1]}: ${match[2]!.replace(/\d+/g, "N")}`;
          out[key] = (out[key] ?? 0) + 1;
        }
      }
      return out;
    },
    stop: nginx.stop,
  };
}

export const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
