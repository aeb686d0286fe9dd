import { spawn } from "node:child_process";
import { pushProcess, type Push } from "./ffmpeg-push";

export interface GstPushOptions {
  /** Where to publish: a whole rtmp:// URL (query arguments included), or its parts. */
  target: { location: string } | { port: number; app: string; stream: string };
  width?: number;
  height?: number;
  fps?: number;
  /** Stops by itself after this long; absent: runs until stop(). */
  durationSeconds?: number;
}

/** Pushes a live H.264 test pattern with GStreamer's rtmp2sink, the other family of RTMP encoders. */
export function pushWithGstreamer(options: GstPushOptions): Push {
  const fps = options.fps ?? 15;
  const { target } = options;
  const sink =
    "location" in target
      ? [`location=${target.location}`]
      : ["host=127.0.0.1", `port=${target.port}`, `application=${target.app}`, `stream=${target.stream}`];
  const frames = options.durationSeconds === undefined ? [] : [`num-buffers=${options.durationSeconds * fps}`];
  const args = [
    "-q", "-e",
    "videotestsrc", "is-live=true", "pattern=ball", ...frames,
    "!", `video/x-raw,width=${options.width ?? 320},height=${options.height ?? 180},framerate=${fps}/1`,
    "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", `key-int-max=${fps}`, "threads=1",
    "!", "h264parse",
    "!", "flvmux", "streamable=true",
    "!", "rtmp2sink", ...sink,
  ];
  return pushProcess(spawn("gst-launch-1.0", args, { stdio: ["ignore", "ignore", "pipe"] }));
}
