/**
 * FLV VIDEODATA bodies, legacy (AVC) and Enhanced RTMP (avc1, hvc1, av01), parsed without copying.
 * Guarantees: every result names a supported codec and holds views inside the given buffer; a
 * configuration result is a record that passed `describeConfig`; anything else a publisher can
 * send (truncated tags, unknown codecs, multitrack, garbage records) throws a VideoTagError
 * whose message names the problem. Nothing here allocates in proportion to the input.
 */
import type { ParsedVideoTag, VideoCodec } from "./types.js";

export class VideoTagError extends Error {
  override name = "VideoTagError";
}

/** Legacy CodecID values, for error messages only: AVC (7) is the one livesnap reads. */
const LEGACY_CODEC_NAMES: Record<number, string> = {
  1: "JPEG",
  2: "Sorenson H.263",
  3: "Screen video",
  4: "On2 VP6",
  5: "On2 VP6 with alpha",
  6: "Screen video v2",
  7: "AVC",
};
const AVC_CODEC_ID = 7;

const FOURCC_CODECS: Record<string, VideoCodec> = { avc1: "h264", hvc1: "hevc", av01: "av1" };
/** FourCCs Enhanced RTMP defines that livesnap knows but does not decode. */
const FOURCC_REFUSED: Record<string, string> = { vp09: "VP9" };

const FRAME_KEY = 1;
const FRAME_GENERATED_KEY = 4;
const FRAME_COMMAND = 5;

const EX_SEQUENCE_START = 0;
const EX_CODED_FRAMES = 1;
const EX_SEQUENCE_END = 2;
const EX_CODED_FRAMES_X = 3;
const EX_METADATA = 4;
const EX_MPEG2TS_SEQUENCE_START = 5;
const EX_MULTITRACK = 6;
const EX_MOD_EX = 7;

/** Parses one video tag body; throws VideoTagError for anything that is not a supported video tag. */
export function parseVideoTag(data: Buffer): ParsedVideoTag {
  if (data.length < 1) throw new VideoTagError("empty video tag");
  return data[0]! & 0x80 ? parseEnhanced(data) : parseLegacy(data);
}

function parseLegacy(data: Buffer): ParsedVideoTag {
  const frameType = data[0]! >> 4;
  const codecId = data[0]! & 0x0f;
  checkFrameType(frameType);
  if (codecId !== AVC_CODEC_ID) {
    const name = LEGACY_CODEC_NAMES[codecId];
    throw new VideoTagError(
      name ? `unsupported video codec ${name} (codec id ${codecId})` : `unknown video codec id ${codecId}`,
    );
  }
  if (frameType === FRAME_COMMAND) return { kind: "ignored", why: "video command frame" };
  if (data.length < 5) throw new VideoTagError(`AVC video tag of ${data.length} bytes is truncated (header needs 5)`);
  const packetType = data[1]!;
  const body = data.subarray(5);
  switch (packetType) {
    case 0:
      describeConfig("h264", body);
      return { kind: "config", codec: "h264", config: body };
    case 1:
      if (body.length === 0) return { kind: "ignored", why: "empty AVC frame" };
      return { kind: "frame", codec: "h264", keyframe: isKey(frameType), compositionTimeMs: data.readIntBE(2, 3), payload: body };
    case 2:
      return { kind: "ignored", why: "end of sequence" };
    default:
      throw new VideoTagError(`unknown AVC packet type ${packetType}`);
  }
}

