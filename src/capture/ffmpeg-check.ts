import { execFile } from "node:child_process";

const FIX = "install it (apt-get install ffmpeg) or set FFMPEG_PATH to the ffmpeg binary";

/**
 * Runs `<ffmpegPath> -version` and returns its first line. Throws a one-line Error that says
 * how to fix things when the binary is missing or does not run, so startup fails clearly
 * instead of every capture failing later.
 */
export function assertFfmpegAvailable(ffmpegPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath, ["-version"], { timeout: 10_000 }, (error, stdout) => {
      if (error === null) {
        resolve(stdout.split("\n", 1)[0] ?? "");
        return;
      }
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new Error(`ffmpeg not found at "${ffmpegPath}": ${FIX}`));
        return;
      }
      const reason = error.message.split("\n", 1)[0] ?? "";
      reject(new Error(`ffmpeg not runnable at "${ffmpegPath}" (${reason}): ${FIX}`));
    });
  });
}
