import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChunkReader, RtmpProtocolError, TYPE_AUDIO, TYPE_SET_CHUNK_SIZE, TYPE_VIDEO, writeChunks, type RtmpMessage } from "../src/media/rtmp-chunks";

function readAll(bytes: Buffer[], skip?: (type: number) => boolean): RtmpMessage[] {
  const out: RtmpMessage[] = [];
  const reader = new ChunkReader((m) => out.push({ ...m, payload: Buffer.from(m.payload) }), undefined, skip);
  for (const b of bytes) reader.push(b);
  return out;
}

const setChunkSize = (size: number) => {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(size);
  return writeChunks({ typeId: TYPE_SET_CHUNK_SIZE, timestamp: 0, streamId: 0, payload, chunkStreamId: 2 }, 128);
};

describe("RTMP chunk streams", () => {
  const messages: (RtmpMessage & { chunkStreamId: number })[] = [
    { typeId: TYPE_VIDEO, timestamp: 0, streamId: 1, payload: randomBytes(5000), chunkStreamId: 6 },
    { typeId: TYPE_AUDIO, timestamp: 23, streamId: 1, payload: randomBytes(300), chunkStreamId: 4 },
    { typeId: TYPE_VIDEO, timestamp: 0x1234567, streamId: 1, payload: randomBytes(10), chunkStreamId: 70 },
    // Past 0xffffff the timestamp moves to the extended field, on every chunk of the message.
    { typeId: TYPE_VIDEO, timestamp: 0xfffffff0, streamId: 1, payload: randomBytes(700), chunkStreamId: 400 },
    { typeId: TYPE_VIDEO, timestamp: 40, streamId: 1, payload: Buffer.alloc(0), chunkStreamId: 6 },
  ];
  const wire = Buffer.concat([setChunkSize(256), ...messages.map((m) => writeChunks(m, 256))]);

  it("reads back what was written, whole or split at every byte", () => {
    const text = (list: RtmpMessage[]) => list.map((m) => `${m.typeId} ${m.timestamp} ${m.streamId} ${m.payload.toString("hex")}`).join("\n");
    const expected = text(messages);
    expect(text(readAll([wire]))).toBe(expected);
    for (let cut = 1; cut < 400; cut++) {
      expect(text(readAll([wire.subarray(0, cut), wire.subarray(cut)]))).toBe(expected);
    }
    const bytes = [...wire].map((b) => Buffer.from([b]));
    expect(text(readAll(bytes))).toBe(expected);
  });

  it("drops skipped types without handing them over", () => {
    const read = readAll([wire], (type) => type === TYPE_AUDIO);
    expect(read.map((m) => m.typeId)).toEqual([TYPE_VIDEO, TYPE_VIDEO, TYPE_VIDEO, TYPE_VIDEO]);
  });

  it("applies fmt 1, 2 and 3 timestamp deltas", () => {
    // fmt 0 at 1000, fmt 2 delta 40, then a fmt 3 header starting the next message: delta again.
    const a = Buffer.from([0x06, 0x00, 0x03, 0xe8, 0, 0, 2, TYPE_VIDEO, 1, 0, 0, 0, 0xaa, 0xbb]);
    const b = Buffer.from([0x86, 0x00, 0x00, 0x28, 0xcc, 0xdd]);
    const c = Buffer.from([0xc6, 0xee, 0xff]);
    const d = Buffer.from([0x46, 0x00, 0x00, 0x0a, 0, 0, 1, TYPE_AUDIO, 0x11]);
    expect(readAll([Buffer.concat([a, b, c, d])]).map((m) => [m.typeId, m.timestamp, m.payload.toString("hex")])).toEqual([
      [TYPE_VIDEO, 1000, "aabb"],
      [TYPE_VIDEO, 1040, "ccdd"],
      [TYPE_VIDEO, 1080, "eeff"],
      [TYPE_AUDIO, 1090, "11"],
    ]);
  });

  it("refuses what would make it hold too much, naming it", () => {
    const limits = { maxMessageBytes: 1000, maxChunkSize: 4096, maxChunkStreams: 3 };
    const read = (bytes: Buffer) => new ChunkReader(() => {}, limits).push(bytes);
    expect(() => read(writeChunks({ typeId: TYPE_VIDEO, timestamp: 0, streamId: 1, payload: Buffer.alloc(1001), chunkStreamId: 6 }, 128))).toThrow(
      /message of 1001 bytes is larger than 1000/,
    );
    expect(() => read(setChunkSize(5000))).toThrow(/chunk size 5000 is outside 1\.\.4096/);
    expect(() => read(setChunkSize(0))).toThrow(/chunk size 0/);
    const many = Buffer.concat([3, 4, 5, 6].map((csid) => writeChunks({ typeId: TYPE_VIDEO, timestamp: 0, streamId: 1, payload: Buffer.alloc(1), chunkStreamId: csid }, 128)));
    expect(() => read(many)).toThrow(/more than 3 chunk streams/);
    expect(() => read(Buffer.from([0x45, 0, 0, 0, 0, 0, 1, 9]))).toThrow(/starts without a full message header/);
  });

  it("takes random garbage only as RtmpProtocolError or as nothing, never another error", () => {
    for (let seed = 0; seed < 300; seed++) {
      const reader = new ChunkReader(() => {}, { maxMessageBytes: 64 * 1024, maxChunkSize: 65536, maxChunkStreams: 8 });
      try {
        reader.push(randomBytes(2000));
      } catch (error) {
        expect(error).toBeInstanceOf(RtmpProtocolError);
      }
    }
  });
});