function parseEnhanced(data: Buffer): ParsedVideoTag {
  const frameType = (data[0]! >> 4) & 0x07;
  let packetType = data[0]! & 0x0f;
  checkFrameType(frameType);
  let offset = 1;
  // ModEx prefixes carry modifiers (today only a nanosecond timestamp offset) that livesnap's
  // millisecond clock does not need: skip them to the packet type they wrap.
  while (packetType === EX_MOD_EX) {
    if (offset >= data.length) throw new VideoTagError("Enhanced RTMP ModEx prefix is truncated");
    let size = data[offset]! + 1;
    offset += 1;
    if (size === 256) {
      if (offset + 2 > data.length) throw new VideoTagError("Enhanced RTMP ModEx size is truncated");
      size = data.readUInt16BE(offset) + 1;
      offset += 2;
    }
    offset += size;
    if (offset >= data.length) throw new VideoTagError("Enhanced RTMP ModEx data is truncated");
    packetType = data[offset]! & 0x0f;
    offset += 1;
  }
  if (packetType === EX_MULTITRACK) throw new VideoTagError("Enhanced RTMP multitrack video is not supported");
  if (offset + 4 > data.length) throw new VideoTagError("Enhanced RTMP video tag is truncated (no FourCC)");
  const fourCc = data.toString("latin1", offset, offset + 4);
  offset += 4;
  const codec = FOURCC_CODECS[fourCc];
  if (!codec) {
    const refused = FOURCC_REFUSED[fourCc];
    throw new VideoTagError(
      refused ? `unsupported video codec ${refused} (FourCC ${fourCc})` : `unknown video FourCC ${printableFourCc(fourCc)}`,
    );
  }
  if (frameType === FRAME_COMMAND && packetType !== EX_METADATA) return { kind: "ignored", why: "video command frame" };
  switch (packetType) {
    case EX_SEQUENCE_START: {
      const config = data.subarray(offset);
      describeConfig(codec, config);
      return { kind: "config", codec, config };
    }
    case EX_CODED_FRAMES:
    case EX_CODED_FRAMES_X: {
      // Only AVC and HEVC CodedFrames carry a composition time; AV1 has no B-frame reordering
      // in the FLV sense and CodedFramesX says the offset is zero.
      let compositionTimeMs = 0;
      if (packetType === EX_CODED_FRAMES && codec !== "av1") {
        if (offset + 3 > data.length) throw new VideoTagError(`${fourCc} frame is truncated (no composition time)`);
        compositionTimeMs = data.readIntBE(offset, 3);
        offset += 3;
      }
      const payload = data.subarray(offset);
      if (payload.length === 0) return { kind: "ignored", why: `empty ${fourCc} frame` };
      return { kind: "frame", codec, keyframe: isKey(frameType), compositionTimeMs, payload };
    }
    case EX_SEQUENCE_END:
      return { kind: "ignored", why: "end of sequence" };
    case EX_METADATA:
      return { kind: "ignored", why: "video metadata" };
    case EX_MPEG2TS_SEQUENCE_START:
      return { kind: "ignored", why: "MPEG-2 TS sequence start (a descriptor, not a configuration record)" };
    default:
      throw new VideoTagError(`unknown Enhanced RTMP video packet type ${packetType}`);
  }
}

function checkFrameType(frameType: number): void {
  if (frameType < 1 || frameType > 5) throw new VideoTagError(`invalid video frame type ${frameType}`);
}

function isKey(frameType: number): boolean {
  return frameType === FRAME_KEY || frameType === FRAME_GENERATED_KEY;
}

function printableFourCc(fourCc: string): string {
  return /^[\x20-\x7e]{4}$/.test(fourCc) ? fourCc : `0x${Buffer.from(fourCc, "latin1").toString("hex")}`;
}

/** What a configuration record tells cheaply, without parsing parameter sets. */
export type ConfigInfo =
  | { codec: "h264"; profile: number; level: number; nalLengthSize: number; spsCount: number; ppsCount: number }
  | { codec: "hevc"; profile: number; tier: number; level: number; nalLengthSize: number; arrayCount: number; nalCount: number }
  | { codec: "av1"; version: number; profile: number; level: number; tier: number; highBitDepth: boolean; monochrome: boolean };

/**
 * Validates a decoder configuration record (AVCDecoderConfigurationRecord,
 * HEVCDecoderConfigurationRecord, AV1CodecConfigurationRecord) as far as its own structure goes
 * and returns what it states; throws VideoTagError for a record a decoder would choke on.
 */
export function describeConfig(codec: VideoCodec, config: Buffer): ConfigInfo {
  switch (codec) {
    case "h264":
      return describeAvc(config);
    case "hevc":
      return describeHevc(config);
    case "av1":
      return describeAv1(config);
  }
}

