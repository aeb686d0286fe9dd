import type { ImageSpec } from "../media/types";

/**
 * The scaling and fill part of the filter graph, or null when the source size is kept.
 * Padding and blurring run in yuv444p: with 4:2:0 chroma, pad, crop and overlay round odd
 * sizes and offsets to even ones and the output would miss the exact requested size.
 */
export function sizeFilter(spec: Pick<ImageSpec, "width" | "height" | "fillMode">): string | null {
  const { width, height, fillMode } = spec;
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

/**
 * The whole filter chain between the decoder and the encoder: size and fill, then the pixel
 * format the encoder takes (the ffmpeg CLI appends the same conversion for `-pix_fmt`).
 * yuvj420p is mjpeg's full-range 4:2:0.
 */
export function imageFilter(spec: ImageSpec): string {
  const size = sizeFilter(spec);
  const format = spec.format === "PNG" ? "format=rgb24" : "format=yuvj420p";
  return size === null ? format : `${size},${format}`;
}
