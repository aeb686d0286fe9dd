import { execFile } from "node:child_process";

/**
 * Whether ffmpeg can read a video frame from the URL within the timeout: is the stream still there?
 * An aborted probe answers false at once (its ffmpeg is killed).
 */
export function streamIsReadable(ffmpegPath: string, url: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      ffmpegPath,
      ["-hide_banner", "-loglevel", "error", "-nostdin", "-i", url, "-map", "0:v:0", "-frames:v", "1", "-f", "null", "-"],
      { timeout: timeoutMs, killSignal: "SIGKILL", signal },
      (error) => resolve(error === null),
    );
  });
}
