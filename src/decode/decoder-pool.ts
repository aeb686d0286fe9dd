import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism, getPriority, setPriority } from "node:os";
import type { Logger } from "../logger";
import type { DecodeJob, DecodedImage } from "../media/types";
import { buildWorkerEntry } from "./worker-entry";
import type { WorkerReply, WorkerRequest } from "./worker-protocol";

/** A newer scheduled job of the same stream took this one's place in the queue. */
export class SupersededError extends Error {
  override name = "SupersededError";
}

/** The job was not decoded: refused, timed out, its worker died, or the decoder failed. */
export class DecodeJobError extends Error {
  override name = "DecodeJobError";
}

export interface DecoderPoolOptions {
  /** Worker processes, one job each at a time; default: os.availableParallelism(). */
  workers?: number;
  /** A job running longer kills its worker (SIGKILL) and fails. */
  jobTimeoutMs: number;
  logger: Logger;
  /** Jobs waiting in all (on-demand + one scheduled per stream); beyond it decode() refuses. */
  maxQueued?: number;
  /** The worker's TypeScript entry; tests hand in a variant. */
  workerSource?: string;
}

export interface TimeSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface DecoderPoolStats {
  queued: number;
  queuedOnDemand: number;
  inFlight: number;
  workersAlive: number;
  /** Alive workers that have loaded their decoders and take jobs. */
  workersReady: number;
  /** Workers started to replace one that died or was killed. */
  restarts: number;
  completed: number;
  failed: number;
  superseded: number;
  refused: number;
  /** Milliseconds from decode() to a worker taking the job, over the recent jobs. */
  queueWaitMs: TimeSummary;
  /** Milliseconds a worker spent on a job, over the recent jobs. */
  decodeMs: TimeSummary;
}

export interface DecoderPool {
  decode(job: DecodeJob): Promise<DecodedImage>;
  stats(): DecoderPoolStats;
  /** Pids of the live workers, for diagnostics and tests. */
  workerPids(): number[];
  /** Stops every worker; queued and running jobs reject. */
  close(): Promise<void>;
}

/** Same niceness as the per-stream ffmpeg: the API and the ingest win when CPU runs short. */
const WORKER_NICENESS = 10;
const SAMPLES_KEPT = 1000;
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;
/** A worker that lived longer than this was not crash-looping: the next start is immediate. */
const HEALTHY_LIFETIME_MS = 10_000;
const STDERR_KEPT = 2000;

interface Pending {
  job: DecodeJob;
  queuedAt: number;
  resolve(image: DecodedImage): void;
  reject(error: Error): void;
}

class Samples {
  private readonly values: number[] = [];
  private next = 0;

  add(value: number): void {
    if (this.values.length < SAMPLES_KEPT) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % SAMPLES_KEPT;
  }

  summary(): TimeSummary {
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
  }
}

interface Worker {
  child: ChildProcess;
  startedAt: number;
  ready: boolean;
  exited: boolean;
  running: { request: WorkerRequest; pending: Pending; startedAt: number; timer: NodeJS.Timeout } | null;
  stderr: string;
}

