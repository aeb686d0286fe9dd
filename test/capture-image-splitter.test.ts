import { beforeAll, describe, expect, it } from "vitest";
import { ImageSplitter } from "../src/capture/image-splitter";
import { makeTestImages } from "./support/capture-ffmpeg-run";

/** Feeds `stream` in chunks of the given sizes (cycled) and returns every image cut out. */
function split(stream: Buffer, sizes: number[]): Buffer[] {
  const splitter = new ImageSplitter();
  const images: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < stream.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    images.push(...splitter.push(stream.subarray(offset, offset + size)));
    offset += size;
  }
  expect(splitter.pendingBytes).toBe(0);
  return images;
}

/** Deterministic chunk sizes from 1 byte up to a few KB. */
function pseudoRandomSizes(count: number): number[] {
  let seed = 12345;
  return Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 1 + (seed % 5000);
  });
}

const jpeg = (...parts: number[][]) => Buffer.from(parts.flat());
const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const segment = (marker: number, payload: number[]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];

describe("ImageSplitter", () => {
  let jpegs: Buffer[];
  let pngs: Buffer[];
  let stream: Buffer;

  beforeAll(async () => {
    // ffmpeg's own output, cut by the splitter once in one piece to learn each image's bytes.
    const jpegStream = await makeTestImages("JPG", 3);
    const pngStream = await makeTestImages("PNG", 3);
    jpegs = new ImageSplitter().push(jpegStream);
    pngs = new ImageSplitter().push(pngStream);
    expect(Buffer.concat(jpegs).equals(jpegStream)).toBe(true);
    expect(Buffer.concat(pngs).equals(pngStream)).toBe(true);
    stream = Buffer.concat([jpegs[0]!, pngs[0]!, jpegs[1]!, jpegs[2]!, pngs[1]!, pngs[2]!]);
  });

  it("cuts several images out of one chunk", () => {
    expect(jpegs).toHaveLength(3);
    expect(pngs).toHaveLength(3);
    expect(new Set(jpegs.map((j) => j.toString("base64"))).size).toBe(3);
  });

  it.each([
    ["1-byte", [1]],
    ["7-byte", [7]],
    ["4 KB", [4096]],
    ["irregular", pseudoRandomSizes(500)],
  ])("returns the same images from %s chunks, JPEG and PNG mixed", (_name, sizes) => {
    const images = split(stream, sizes);
    expect(images.map((i) => i.toString("base64"))).toEqual(
      [jpegs[0]!, pngs[0]!, jpegs[1]!, jpegs[2]!, pngs[1]!, pngs[2]!].map((i) => i.toString("base64")),
    );
  });

  it("holds an incomplete image until its last byte arrives", () => {
    const splitter = new ImageSplitter();
    const image = jpegs[0]!;
    expect(splitter.push(image.subarray(0, image.length - 1))).toEqual([]);
    expect(splitter.pendingBytes).toBe(image.length - 1);
    expect(splitter.push(image.subarray(image.length - 1))).toEqual([image]);
  });

  it("skips bytes that start no image", () => {
    const garbage = Buffer.from([0x00, 0x12, 0xff, 0x00, 0x89, 0x50, 0x00, 0xab]);
    const images = split(Buffer.concat([garbage, pngs[0]!, garbage, jpegs[0]!]), [3]);
    expect(images).toEqual([pngs[0], jpegs[0]]);
  });

  it("does not end a JPEG at FFD9 inside a segment, at stuffed FF00 or at restart markers", () => {
    const image = jpeg(
      SOI,
      segment(0xe1, [0x45, 0x78, 0xff, 0xd9, 0xff, 0xd9]),
      segment(0xdd, [0x00, 0x04]),
      segment(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]),
      [0x12, 0xff, 0x00, 0xd9, 0x34, 0xff, 0xd0, 0xff, 0xd9 - 0x08, 0x56, 0xff, 0xff, 0x00, 0x78],
      EOI,
    );
    const next = jpeg(SOI, segment(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]), [0x01], EOI);
    expect(split(Buffer.concat([image, next]), [1])).toEqual([image, next]);
  });

  it("follows a progressive JPEG through several scans", () => {
    const sos = segment(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
    const image = jpeg(SOI, sos, [0x11, 0x22], segment(0xc4, [0x00, 0xff, 0xd9]), sos, [0x33], EOI);
    expect(split(image, [2])).toEqual([image]);
  });

  it("walks PNG chunks by length, so IEND inside a chunk's data does not end the image", () => {
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const chunk = (type: string, data: number[]) => [0, 0, data.length >> 8, data.length & 0xff, ...Buffer.from(type), ...data, 1, 2, 3, 4];
    const image = Buffer.from([
      ...signature,
      ...chunk("IHDR", Array(13).fill(1)),
      ...chunk("tEXt", [...Buffer.from("IEND")]),
      ...chunk("IEND", []),
    ]);
    expect(split(Buffer.concat([image, image]), [5])).toEqual([image, image]);
  });
});
