import { spawn, type ChildProcess } from "node:child_process";

export interface PushOptions {
  /** rtmp://host:port/app/stream */
  url: string;
  width?: number;
  height?: number;
  fps?: number;
  /** Keyframe interval in frames (GOP); fps * 2 gives a 2 s GOP. */
  gop?: number;
  /** Stops by itself after this long; absent: runs until stop(). */
  durationSeconds?: number;
  /** Adds a silent audio track, as most real encoders send. */
  audio?: boolean;
}

export interface Push {
  process: ChildProcess;
  /** Resolves with ffmpeg's exit code once it has ended. */
  exited: Promise<number | null>;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Pushes a synthetic H.264 stream (lavfi testsrc2) in real time, like an encoder would. */
export function pushTestStream(options: PushOptions): Push {
  const fps = options.fps ?? 30;
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const gop = options.gop ?? fps * 2;
  const args = ["-hide_banner", "-loglevel", "error", "-nostdin", "-re"];
  args.push("-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${fps}`);
  if (options.audio) args.push("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono");
  if (options.durationSeconds !== undefined) args.push("-t", String(options.durationSeconds));
  args.push(
    "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
    "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0", "-threads", "1",
  );
  if (options.audio) args.push("-c:a", "aac", "-b:a", "32k");
  args.push("-f", "flv", options.url);
  return pushProcess(spawn("ffmpeg", args, { stdio: ["ignore", "ignore", "pipe"] }));
}

/** A publisher process as a Push: the tail of its stderr, its exit, and a stop that ends it for sure. */
export function pushProcess(child: ChildProcess): Push {
  let errors = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    errors = (errors + chunk).slice(-8192);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
  });
  return {
    process: child,
    exited,
    stderr: () => errors,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // Signalled through its own handle: the child is not yet reaped, so its pid is still its own.
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}
