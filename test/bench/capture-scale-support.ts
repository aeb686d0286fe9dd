import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { liveStreamsTable } from "../../src/db/schema";
import { startNginxRtmp, type NginxRtmp } from "../support/nginx-rtmp";
import { fmt, processRssBytes, SOURCE, summarize, type BenchApp, type BenchIngest } from "./capture-support";

/**
 * Shared parts of the capture-at-scale benchmarks (capture-scale, capture-crowd,
 * capture-on-demand): many streams pushed by a few tee ffmpegs, the livesnap process tree's
 * CPU and memory from /proc, lateness per stream, and a PASS/MISS table.
 */

/** The template of these benchmarks: a JPG 640 px wide every 10 s. */
export const SCALE_TEMPLATE = { intervalSeconds: 10, width: 640 } as const;
/** Video bitrate of the pre-encoded source (kbit/s): 720p30, 2 s GOP, plus 64 kbit/s AAC. */
export const SCALE_SOURCE_KBIT = 3000;
export const GOP_SECONDS = SOURCE.gopSeconds;

/** An integer knob from the environment, refused when outside [min, max]. */
export function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  }
  return value;
}

/** `nginx`, `embedded` or `both` (nginx first) from the environment. */
export function envIngests(name: string, fallback: "nginx" | "embedded" | "both"): BenchIngest[] {
  const choice = process.env[name]?.trim() || fallback;
  if (choice === "both") return ["nginx", "embedded"];
  if (choice === "nginx" || choice === "embedded") return [choice];
  throw new Error(`${name} must be nginx, embedded or both, not ${JSON.stringify(choice)}`);
}

export const streamNames = (count: number, prefix = "s") => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

// ---------------------------------------------------------------------------------------------
// Pushers

export interface TeePusher {
  process: ChildProcess;
  pid: number;
  urls: string[];
  spawnedAt: number;
  /** Output position (s of stream time written) and when ffmpeg reported it; null before the first report. */
  position(): { outSeconds: number; at: number } | null;
  /**
   * The first position ffmpeg reported: the tee muxer sends no packet before every output is
   * open, so this is when data started to flow to all of them (within 0.1 s).
   */
  firstPosition(): { outSeconds: number; at: number } | null;
  /** Warnings and errors ffmpeg wrote (a tee output that failed, a refused publish), at most 200. */
  problems(): string[];
  exited(): boolean;
  stop(): Promise<void>;
}

/**
 * One ffmpeg pushing the pre-encoded file in real time to every URL with the tee muxer, `-c copy`:
 * one demux for all outputs, so a hundred streams cost a fraction of a core. An output that fails
 * is dropped (`onfail=ignore`) and logged, the others go on.
 */
export function pushTee(file: string, urls: string[]): TeePusher {
  const outputs = urls.map((url) => `[f=flv:onfail=ignore]${url.replace(/([|\\[\]])/g, "\\$1")}`).join("|");
  const child = spawn(
    "ffmpeg",
    [
      "-hide_banner", "-loglevel", "warning", "-nostdin", "-nostats", "-progress", "pipe:1", "-stats_period", "0.1",
      "-re", "-stream_loop", "-1", "-i", file, "-map", "0", "-c", "copy", "-f", "tee", outputs,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const spawnedAt = Date.now();
  let position: { outSeconds: number; at: number } | null = null;
  let firstPosition: { outSeconds: number; at: number } | null = null;
  let pendingOut: number | null = null;
  let partial = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      // Blocks of key=value lines, each ending with progress=continue.
      if (line.startsWith("out_time_us=")) pendingOut = Number(line.slice("out_time_us=".length));
      else if (line.startsWith("progress=") && pendingOut !== null && Number.isFinite(pendingOut)) {
        position = { outSeconds: pendingOut / 1e6, at: Date.now() };
        firstPosition ??= position;
      }
    }
    if (partial.length > 4096) partial = "";
  });
  const problems: string[] = [];
  let errPartial = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (errPartial + chunk).split("\n");
    errPartial = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "" && problems.length < 200) problems.push(line.trim().slice(0, 300));
    if (errPartial.length > 4096) errPartial = "";
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    pid: child.pid!,
    urls,
    spawnedAt,
    position: () => position,
    firstPosition: () => firstPosition,
    problems: () => [...problems],
    exited: () => !running(),
    stop: async () => {
      if (!running()) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One tee pusher per group of URLs, each started `staggerMs` after the one before. */
export async function startTeePushers(file: string, groups: string[][], staggerMs: number): Promise<TeePusher[]> {
  const pushers: TeePusher[] = [];
  for (const [i, urls] of groups.entries()) {
    if (i > 0 && staggerMs > 0) await new Promise((resolve) => setTimeout(resolve, staggerMs));
    pushers.push(pushTee(file, urls));
  }
  return pushers;
}

/** `list` in consecutive groups of at most `size`. */
export function chunk<T>(list: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < list.length; i += size) groups.push(list.slice(i, i + size));
  return groups;
}