function describeAvc(c: Buffer): ConfigInfo {
  if (c.length < 7) throw new VideoTagError(`AVC configuration of ${c.length} bytes is truncated`);
  if (c[0] !== 1) throw new VideoTagError(`AVC configuration version ${c[0]} is not 1`);
  const nalLengthSize = (c[4]! & 0x03) + 1;
  if (nalLengthSize === 3) throw new VideoTagError("AVC configuration states an invalid NAL length size of 3");
  let offset = 5;
  const spsCount = c[offset]! & 0x1f;
  offset += 1;
  if (spsCount === 0) throw new VideoTagError("AVC configuration holds no SPS");
  offset = skipParameterSets(c, offset, spsCount, "AVC SPS", (nal) => (nal & 0x1f) === 7);
  if (offset >= c.length) throw new VideoTagError("AVC configuration is truncated (no PPS count)");
  const ppsCount = c[offset]!;
  offset += 1;
  if (ppsCount === 0) throw new VideoTagError("AVC configuration holds no PPS");
  skipParameterSets(c, offset, ppsCount, "AVC PPS", (nal) => (nal & 0x1f) === 8);
  return { codec: "h264", profile: c[1]!, level: c[3]!, nalLengthSize, spsCount, ppsCount };
}

const HEVC_HEADER_BYTES = 23;
const HEVC_SPS = 33;
const HEVC_PPS = 34;

function describeHevc(c: Buffer): ConfigInfo {
  if (c.length < HEVC_HEADER_BYTES) throw new VideoTagError(`HEVC configuration of ${c.length} bytes is truncated`);
  if (c[0] !== 1) throw new VideoTagError(`HEVC configuration version ${c[0]} is not 1`);
  const nalLengthSize = (c[21]! & 0x03) + 1;
  if (nalLengthSize === 3) throw new VideoTagError("HEVC configuration states an invalid NAL length size of 3");
  const arrayCount = c[22]!;
  let offset = HEVC_HEADER_BYTES;
  let nalCount = 0;
  const seen = new Set<number>();
  for (let i = 0; i < arrayCount; i++) {
    if (offset + 3 > c.length) throw new VideoTagError(`HEVC configuration array ${i + 1} of ${arrayCount} is truncated`);
    const type = c[offset]! & 0x3f;
    const count = c.readUInt16BE(offset + 1);
    offset = skipParameterSets(c, offset + 3, count, `HEVC NAL unit type ${type}`, (nal) => ((nal >> 1) & 0x3f) === type);
    nalCount += count;
    if (count > 0) seen.add(type);
  }
  if (!seen.has(HEVC_SPS) || !seen.has(HEVC_PPS)) throw new VideoTagError("HEVC configuration lacks an SPS or a PPS");
  return {
    codec: "hevc",
    profile: c[1]! & 0x1f,
    tier: (c[1]! >> 5) & 0x01,
    level: c[12]!,
    nalLengthSize,
    arrayCount,
    nalCount,
  };
}

/** Walks `count` u16-length-prefixed NAL units, checking each one's header; returns the offset after them. */
function skipParameterSets(c: Buffer, offset: number, count: number, what: string, typeOk: (firstByte: number) => boolean): number {
  for (let i = 0; i < count; i++) {
    if (offset + 2 > c.length) throw new VideoTagError(`${what} ${i + 1} of ${count} is truncated`);
    const length = c.readUInt16BE(offset);
    offset += 2;
    if (length === 0 || offset + length > c.length) throw new VideoTagError(`${what} ${i + 1} of ${count} has a length of ${length} beyond the record`);
    if (c[offset]! & 0x80 || !typeOk(c[offset]!)) throw new VideoTagError(`${what} ${i + 1} of ${count} has a wrong NAL header`);
    offset += length;
  }
  return offset;
}

