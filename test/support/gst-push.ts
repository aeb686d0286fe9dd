import { spawn } from "node:child_process";

export interface GstPush {
  /** Resolves with gst-launch's exit code once it has ended. */
  exited: Promise<number | null>;
  output(): string;
  stop(): Promise<number | null>;
}

/** Publishes synthetic H.264 with GStreamer's rtmp2sink, as a GStreamer-based encoder would. */
export function gstPush(location: string, seconds: number): GstPush {
  const fps = 15;
  const pipeline = [
    "videotestsrc", "is-live=true", `num-buffers=${seconds * fps}`, "!",
    `video/x-raw,width=320,height=180,framerate=${fps}/1`, "!",
    "x264enc", "tune=zerolatency", "speed-preset=ultrafast", `key-int-max=${fps}`, "threads=1", "!",
    "flvmux", "streamable=true", "!",
    "rtmp2sink", `location=${location}`,
  ];
  const child = spawn("gst-launch-1.0", ["-e", ...pipeline], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8192);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    exited,
    output: () => output,
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
