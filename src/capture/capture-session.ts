import type { Logger } from "../logger";
import { buildFfmpegArgs } from "./ffmpeg-args";
import { startFfmpegProcess, type FfmpegExit, type FfmpegProcess } from "./ffmpeg-process";
import { readImageInfo } from "./image-info";
import type { StartGate } from "./start-gate";
import type { CaptureTunables } from "./tunables";
import type { CapturedImage, CaptureTarget } from "./types";

export interface CaptureSessionOptions {
  target: CaptureTarget;
  ffmpegPath: string;
  logger: Logger;
  tunables: CaptureTunables;
  onImage(image: CapturedImage): Promise<void> | void;
  /** Shared by the engine's sessions; absent: no limit. */
  startGate?: StartGate;
}

export interface CaptureSessionState {
  /** Process id of the running ffmpeg, if one runs now. */
  pid: number | undefined;
  keyframesOnly: boolean;
  /** ffmpeg processes started after the first one. */
  restarts: number;
  /** Waiting for a start slot (see maxConcurrentStarts). */
  queued: boolean;
}

/**
 * One live stream's capture: one long-running ffmpeg, restarted with backoff when it exits
 * or goes silent, switched to full decoding when keyframes do not come often enough.
 */
export class CaptureSession {
  private process: FfmpegProcess | undefined;
  private keyframesOnly = true;
  private stopped = false;
  private spawned = 0;
  private restartDelayMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private lastDeliveredAt: number | undefined;
  /** Whether the running ffmpeg has written an image yet. */
  private processHasImaged = false;
  /** Keyframes-only ffmpegs in a row that wrote nothing at all before going silent. */
  private silentStarts = 0;
  /** Frees this session's start slot once its ffmpeg has written an image, exited or been stopped. */
  private releaseStart: (() => void) | undefined;
  private waitingToStart = false;
  private pending: CapturedImage | undefined;
  private delivering = false;
  private readonly intervalMs: number;
  private readonly log: Logger;

  constructor(private readonly options: CaptureSessionOptions) {
    this.restartDelayMs = options.tunables.restartInitialDelayMs;
    this.intervalMs = options.target.template.intervalSeconds * 1000;
    this.log = options.logger.child({ liveStreamId: options.target.liveStreamId });
  }

  start(): void {
    if (this.spawned === 0 && !this.stopped) this.spawnWhenAllowed();
  }

  state(): CaptureSessionState {
    return {
      pid: this.process?.pid,
      keyframesOnly: this.keyframesOnly,
      restarts: Math.max(0, this.spawned - 1),
      queued: this.waitingToStart,
    };
  }

