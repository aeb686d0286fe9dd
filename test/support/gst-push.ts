import { spawn } from "node:child_process";
import type { Push } from "./ffmpeg-push";

export interface GstPushOptions {
  port: number;
  app: string;
  /** Stream name as published, query arguments included (`cam1?vhost=push.example.com`). */
  stream: string;
  width?: number;
  height?: number;
  fps?: number;
}

/** Pushes a live H.264 test pattern with GStreamer's rtmp2sink, the other family of RTMP encoders. */
export function pushWithGstreamer(options: GstPushOptions): Push {
  const fps = options.fps ?? 15;
  const args = [
    "-q",
    "videotestsrc", "is-live=true", "pattern=ball",
    "!", `video/x-raw,width=${options.width ?? 320},height=${options.height ?? 180},framerate=${fps}/1`,
    "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", `key-int-max=${fps}`, "threads=1",
    "!", "h264parse",
    "!", "flvmux", "streamable=true",
    "!", "rtmp2sink", "host=127.0.0.1", `port=${options.port}`, `application=${options.app}`, `stream=${options.stream}`,
  ];
  const child = spawn("gst-launch-1.0", args, { stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    errors = (errors + chunk).slice(-8192);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    process: child,
    exited,
    stderr: () => errors,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}