export type PusherPositions = ({ outSeconds: number; at: number } | null)[];

/**
 * How fast each pusher wrote stream time between two readings of its position: 1.00 is real
 * time. Below ~0.97 the pushers, not livesnap, were the bottleneck and the run says so.
 */
export function pusherSpeeds(pushers: TeePusher[], before: PusherPositions): number[] {
  return pushers.map((pusher, i) => {
    const start = before[i];
    const end = pusher.position();
    if (!start || !end || end.at <= start.at || pusher.exited()) return 0;
    return (end.outSeconds - start.outSeconds) / ((end.at - start.at) / 1000);
  });
}

/** Lines ffmpeg wrote that say an output failed, with the URL's stream key kept and numbers folded. */
export function pusherProblems(pushers: TeePusher[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of pushers.flatMap((p) => p.problems())) {
    const key = line.replace(/\d+/g, "N").slice(0, 160);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The reference recipe: the usual one-ffmpeg-per-stream full decode

/**
 * A second nginx-rtmp that only relays a few copies of the source to the reference ffmpegs, so
 * that they read the same bytes as livesnap without touching livesnap's ingest. Its hooks go to
 * a tiny HTTP server here that accepts everything.
 */
export interface ReferenceRelay {
  port: number;
  pid: number;
  url(stream: string): string;
  stop(): Promise<void>;
}

export async function startReferenceRelay(): Promise<ReferenceRelay> {
  const server: Server = createServer((_req, res) => res.writeHead(200).end());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  let nginx: NginxRtmp;
  try {
    nginx = await startNginxRtmp({ hookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, workerConnections: 256, errorLogLevel: "warn" });
  } catch (error) {
    await closeServer();
    throw error;
  }
  return {
    port: nginx.port,
    pid: nginx.pid,
    url: (stream) => `rtmp://127.0.0.1:${nginx.port}/live/${stream}`,
    stop: async () => {
      await nginx.stop();
      await closeServer();
    },
  };
}

export interface ReferenceCapture {
  pid: number;
  /** When each JPEG arrived on stdout. */
  images: number[];
  /** CPU seconds and time at the first image: steady state is measured from there. */
  firstImage: { cpu: number; at: number } | null;
  stop(): Promise<void>;
}

/** CPU seconds (user + system) of one process so far, from /proc; null once it is gone. */
function cpuOf(pid: number): number | null {
  return procStat(pid)?.cpu ?? null;
}

/**
 * `ffmpeg -i <rtmp> -vf fps=1/<interval>,scale=<width>:-2 -f image2pipe`: what most snapshot
 * setups run per stream, producing the same images as the template (JPG, `width` wide).
 */
export function startReferenceCapture(url: string, intervalSeconds: number, width: number): ReferenceCapture {
  const child = spawn(
    "ffmpeg",
    [
      "-hide_banner", "-nostdin", "-loglevel", "error", "-i", url, "-an", "-sn", "-dn",
      "-vf", `fps=1/${intervalSeconds},scale=${width}:-2`, "-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p",
      "-f", "image2pipe", "pipe:1",
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const capture: ReferenceCapture = {
    pid: child.pid!,
    images: [],
    firstImage: null,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
  // A JPEG starts with FF D8 FF; inside the entropy-coded data every FF is followed by 00 or a
  // marker that is not D8, so counting starts counts images. `last` carries a marker split over chunks.
  let last = Buffer.alloc(0);
  child.stdout!.on("data", (chunk: Buffer) => {
    const data = Buffer.concat([last, chunk]);
    let from = 0;
    for (;;) {
      const at = data.indexOf(JPEG_START, from);
      if (at < 0) break;
      const now = Date.now();
      capture.images.push(now);
      capture.firstImage ??= { cpu: cpuOf(capture.pid) ?? Number.NaN, at: now };
      from = at + JPEG_START.length;
    }
    last = data.subarray(Math.max(from, data.length - (JPEG_START.length - 1)));
  });
  return capture;
}

const JPEG_START = Buffer.from([0xff, 0xd8, 0xff]);

// ---------------------------------------------------------------------------------------------
// The livesnap process tree

const CLOCK_TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime, seconds. */
  cpu: number;
  /** cutime + cstime: exited children this process has waited for, seconds. */
  childCpu: number;
}

function procStat(pid: number | string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      ppid: Number(fields[1]),
      cpu: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND,
      childCpu: (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const exe = (args[0] ?? "?").split("/").pop()!;
    // node workers: name them by their script, the rest by their executable.
    const script = exe === "node" ? args.find((a, i) => i > 0 && !a.startsWith("-") && /\.(ts|js|mjs|cjs)$/.test(a)) : undefined;
    return script ? `node ${script.split("/").slice(-2).join("/")}` : exe;
  } catch {
    return "?";
  }
}

/**
 * The livesnap side of this process tree: the app runs in this process, so livesnap is this
 * process plus every descendant that is not one of the benchmark's own (pushers, nginx, the
 * reference ffmpegs), whatever the capture engine spawns (ffmpegs today, decoder workers later).
 */
export class LivesnapTree {
  constructor(private readonly benchOwned: () => Iterable<number>) {}

  /** Descendants of this process that belong to livesnap, with their /proc stat. */
  members(): Map<number, ProcStat> {
    const all = new Map<number, ProcStat>();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = procStat(entry);
      if (stat) all.set(Number(entry), stat);
    }
    const excluded = new Set(this.benchOwned());
    const byParent = new Map<number, number[]>();
    for (const [pid, stat] of all) byParent.set(stat.ppid, [...(byParent.get(stat.ppid) ?? []), pid]);
    const members = new Map<number, ProcStat>();
    const queue = [...(byParent.get(process.pid) ?? [])];
    while (queue.length > 0) {
      const pid = queue.pop()!;
      if (excluded.has(pid)) continue;
      members.set(pid, all.get(pid)!);
      queue.push(...(byParent.get(pid) ?? []));
    }
    return members;
  }

  /**
   * CPU seconds so far of this process and livesnap's descendants. Each live process counts
   * with its waited-for children, so a worker that exits between two readings moves into its
   * parent's figure instead of vanishing, and a new one counts from zero: the difference of
   * two readings is the CPU used in between. A bench-owned child that exits would land in this
   * process's figure too; the benchmarks check that none did.
   */
  cpuSeconds(): number {
    const self = procStat("self")!;
    let total = self.cpu + self.childCpu;
    for (const stat of this.members().values()) total += stat.cpu + stat.childCpu;
    return total;
  }

  /** RSS of this process and of each livesnap descendant, and what the descendants are. */
  rss(): { self: number; children: number; count: number; kinds: Record<string, number> } {
    let children = 0;
    const kinds: Record<string, number> = {};
    const members = this.members();
    for (const pid of members.keys()) {
      children += processRssBytes(pid) ?? 0;
      const kind = commandOf(pid);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    return { self: process.memoryUsage().rss, children, count: members.size, kinds };
  }
}

/** CPU seconds of one process between two readings; NaN when it is gone. */
export function cpuSince(pid: number, start: number): number {
  return (cpuOf(pid) ?? Number.NaN) - start;
}

export const cpuNow = (pid: number) => cpuOf(pid) ?? Number.NaN;

// ---------------------------------------------------------------------------------------------
// Snapshots as a user sees them

export interface SnapshotSeen {
  capturedAt: number;
  /** When the in-process bus subscriber got it: what a user of the API can notice. */
  receivedAt: number;
}

export interface SnapshotLog {
  byStream: Map<string, SnapshotSeen[]>;
  total(): number;
  /** Resolves once `count` streams have at least one snapshot, or after `timeoutMs`. */
  streamsWithSnapshots(count: number, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Every snapshot of the bench account, per stream, from the app's bus. */
export function recordSnapshots(bench: BenchApp): SnapshotLog {
  const abort = new AbortController();
  const byStream = new Map<string, SnapshotSeen[]>();
  const waiters = new Set<() => void>();
  const loop = (async () => {
    for await (const row of bench.app.bus.subscribeSnapshotCreated({ accountId: bench.accountId }, abort.signal)) {
      const list = byStream.get(row.streamName) ?? [];
      list.push({ capturedAt: row.capturedAt.getTime(), receivedAt: Date.now() });
      byStream.set(row.streamName, list);
      for (const waiter of waiters) waiter();
    }
  })();
  return {
    byStream,
    total: () => [...byStream.values()].reduce((n, list) => n + list.length, 0),
    streamsWithSnapshots: (count, timeoutMs) =>
      new Promise((resolve) => {
        const check = () => {
          if (byStream.size >= count) done(true);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        const done = (result: boolean) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(result);
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
}

/** Publish time per stream name (live_streams.startedAt of its first session) and how many sessions it had. */
export async function publishTimes(bench: BenchApp): Promise<Map<string, { at: number; sessions: number }>> {
  const rows = await bench.app.database.db
    .select({ streamName: liveStreamsTable.streamName, startedAt: liveStreamsTable.startedAt })
    .from(liveStreamsTable)
    .where(eq(liveStreamsTable.domain, "localhost"));
  const out = new Map<string, { at: number; sessions: number }>();
  for (const row of rows) {
    const seen = out.get(row.streamName);
    const at = row.startedAt.getTime();
    out.set(row.streamName, { at: Math.min(at, seen?.at ?? at), sessions: (seen?.sessions ?? 0) + 1 });
  }
  return out;
}

export interface Lateness {
  captured: number;
  missing: string[];
  /** Gap between consecutive snapshots minus the interval, on arrival times (s). */
  gapLateness: number[];
  /** The same on capturedAt (s). */
  capturedGapLateness: number[];
  /** First snapshot's arrival minus the publish (s). */
  first: number[];
  lateGaps: number;
  lateFirsts: number;
  examples: string[];
  republished: number;
}

/**
 * Lateness per stream: a gap between two consecutive snapshots longer than the interval by more
 * than `allowedSeconds`, or a first snapshot later than `firstAllowedSeconds` after the publish.
 */
export function lateness(
  streams: string[],
  log: SnapshotLog,
  publishes: Map<string, { at: number; sessions: number }>,
  intervalSeconds: number,
  allowedSeconds: number,
  firstAllowedSeconds: number,
  t0: number,
): Lateness {
  const out: Lateness = { captured: 0, missing: [], gapLateness: [], capturedGapLateness: [], first: [], lateGaps: 0, lateFirsts: 0, examples: [], republished: 0 };
  for (const name of streams) {
    const seen = [...(log.byStream.get(name) ?? [])].sort((a, b) => a.receivedAt - b.receivedAt);
    const publish = publishes.get(name);
    if ((publish?.sessions ?? 0) > 1) out.republished++;
    if (seen.length === 0) {
      out.missing.push(name);
      continue;
    }
    out.captured++;
    if (publish) {
      const first = (seen[0]!.receivedAt - publish.at) / 1000;
      out.first.push(first);
      if (first > firstAllowedSeconds) {
        out.lateFirsts++;
        if (out.examples.length < 8) out.examples.push(`${name} first ${fmt(first)} s after publish`);
      }
    }
    const captured = seen.map((s) => s.capturedAt).sort((a, b) => a - b);
    for (let i = 1; i < seen.length; i++) {
      const late = (seen[i]!.receivedAt - seen[i - 1]!.receivedAt) / 1000 - intervalSeconds;
      out.gapLateness.push(late);
      out.capturedGapLateness.push((captured[i]! - captured[i - 1]!) / 1000 - intervalSeconds);
      if (late > allowedSeconds) {
        out.lateGaps++;
        if (out.examples.length < 8) out.examples.push(`${name} gap +${fmt(late)} s at +${fmt((seen[i]!.receivedAt - t0) / 1000, 1)} s`);
      }
    }
  }
  return out;
}

/** A graphql-ws subscriber to snapshotCreated: receive time minus capturedAt per image (ms). */
export async function subscribeOverWs(bench: BenchApp): Promise<{ latencies: number[]; errors: string[]; dispose(): Promise<void> }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const client: Client = createClient({
    url: `${bench.app.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${bench.token}` },
  });
  await new Promise<void>((resolve, reject) => {
    client.on("connected", () => resolve());
    client.on("closed", () => reject(new Error("graphql-ws closed before connecting")));
    client.subscribe<{ snapshotCreated: { capturedAt: string } }>(
      { query: "subscription { snapshotCreated { id streamName capturedAt url } }" },
      {
        next: (result) => {
          if (result.errors) errors.push(JSON.stringify(result.errors).slice(0, 300));
          const capturedAt = result.data?.snapshotCreated.capturedAt;
          if (capturedAt) latencies.push(Date.now() - Date.parse(capturedAt));
        },
        error: (error) => errors.push((error instanceof Error ? error.message : JSON.stringify(error)).slice(0, 300)),
        complete: () => {},
      },
    );
  });
  return { latencies, errors, dispose: () => client.dispose() as Promise<void> };
}

/** Event-loop delay of this process (where livesnap runs), in ms. */
export function loopDelayMonitor(): { histogram: IntervalHistogram; p99(): number; max(): number; stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    histogram,
    p99: () => histogram.percentile(99) / 1e6,
    max: () => histogram.max / 1e6,
    stop: () => histogram.disable(),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

export interface Verdict {
  target: string;
  measured: string;
  /** null: not measured in this run (the reason is in `measured`). */
  pass: boolean | null;
}

const verdictWord = (pass: boolean | null) => (pass === null ? "NOT MEASURED" : pass ? "PASS" : "MISS");

/** The run's details, then a table of targets with PASS, MISS or NOT MEASURED. */
export function report(title: string, details: string[], verdicts: Verdict[]): string {
  const width = (pick: (v: Verdict) => string, head: string) => Math.max(head.length, ...verdicts.map((v) => pick(v).length));
  const tw = width((v) => v.target, "target");
  const mw = width((v) => v.measured, "measured");
  const row = (a: string, b: string, c: string) => `| ${a.padEnd(tw)} | ${b.padEnd(mw)} | ${c.padEnd(12)} |`;
  return [
    `\n== ${title} ==`,
    ...details,
    row("target", "measured", "result"),
    row("-".repeat(tw), "-".repeat(mw), "-".repeat(12)),
    ...verdicts.map((v) => row(v.target, v.measured, verdictWord(v.pass))),
  ].join("\n");
}

/** "p50 x p90 y p99 z max w" of a list, with a unit. */
export function spread(values: number[], digits = 2, unit = ""): string {
  const s = summarize(values);
  return `n ${s.n} p50 ${fmt(s.p50, digits)}${unit} p90 ${fmt(s.p90, digits)}${unit} p99 ${fmt(s.p99, digits)}${unit} max ${fmt(s.max, digits)}${unit}`;
}