  /** Final: ffmpeg is gone when this resolves, and no image is handed out afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending = undefined;
    this.finishStart();
    clearTimeout(this.restartTimer);
    clearTimeout(this.watchdogTimer);
    const process = this.process;
    this.process = undefined;
    if (process !== undefined) await process.stop();
  }

  private spawnWhenAllowed(): void {
    const gate = this.options.startGate;
    if (gate === undefined) {
      this.spawn();
      return;
    }
    if (this.waitingToStart) return;
    this.waitingToStart = true;
    void gate.acquire(() => this.stopped).then((release) => {
      this.waitingToStart = false;
      if (this.stopped) {
        release();
        return;
      }
      this.releaseStart = release;
      this.spawn();
    });
  }

  private finishStart(): void {
    const release = this.releaseStart;
    this.releaseStart = undefined;
    release?.();
  }

  private spawn(): void {
    const { target, ffmpegPath, tunables } = this.options;
    const args = buildFfmpegArgs({ inputUrl: target.pullUrl, template: target.template, keyframesOnly: this.keyframesOnly });
    const process: FfmpegProcess = startFfmpegProcess({
      ffmpegPath,
      args,
      stopGraceMs: tunables.stopGraceMs,
      stderrTailBytes: tunables.stderrTailBytes,
      onImage: (data) => this.handleImage(process, data),
      onExit: (exit) => this.handleExit(process, exit),
    });
    this.process = process;
    this.processHasImaged = false;
    this.spawned += 1;
    this.log.debug({ pid: process.pid, keyframesOnly: this.keyframesOnly }, "ffmpeg started");
    this.armWatchdog(this.intervalMs + tunables.startupGraceMs);
  }

  private handleImage(process: FfmpegProcess, data: Buffer): void {
    if (process !== this.process || this.stopped) return;
    const now = Date.now();
    this.finishStart();
    this.processHasImaged = true;
    this.silentStarts = 0;
    this.restartDelayMs = this.options.tunables.restartInitialDelayMs;
    this.armWatchdog(this.intervalMs + this.options.tunables.silenceMarginMs);
    const info = readImageInfo(data);
    if (info === null) {
      this.log.warn({ bytes: data.length }, "ffmpeg wrote an image without a readable header; dropped");
      return;
    }
    const minSpacingMs = this.intervalMs * this.options.tunables.minSpacingFraction;
    if (this.lastDeliveredAt !== undefined && now - this.lastDeliveredAt < minSpacingMs) {
      this.log.debug({ sinceLastMs: now - this.lastDeliveredAt }, "image too close to the previous one; dropped");
      return;
    }
    this.lastDeliveredAt = now;
    this.enqueue({
      liveStreamId: this.options.target.liveStreamId,
      format: info.format,
      data,
      width: info.width,
      height: info.height,
      capturedAt: new Date(now),
    });
  }

  /** Keeps only the newest undelivered image: a slow consumer gets fresh snapshots, not a backlog. */
  private enqueue(image: CapturedImage): void {
    if (this.pending !== undefined) this.log.warn("previous image still waiting for delivery; replaced by a newer one");
    this.pending = image;
    if (!this.delivering) void this.deliver();
  }

  private async deliver(): Promise<void> {
    this.delivering = true;
    while (this.pending !== undefined && !this.stopped) {
      const image = this.pending;
      this.pending = undefined;
      try {
        await this.options.onImage(image);
      } catch (error) {
        this.log.error({ err: error }, "image handler failed");
      }
    }
    this.delivering = false;
  }

  private handleExit(process: FfmpegProcess, exit: FfmpegExit): void {
    if (process !== this.process || this.stopped) return;
    this.process = undefined;
    this.finishStart();
    clearTimeout(this.watchdogTimer);
    this.log.warn(
      { code: exit.code, signal: exit.signal, error: exit.error?.message, stderr: exit.stderr.trim(), retryInMs: this.restartDelayMs },
      "ffmpeg exited; restarting",
    );
    this.scheduleRestart();
  }

  private armWatchdog(timeoutMs: number): void {
    clearTimeout(this.watchdogTimer);
    this.watchdogTimer = setTimeout(() => this.handleSilence(timeoutMs), timeoutMs);
  }

  private handleSilence(timeoutMs: number): void {
    const process = this.process;
    if (this.stopped || process === undefined) return;
    this.process = undefined;
    this.finishStart();
    if (this.keyframesOnly && !this.processHasImaged && this.silentStarts === 0) {
      // Nothing at all yet: a source without keyframes, or one slow to start on a busy
      // machine. Full decoding costs several times the CPU for the rest of the stream, so
      // the first time this ffmpeg only gets a second chance.
      this.silentStarts += 1;
      this.log.warn({ silentMs: timeoutMs }, "no image since ffmpeg started; restarting");
    } else if (this.keyframesOnly) {
      // Keyframes came, but further apart than the interval (a long GOP), or twice none came
      // at all. Full decoding picks any frame.
      this.keyframesOnly = false;
      this.log.warn({ silentMs: timeoutMs }, "no keyframe within the interval; switching this stream to full decoding");
    } else {
      this.log.warn({ silentMs: timeoutMs, stderr: process.stderrTail().trim() }, "ffmpeg silent; restarting");
    }
    void process.stop().then(() => this.scheduleRestart());
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, this.options.tunables.restartMaxDelayMs);
    this.restartTimer = setTimeout(() => {
      if (!this.stopped) this.spawnWhenAllowed();
    }, delay);
  }
}
