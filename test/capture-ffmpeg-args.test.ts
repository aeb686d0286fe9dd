import { describe, expect, it } from "vitest";
import { buildFfmpegArgs, type CaptureTemplate } from "../src/capture/ffmpeg-args";
import { ImageSplitter } from "../src/capture/image-splitter";
import { readImageInfo } from "../src/capture/image-info";
import { decodeRgb, runFfmpeg } from "./support/capture-ffmpeg-run";

function template(overrides: Partial<CaptureTemplate> = {}): CaptureTemplate {
  return { format: "JPG", intervalSeconds: 5, width: null, height: null, fillMode: "STRETCH", ...overrides };
}

function argAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
}

const url = "rtmp://127.0.0.1:1935/live/cam-1?token=a&b=c";

describe("buildFfmpegArgs", () => {
  it("reads and decodes keyframes only, on one thread, before the input when asked", () => {
    const args = buildFfmpegArgs({ inputUrl: url, template: template(), keyframesOnly: true });
    const input = args.indexOf("-i");
    expect(args[input + 1]).toBe(url);
    expect(args.slice(0, input).join(" ")).toContain("-discard nokey -skip_frame nokey -threads 1");
  });

  it("decodes every frame when keyframes-only is off", () => {
    const args = buildFfmpegArgs({ inputUrl: url, template: template(), keyframesOnly: false });
    expect(args).not.toContain("-skip_frame");
    expect(args).not.toContain("nokey");
  });

  it("keeps video only, passes timestamps through and writes images to stdout", () => {
    const args = buildFfmpegArgs({ inputUrl: url, template: template(), keyframesOnly: true });
    const input = args.indexOf("-i");
    const output = args.slice(input + 2);
    expect(output).toEqual(expect.arrayContaining(["-an", "-sn", "-dn"]));
    expect(argAfter(output, "-fps_mode")).toBe("passthrough");
    // A frame-threaded encoder holds each image until the next one: a full interval late.
    expect(argAfter(output, "-threads")).toBe("1");
    expect(output.slice(-3)).toEqual(["-f", "image2pipe", "pipe:1"]);
  });

  it("never shrinks probing, which breaks audio-first streams", () => {
    const args = buildFfmpegArgs({ inputUrl: url, template: template(), keyframesOnly: true });
    expect(args).not.toContain("-probesize");
    expect(args).not.toContain("-analyzeduration");
  });

  it("selects one frame per interval of stream time", () => {
    const args = buildFfmpegArgs({ inputUrl: url, template: template({ intervalSeconds: 37 }), keyframesOnly: true });
    expect(argAfter(args, "-vf")).toBe("select='isnan(prev_selected_t)+gte(t-prev_selected_t,37)'");
  });

  it("encodes JPG as high-quality full-range mjpeg and PNG as rgb24 png", () => {
    const jpg = buildFfmpegArgs({ inputUrl: url, template: template({ format: "JPG" }), keyframesOnly: true });
    expect(argAfter(jpg, "-c:v")).toBe("mjpeg");
    expect(argAfter(jpg, "-q:v")).toBe("2");
    expect(argAfter(jpg, "-pix_fmt")).toBe("yuvj420p");
    const png = buildFfmpegArgs({ inputUrl: url, template: template({ format: "PNG" }), keyframesOnly: true });
    expect(argAfter(png, "-c:v")).toBe("png");
    expect(argAfter(png, "-pix_fmt")).toBe("rgb24");
  });

  it("forces the input format only when given", () => {
    const plain = buildFfmpegArgs({ inputUrl: url, template: template(), keyframesOnly: false });
    expect(plain.indexOf("-f")).toBe(plain.lastIndexOf("-f"));
    const lavfi = buildFfmpegArgs({ inputUrl: "color", template: template(), keyframesOnly: false, inputFormat: "lavfi" });
    expect(lavfi.slice(lavfi.indexOf("-i") - 2, lavfi.indexOf("-i"))).toEqual(["-f", "lavfi"]);
  });

  it("scales only when a size is asked for, following the aspect ratio for a missing side", () => {
    const vf = (t: Partial<CaptureTemplate>) =>
      argAfter(buildFfmpegArgs({ inputUrl: url, template: template(t), keyframesOnly: true }), "-vf") ?? "";
    expect(vf({})).not.toContain("scale");
    expect(vf({ width: 320 })).toContain("scale=320:-1");
    expect(vf({ height: 240 })).toContain("scale=-1:240");
    expect(vf({ width: 320, height: 240, fillMode: "STRETCH" })).toContain("scale=320:240,");
    expect(vf({ width: 320, height: 240, fillMode: "PAD_BLACK" })).toContain("color=black");
    expect(vf({ width: 320, height: 240, fillMode: "PAD_WHITE" })).toContain("color=white");
    expect(vf({ width: 320, height: 240, fillMode: "BLUR" })).toContain("boxblur");
  });

  it("ignores the fill mode when only one side is given", () => {
    const vfs = (["STRETCH", "PAD_BLACK", "PAD_WHITE", "BLUR"] as const).map((fillMode) =>
      argAfter(buildFfmpegArgs({ inputUrl: url, template: template({ width: 320, fillMode }), keyframesOnly: true }), "-vf"),
    );
    expect(new Set(vfs).size).toBe(1);
  });
});