function describeAv1(c: Buffer): ConfigInfo {
  if (c.length < 4) throw new VideoTagError(`AV1 configuration of ${c.length} bytes is truncated`);
  const marker = c[0]! >> 7;
  const version = c[0]! & 0x7f;
  if (marker !== 1 || version !== 1) throw new VideoTagError(`AV1 configuration has marker ${marker} and version ${version} (want 1 and 1)`);
  if (c.length > 4) {
    // The optional configOBUs must be a well-formed OBU sequence starting with a sequence header.
    if (((c[4]! >> 3) & 0x0f) !== 1) throw new VideoTagError("AV1 configuration OBUs do not start with a sequence header");
    checkAv1Obus(c.subarray(4), "AV1 configuration OBUs");
  }
  return {
    codec: "av1",
    version,
    profile: c[1]! >> 5,
    level: c[1]! & 0x1f,
    tier: c[2]! >> 7,
    highBitDepth: (c[2]! & 0x40) !== 0,
    monochrome: (c[2]! & 0x10) !== 0,
  };
}

/**
 * Cheap structural check of a coded frame before it reaches a decoder: for H.264 and HEVC the
 * NAL length prefixes must tile the payload exactly with sane NAL headers; for AV1 the OBU
 * headers and sizes must. Returns the number of NAL units or OBUs; throws VideoTagError.
 */
export function checkFramePayload(codec: VideoCodec, payload: Buffer, nalLengthSize = 4): number {
  if (codec === "av1") return checkAv1Obus(payload, "AV1 frame");
  if (![1, 2, 4].includes(nalLengthSize)) throw new VideoTagError(`invalid NAL length size ${nalLengthSize}`);
  let offset = 0;
  let count = 0;
  while (offset < payload.length) {
    if (offset + nalLengthSize > payload.length) throw new VideoTagError(`${codec} frame ends inside a NAL length prefix at byte ${offset}`);
    const length = payload.readUIntBE(offset, nalLengthSize);
    offset += nalLengthSize;
    if (length === 0) throw new VideoTagError(`${codec} frame holds an empty NAL unit at byte ${offset}`);
    if (length > payload.length - offset)
      throw new VideoTagError(`${codec} frame: NAL unit of ${length} bytes at byte ${offset} overruns the ${payload.length}-byte payload`);
    if (payload[offset]! & 0x80) throw new VideoTagError(`${codec} frame: NAL unit at byte ${offset} has the forbidden bit set`);
    if (codec === "hevc" && length < 2) throw new VideoTagError(`hevc frame: NAL unit at byte ${offset} is shorter than its header`);
    offset += length;
    count += 1;
  }
  if (count === 0) throw new VideoTagError(`${codec} frame holds no NAL unit`);
  return count;
}

/** Low-overhead AV1 bitstream: every OBU but possibly the last carries its size. */
function checkAv1Obus(data: Buffer, what: string): number {
  let offset = 0;
  let count = 0;
  while (offset < data.length) {
    const header = data[offset]!;
    if (header & 0x80) throw new VideoTagError(`${what}: OBU at byte ${offset} has the forbidden bit set`);
    const hasExtension = (header & 0x04) !== 0;
    const hasSize = (header & 0x02) !== 0;
    offset += hasExtension ? 2 : 1;
    if (offset > data.length) throw new VideoTagError(`${what}: OBU header at byte ${offset} is truncated`);
    count += 1;
    if (!hasSize) return count;
    let size = 0;
    let i = 0;
    for (; ; i++) {
      if (i === 8) throw new VideoTagError(`${what}: OBU size at byte ${offset} is longer than 8 bytes`);
      if (offset >= data.length) throw new VideoTagError(`${what}: OBU size at byte ${offset} is truncated`);
      const b = data[offset]!;
      offset += 1;
      size += (b & 0x7f) * 2 ** (7 * i);
      if (!(b & 0x80)) break;
    }
    if (size > data.length - offset) throw new VideoTagError(`${what}: OBU of ${size} bytes at byte ${offset} overruns the ${data.length}-byte payload`);
    offset += size;
  }
  if (count === 0) throw new VideoTagError(`${what} holds no OBU`);
  return count;
}
