import type { FrozenTemplate } from "../db/schema/live-streams";

export type CaptureTemplate = Pick<FrozenTemplate, "format" | "intervalSeconds" | "width" | "height" | "fillMode">;

export interface FfmpegArgsInput {
  inputUrl: string;
  template: CaptureTemplate;
  /** Decode keyframes only (cheap); false decodes every frame so any GOP works. */
  keyframesOnly: boolean;
  /** Forces the input demuxer (`-f` before `-i`), e.g. `lavfi`; absent: ffmpeg probes. */
  inputFormat?: string;
}

/**
 * Picks the first frame, then the first frame at least N seconds of stream time after the
 * previously picked one. Unlike `fps=1/N` this never duplicates or bursts frames when only
 * keyframes reach the filter.
 */
export function selectFilter(intervalSeconds: number): string {
  return `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${intervalSeconds})'`;
}

/**
 * The scaling and fill part of the filter graph, or null when the source size is kept.
 * Padding and blurring run in yuv444p: with 4:2:0 chroma, pad, crop and overlay round odd
 * sizes and offsets to even ones and the output would miss the exact requested size.
 */
export function sizeFilter(template: CaptureTemplate): string | null {
  const { width, height, fillMode } = template;
  if (width === null && height === null) return null;
  if (width === null || height === null) {
    // -1 keeps the source aspect ratio exactly; -2 would round to even and change the size.
    return `scale=${width ?? -1}:${height ?? -1},setsar=1`;
  }
  const fit = `scale=${width}:${height}:force_original_aspect_ratio=decrease,format=yuv444p`;
  const centre = "(ow-iw)/2:(oh-ih)/2";
  switch (fillMode) {
    case "STRETCH":
      return `scale=${width}:${height},setsar=1`;
    case "PAD_BLACK":
      return `${fit},pad=${width}:${height}:${centre}:color=black,setsar=1`;
    case "PAD_WHITE":
      return `${fit},pad=${width}:${height}:${centre}:color=white,setsar=1`;
    case "BLUR": {
      const cover = `scale=${width}:${height}:force_original_aspect_ratio=increase,format=yuv444p,crop=${width}:${height}`;
      // The radius follows the image size so small outputs stay within boxblur's limits.
      const blur = "boxblur=luma_radius='min(w,h)/20':luma_power=2";
      return (
        `split=2[bg][fg];[bg]${cover},${blur}[blurred];[fg]${fit}[fitted];` +
        `[blurred][fitted]overlay=(W-w)/2:(H-h)/2:format=yuv444,setsar=1`
      );
    }
  }
}

export function videoFilter(template: CaptureTemplate): string {
  const size = sizeFilter(template);
  return size === null ? selectFilter(template.intervalSeconds) : `${selectFilter(template.intervalSeconds)},${size}`;
}

/**
 * One encoder thread: with frame threads an image leaves the encoder only when the next one
 * enters, so every snapshot would come out one interval late.
 */
function encoderArgs(format: CaptureTemplate["format"]): string[] {
  if (format === "PNG") return ["-c:v", "png", "-pix_fmt", "rgb24", "-threads", "1"];
  // yuvj420p is mjpeg's full-range 4:2:0; q 2 is near the top of mjpeg's 2..31 quality scale.
  return ["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p", "-threads", "1"];
}

/**
 * ffmpeg arguments for one long-running capture of one stream, writing one image per
 * interval to stdout. -probesize/-analyzeduration stay at their defaults on purpose: smaller
 * values make streams that start with audio fail to open.
 */
export function buildFfmpegArgs(input: FfmpegArgsInput): string[] {
  // "error" keeps stderr useful: the yuvj pixel formats make swscale warn at every filter setup.
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error"];
  // -discard drops non-key packets in the demuxer already, so they are not even handed to the
  // decoder: measured 0.75 % of a core per 720p30 stream against 0.88 % without it (BENCHMARKS.md).
  if (input.keyframesOnly) args.push("-discard", "nokey", "-skip_frame", "nokey", "-threads", "1");
  if (input.inputFormat !== undefined) args.push("-f", input.inputFormat);
  args.push("-i", input.inputUrl);
  args.push("-an", "-sn", "-dn");
  args.push("-vf", videoFilter(input.template));
  args.push("-fps_mode", "passthrough");
  args.push(...encoderArgs(input.template.format));
  args.push("-f", "image2pipe", "pipe:1");
  return args;
}
