import { describe, expect, it } from "vitest";
import { readImageInfo } from "../src/capture/image-info";
import { makeTestImages, runFfmpeg } from "./support/capture-ffmpeg-run";

describe("readImageInfo", () => {
  it.each([
    ["JPG", "123x45"],
    ["PNG", "123x45"],
    ["JPG", "1920x1080"],
    ["PNG", "8x8"],
  ] as const)("reads %s %s as ffmpeg wrote it", async (format, size) => {
    const image = await makeTestImages(format, 1, size);
    const [width, height] = size.split("x").map(Number);
    expect(readImageInfo(image)).toEqual({ format, width, height });
  });

  it("finds the frame header of a JPEG with extra segments before it", async () => {
    // A JFIF/EXIF-style APPn segment and a comment ahead of SOF, as many encoders write.
    const image = await makeTestImages("JPG", 1, "64x48");
    const extra = Buffer.from([0xff, 0xe1, 0x00, 0x06, 0xff, 0xc0, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x04, 0x41, 0x42]);
    const withExtra = Buffer.concat([image.subarray(0, 2), extra, image.subarray(2)]);
    expect(readImageInfo(withExtra)).toEqual({ format: "JPG", width: 64, height: 48 });
  });

  it("returns null for anything that is not a JPEG or PNG", async () => {
    const gif = await runFfmpeg([
      "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=32x32:rate=1",
      "-frames:v", "1", "-f", "gif", "pipe:1",
    ]);
    expect(readImageInfo(gif)).toBeNull();
    expect(readImageInfo(Buffer.alloc(0))).toBeNull();
    expect(readImageInfo(Buffer.from("hello, world, not an image"))).toBeNull();
  });

  it("returns null for a truncated header", async () => {
    const jpeg = await makeTestImages("JPG", 1);
    const png = await makeTestImages("PNG", 1);
    expect(readImageInfo(jpeg.subarray(0, 30))).toBeNull();
    expect(readImageInfo(png.subarray(0, 20))).toBeNull();
  });
});
