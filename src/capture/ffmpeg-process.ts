import { getPriority, setPriority } from "node:os";
import { spawn } from "node:child_process";
import { ImageSplitter } from "./image-splitter";

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when ffmpeg could not be started at all (e.g. ENOENT). */
  error?: Error;
  stderr: string;
}

export interface FfmpegProcessOptions {
  ffmpegPath: string;
  args: string[];
  /** Called synchronously for every whole image read from stdout. */
  onImage(data: Buffer): void;
  onExit?(exit: FfmpegExit): void;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
  /** How much of the end of stderr is kept for logs. */
  stderrTailBytes?: number;
}

export interface FfmpegProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<FfmpegExit>;
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  stop(): Promise<FfmpegExit>;
}

/**
 * Captures yield to the livesnap process: when CPU runs short, the ingest relaying every
 * stream (and the API) must keep up, or all captures starve at once; a late snapshot is the
 * lesser harm.
 */
const CAPTURE_NICENESS = 10;

function lowerPriority(pid: number | undefined) {
  if (pid === undefined) return;
  try {
    setPriority(pid, Math.min(19, getPriority(0) + CAPTURE_NICENESS));
  } catch {
    // the process may already have exited; its exit is reported elsewhere
  }
}

export function startFfmpegProcess(options: FfmpegProcessOptions): FfmpegProcess {
  const tailBytes = options.stderrTailBytes ?? 4096;
  const stopGraceMs = options.stopGraceMs ?? 3000;
  const splitter = new ImageSplitter();
  let stderr = "";
  const child = spawn(options.ffmpegPath, options.args, { stdio: ["ignore", "pipe", "pipe"] });
  lowerPriority(child.pid);

  child.stdout.on("data", (chunk: Buffer) => {
    for (const image of splitter.push(chunk)) options.onImage(image);
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-tailBytes);
  });

  let settle: (exit: FfmpegExit) => void = () => {};
  const exited = new Promise<FfmpegExit>((resolve) => {
    let done = false;
    settle = (exit) => {
      if (done) return;
      done = true;
      options.onExit?.(exit);
      resolve(exit);
    };
  });
  // "close" waits for stdout to drain, so an image written just before exit is still delivered.
  child.once("close", (code, signal) => settle({ code, signal, stderr }));
  child.once("error", (error) => {
    if (child.pid === undefined) settle({ code: null, signal: null, error, stderr });
  });

  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;

  return {
    get pid() {
      return child.pid;
    },
    exited,
    stderrTail: () => stderr,
    stop: async () => {
      if (running()) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => {
          if (running()) child.kill("SIGKILL");
        }, stopGraceMs);
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      }
      return exited;
    },
  };
}