class Pool implements DecoderPool {
  private readonly workers = new Set<Worker>();
  private readonly onDemand: Pending[] = [];
  /** One scheduled job per stream; Map order is arrival order, kept when a job is superseded. */
  private readonly scheduled = new Map<string, Pending>();
  private readonly queueWait = new Samples();
  private readonly decodeTime = new Samples();
  private readonly counts = { restarts: 0, completed: 0, failed: 0, superseded: 0, refused: 0 };
  private readonly maxQueued: number;
  private nextId = 1;
  private backoffMs = 0;
  private closed = false;
  private readonly restartTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly entry: string,
    private readonly options: DecoderPoolOptions,
  ) {
    this.maxQueued = options.maxQueued ?? 1000;
    const size = options.workers ?? availableParallelism();
    for (let i = 0; i < size; i++) this.startWorker();
  }

  decode(job: DecodeJob): Promise<DecodedImage> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new DecodeJobError("the decoder pool is closed"));
      const pending: Pending = { job, queuedAt: performance.now(), resolve, reject };
      const older = job.priority === "scheduled" ? this.scheduled.get(job.streamId) : undefined;
      if (older !== undefined) {
        this.scheduled.set(job.streamId, pending);
        this.counts.superseded += 1;
        older.reject(new SupersededError(`a newer image for stream ${job.streamId} replaced this one in the decode queue`));
      } else if (this.queueLength() >= this.maxQueued) {
        this.counts.refused += 1;
        return reject(new DecodeJobError(`the decode queue is full (${this.maxQueued} jobs waiting); job for stream ${job.streamId} refused`));
      } else if (job.priority === "on-demand") {
        this.onDemand.push(pending);
      } else {
        this.scheduled.set(job.streamId, pending);
      }
      this.dispatch();
    });
  }

  stats(): DecoderPoolStats {
    let inFlight = 0;
    let alive = 0;
    let ready = 0;
    for (const worker of this.workers) {
      if (worker.running !== null) inFlight += 1;
      if (!worker.exited) alive += 1;
      if (!worker.exited && worker.ready) ready += 1;
    }
    return {
      queued: this.queueLength(),
      queuedOnDemand: this.onDemand.length,
      inFlight,
      workersAlive: alive,
      workersReady: ready,
      ...this.counts,
      queueWaitMs: this.queueWait.summary(),
      decodeMs: this.decodeTime.summary(),
    };
  }

  workerPids(): number[] {
    return [...this.workers].flatMap((w) => (w.exited || w.child.pid === undefined ? [] : [w.child.pid]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.restartTimers) clearTimeout(timer);
    const closedError = () => new DecodeJobError("the decoder pool closed before the job ran");
    for (const pending of this.onDemand.splice(0)) pending.reject(closedError());
    for (const pending of this.scheduled.values()) pending.reject(closedError());
    this.scheduled.clear();
    const exits = [...this.workers].filter((w) => !w.exited).map((w) => new Promise<void>((resolve) => w.child.once("exit", () => resolve())));
    for (const worker of this.workers) {
      if (!worker.exited) worker.child.kill("SIGKILL");
    }
    await Promise.all(exits);
  }

  private queueLength(): number {
    return this.onDemand.length + this.scheduled.size;
  }

  private takeNext(): Pending | undefined {
    const urgent = this.onDemand.shift();
    if (urgent !== undefined) return urgent;
    for (const [streamId, pending] of this.scheduled) {
      this.scheduled.delete(streamId);
      return pending;
    }
    return undefined;
  }

  private dispatch(): void {
    for (const worker of this.workers) {
      if (!worker.ready || worker.exited || worker.running !== null) continue;
      const pending = this.takeNext();
      if (pending === undefined) return;
      this.run(worker, pending);
    }
  }

  private run(worker: Worker, pending: Pending): void {
    const request: WorkerRequest = { id: this.nextId++, job: pending.job };
    const now = performance.now();
    this.queueWait.add(now - pending.queuedAt);
    const timer = setTimeout(() => {
      this.fail(worker, new DecodeJobError(`decoding took longer than ${this.options.jobTimeoutMs} ms; worker ${worker.child.pid} was killed`));
      worker.child.kill("SIGKILL");
    }, this.options.jobTimeoutMs);
    worker.running = { request, pending, startedAt: now, timer };
    worker.child.send(request, (error) => {
      // The channel closed under us: the exit handler fails the job.
      if (error) worker.child.kill("SIGKILL");
    });
  }

  /** Ends the worker's job in flight with an error, once. */
  private fail(worker: Worker, error: Error): void {
    const running = worker.running;
    if (running === null) return;
    worker.running = null;
    clearTimeout(running.timer);
    this.counts.failed += 1;
    running.pending.reject(error);
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    if ("ready" in reply) {
      worker.ready = true;
      this.dispatch();
      return;
    }
    const running = worker.running;
    if (running === null || running.request.id !== reply.id) return;
    worker.running = null;
    clearTimeout(running.timer);
    this.decodeTime.add(performance.now() - running.startedAt);
    if (reply.ok) {
      this.counts.completed += 1;
      const { image } = reply;
      const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
      running.pending.resolve({ ...image, data });
    } else {
      this.counts.failed += 1;
      running.pending.reject(new DecodeJobError(`stream ${running.pending.job.streamId}: ${reply.error}`));
    }
    this.dispatch();
  }

  private startWorker(): void {
    const child = fork(this.entry, [], {
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const worker: Worker = { child, startedAt: performance.now(), ready: false, exited: false, running: null, stderr: "" };
    this.workers.add(worker);
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, Math.min(19, getPriority(0) + WORKER_NICENESS));
      } catch {
        // the worker may already be gone; its exit is handled below
      }
    }
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      worker.stderr = (worker.stderr + chunk).slice(-STDERR_KEPT);
    });
    child.on("message", (reply: WorkerReply) => this.onReply(worker, reply));
    // A failed spawn also ends in "exit" or "close"; "error" alone must not throw.
    child.on("error", (error) => this.options.logger.warn({ err: error, pid: child.pid }, "decoder worker error"));
    child.once("exit", (code, signal) => this.onExit(worker, code, signal));
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    worker.exited = true;
    this.workers.delete(worker);
    const how = signal !== null ? `signal ${signal}` : `code ${code}`;
    this.fail(worker, new DecodeJobError(`decoder worker ${worker.child.pid} exited (${how}) during the job`));
    if (this.closed) return;
    const lived = performance.now() - worker.startedAt;
    this.backoffMs = lived > HEALTHY_LIFETIME_MS ? 0 : Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_FIRST_MS, this.backoffMs * 2));
    this.options.logger.warn(
      { pid: worker.child.pid, exit: how, livedMs: Math.round(lived), restartInMs: this.backoffMs, stderr: worker.stderr.trim() || undefined },
      "decoder worker exited; starting another",
    );
    this.counts.restarts += 1;
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.closed) this.startWorker();
    }, this.backoffMs);
    this.restartTimers.add(timer);
    this.dispatch();
  }
}

/**
 * Starts `workers` decoder processes, each decoding one job at a time. On-demand jobs go first;
 * scheduled jobs wait at most one per stream, served in arrival order, a newer one replacing
 * the older in its place (the older rejects with SupersededError), so under load every stream
 * gets images late rather than some none.
 */
export async function createDecoderPool(options: DecoderPoolOptions): Promise<DecoderPool> {
  const entry = await buildWorkerEntry(options.workerSource);
  return new Pool(entry, options);
}
