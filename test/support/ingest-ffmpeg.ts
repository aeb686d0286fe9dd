import { spawn } from "node:child_process";

export interface FfmpegRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs ffmpeg to the end, killing it after timeoutMs. */
export function runFfmpeg(args: string[], timeoutMs: number): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads one video frame from a live URL the way capture does, as PNG bytes. */
export async function grabFrame(url: string, timeoutMs = 15_000): Promise<Buffer> {
  const run = await runFfmpeg(["-i", url, "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"], timeoutMs);
  if (run.code !== 0 || !run.stdout.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error(`no frame from ${url} (exit ${run.code}): ${run.stderr}`);
  }
  return run.stdout;
}

/** Pushes a short synthetic stream with a tcUrl other than the URL connected to. */
export function pushWithTcUrl(url: string, tcUrl: string, seconds: number): Promise<FfmpegRun> {
  return runFfmpeg(
    [
      "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15", "-t", String(seconds),
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30", "-threads", "1",
      "-rtmp_tcurl", tcUrl, "-f", "flv", url,
    ],
    (seconds + 10) * 1000,
  );
}