/** Runs the built arguments on a 640x360 (16:9) lavfi source; returns every image ffmpeg wrote. */
async function captureFromLavfi(t: CaptureTemplate, source = "color=c=red:size=640x360:rate=5:duration=1"): Promise<Buffer[]> {
  const args = buildFfmpegArgs({ inputUrl: source, inputFormat: "lavfi", template: t, keyframesOnly: false });
  return new ImageSplitter().push(await runFfmpeg(args));
}

type Rgb = [number, number, number];
const near = (actual: Rgb, expected: Rgb) => actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= 24);
const red: Rgb = [255, 0, 0];
const blue: Rgb = [0, 0, 255];
const black: Rgb = [0, 0, 0];
const white: Rgb = [255, 255, 255];

describe.concurrent("built arguments run by real ffmpeg", () => {
  it("writes one image per interval of stream time", async () => {
    const images = await captureFromLavfi(template({ intervalSeconds: 1 }), "testsrc2=size=160x90:rate=10:duration=3.5");
    expect(images).toHaveLength(4);
  });

  it.each([
    [{ width: 320, height: null }, 320, 180],
    [{ width: null, height: 90 }, 160, 90],
    [{ width: null, height: null }, 640, 360],
    [{ width: 101, height: null }, 101, 57],
  ])("keeps the source aspect ratio for %o", async (size, width, height) => {
    const [image] = await captureFromLavfi(template({ ...size, intervalSeconds: 5 }));
    expect(readImageInfo(image ?? Buffer.alloc(0))).toEqual({ format: "JPG", width, height });
  });

  const fills = ["STRETCH", "PAD_BLACK", "PAD_WHITE", "BLUR"] as const;
  const formats = ["JPG", "PNG"] as const;
  it.each(fills.flatMap((fillMode) => formats.map((format) => [fillMode, format] as const)))(
    "%s %s gives exactly the requested size, odd sides included",
    async (fillMode, format) => {
      const images = await captureFromLavfi(template({ format, fillMode, width: 101, height: 77 }));
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) expect(readImageInfo(image)).toEqual({ format, width: 101, height: 77 });
    },
  );

  // A red 640x360 frame with a blue band over its top 36 rows, put into a 320x320 square: fitted,
  // the frame spans rows 70..249 with the band at 70..87; stretched, the band covers rows 0..31.
  const banded = "color=c=red:size=640x360:rate=5:duration=1,drawbox=x=0:y=0:w=640:h=36:color=blue:t=fill";
  const probes: Record<(typeof fills)[number], [x: number, y: number, colour: Rgb][]> = {
    STRETCH: [[0, 0, blue], [160, 16, blue], [160, 80, red], [319, 319, red]],
    PAD_BLACK: [[0, 0, black], [319, 0, black], [160, 40, black], [160, 80, blue], [160, 160, red], [0, 319, black], [319, 319, black]],
    PAD_WHITE: [[0, 0, white], [319, 0, white], [160, 40, white], [160, 80, blue], [160, 160, red], [0, 319, white], [319, 319, white]],
    // Below the fitted frame sits the blurred cover copy of its red lower part, not a pad colour.
    BLUR: [[160, 80, blue], [160, 160, red], [0, 300, red], [319, 319, red]],
  };
  it.each(fills)("%s fills a square from a 16:9 frame as the mode says", async (fillMode) => {
    for (const format of formats) {
      const [image] = await captureFromLavfi(template({ format, fillMode, width: 320, height: 320 }), banded);
      const rgb = await decodeRgb(image ?? Buffer.alloc(0), 320, 320);
      for (const [x, y, colour] of probes[fillMode]) {
        expect(near(rgb.pixel(x, y), colour), `${format} pixel ${x},${y} = ${rgb.pixel(x, y)}`).toBe(true);
      }
    }
  });
});
