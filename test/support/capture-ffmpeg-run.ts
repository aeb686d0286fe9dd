import { spawn } from "node:child_process";

/** Runs ffmpeg to completion and returns its stdout; rejects with stderr on failure. */
export function runFfmpeg(args: string[], stdin?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", args, { stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg exited with ${code}: ${err}`));
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** Stills from a lavfi source, `count` of them, each a whole JPEG or PNG file of exactly `size`. */
export async function makeTestImages(format: "JPG" | "PNG", count: number, size = "96x64"): Promise<Buffer> {
  const codec = format === "JPG" ? ["-c:v", "mjpeg", "-pix_fmt", "yuvj420p"] : ["-c:v", "png"];
  return runFfmpeg([
    "-hide_banner", "-loglevel", "error", "-f", "lavfi", // testsrc2 rounds odd sizes to even ones; scaling afterwards gives any size.
    "-i", `testsrc2=size=96x64:rate=1,scale=${size.replace("x", ":")}`,
    "-frames:v", String(count), ...codec, "-f", "image2pipe", "pipe:1",
  ]);
}

export interface RgbImage {
  width: number;
  height: number;
  pixel(x: number, y: number): [number, number, number];
}

/** Decodes one JPEG or PNG with ffmpeg into RGB pixels. */
export async function decodeRgb(image: Buffer, width: number, height: number): Promise<RgbImage> {
  const raw = await runFfmpeg(
    ["-hide_banner", "-loglevel", "error", "-f", "image2pipe", "-i", "pipe:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    image,
  );
  if (raw.length !== width * height * 3) throw new Error(`decoded ${raw.length} bytes for ${width}x${height}`);
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = (y * width + x) * 3;
      return [raw[i] ?? -1, raw[i + 1] ?? -1, raw[i + 2] ?? -1];
    },
  };
}
