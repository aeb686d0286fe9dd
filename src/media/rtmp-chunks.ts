/**
 * RTMP chunk streams, read incrementally and written whole. The reader keeps at most one partial
 * chunk header plus, per chunk stream, the one message being assembled (allocated once at its
 * announced length), and refuses what would make it hold more: an oversized message, a chunk
 * size out of bounds, too many chunk streams. Anything it refuses is an RtmpProtocolError.
 */

export class RtmpProtocolError extends Error {
  override readonly name = "RtmpProtocolError";
}

export interface RtmpMessage {
  typeId: number;
  /** Message timestamp in milliseconds, 32 bits (wraps). */
  timestamp: number;
  streamId: number;
  payload: Buffer;
}

export interface ChunkReaderLimits {
  /** Largest message accepted; larger ones are refused before any byte of them is buffered. */
  maxMessageBytes: number;
  /** Largest SetChunkSize accepted. */
  maxChunkSize: number;
  /** Chunk stream ids in use at once. */
  maxChunkStreams: number;
}

export const defaultChunkReaderLimits: ChunkReaderLimits = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxChunkSize: 16 * 1024 * 1024,
  maxChunkStreams: 64,
};

export const TYPE_SET_CHUNK_SIZE = 1;
export const TYPE_ABORT = 2;
export const TYPE_ACK = 3;
export const TYPE_USER_CONTROL = 4;
export const TYPE_WINDOW_ACK_SIZE = 5;
export const TYPE_SET_PEER_BANDWIDTH = 6;
export const TYPE_AUDIO = 8;
export const TYPE_VIDEO = 9;
export const TYPE_DATA_AMF0 = 18;
export const TYPE_COMMAND_AMF0 = 20;

const EXTENDED = 0xffffff;

interface ChunkStreamState {
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
  /** The message being assembled, or undefined between messages. */
  payload: Buffer | undefined;
  received: number;
  /** Whether the last header of this chunk stream started a message (fmt 3 then repeats the delta). */
  seen: boolean;
}

/**
 * Feed it socket data; it calls onMessage for each complete message in order. `skip(typeId)`
 * tells it which message types to drop without assembling (audio, say): their bytes are counted
 * and discarded as they pass.
 */
export class ChunkReader {
  private chunkSize = 128;
  private readonly streams = new Map<number, ChunkStreamState>();
  private carry: Buffer = Buffer.alloc(0);
  private current: ChunkStreamState | undefined;
  private bytesLeftInChunk = 0;
  private dropping = false;

  constructor(
    private readonly onMessage: (message: RtmpMessage) => void,
    private readonly limits: ChunkReaderLimits = defaultChunkReaderLimits,
    private readonly skip: (typeId: number) => boolean = () => false,
  ) {}

  push(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      if (this.current !== undefined) {
        offset = this.readBody(data, offset);
        continue;
      }
      let input = data;
      let start = offset;
      if (this.carry.length > 0) {
        // Header bytes from the last call: join just enough (a header is at most 18 bytes).
        const take = Math.min(18, data.length - offset);
        input = Buffer.concat([this.carry, data.subarray(offset, offset + take)]);
        start = 0;
      }
      const parsed = this.readHeader(input, start);
      if (parsed === null) {
        this.carry = Buffer.from(input.subarray(start));
        if (this.carry.length > 18) throw new RtmpProtocolError("chunk header longer than 18 bytes");
        return;
      }
      // Bytes of `data` the header used: all of it after what came from carry.
      const used = parsed - start - this.carry.length;
      offset += used;
      this.carry = Buffer.alloc(0);
    }
  }

  /** Parses one chunk header at `at`; returns the offset after it, or null when incomplete. */
  private readHeader(buffer: Buffer, at: number): number | null {
    let p = at;
    if (p >= buffer.length) return null;
    const first = buffer[p++]!;
    const fmt = first >> 6;
    let csid = first & 0x3f;
    if (csid === 0) {
      if (p + 1 > buffer.length) return null;
      csid = 64 + buffer[p++]!;
    } else if (csid === 1) {
      if (p + 2 > buffer.length) return null;
      csid = 64 + buffer[p]! + buffer[p + 1]! * 256;
      p += 2;
    }
    const headerBytes = fmt === 0 ? 11 : fmt === 1 ? 7 : fmt === 2 ? 3 : 0;
    if (p + headerBytes > buffer.length) return null;
    let state = this.streams.get(csid);
    if (state === undefined) {
      if (fmt !== 0) throw new RtmpProtocolError(`chunk stream ${csid} starts without a full message header (fmt ${fmt})`);
      if (this.streams.size >= this.limits.maxChunkStreams) {
        throw new RtmpProtocolError(`more than ${this.limits.maxChunkStreams} chunk streams`);
      }
      state = { timestamp: 0, delta: 0, length: 0, typeId: 0, streamId: 0, extended: false, payload: undefined, received: 0, seen: false };
      this.streams.set(csid, state);
    }
    let field = 0;
    if (fmt <= 2) field = buffer.readUIntBE(p, 3);
    if (fmt <= 1) {
      const length = buffer.readUIntBE(p + 3, 3);
      const typeId = buffer[p + 6]!;
      if (state.payload !== undefined) throw new RtmpProtocolError(`new message header on chunk stream ${csid} before its message ended`);
      state.length = length;
      state.typeId = typeId;
    }
    if (fmt === 0) state.streamId = buffer.readUInt32LE(p + 7);
    p += headerBytes;
    const extended = fmt <= 2 ? field === EXTENDED : state.extended;
    if (extended) {
      if (p + 4 > buffer.length) return null;
      if (fmt <= 2) field = buffer.readUInt32BE(p);
      p += 4;
    }
    if (fmt === 2 && state.payload !== undefined) throw new RtmpProtocolError(`new message header on chunk stream ${csid} before its message ended`);
    if (fmt <= 2) state.extended = extended;
    const startsMessage = state.payload === undefined;
    if (startsMessage) {
      if (fmt === 0) {
        state.timestamp = field;
        state.delta = 0;
      } else if (fmt === 1 || fmt === 2) {
        state.delta = field;
        state.timestamp = (state.timestamp + field) >>> 0;
      } else if (state.seen) {
        state.timestamp = (state.timestamp + state.delta) >>> 0;
      }
      state.seen = true;
      if (state.length > this.limits.maxMessageBytes) {
        throw new RtmpProtocolError(`message of ${state.length} bytes is larger than ${this.limits.maxMessageBytes}`);
      }
      this.dropping = this.skip(state.typeId);
      state.payload = this.dropping ? EMPTY : Buffer.allocUnsafe(state.length);
      state.received = 0;
    } else {
      this.dropping = state.payload === EMPTY && state.length > 0;
    }
    this.current = state;
    this.bytesLeftInChunk = Math.min(this.chunkSize, state.length - state.received);
    if (this.bytesLeftInChunk === 0) this.finish(state);
    return p;
  }

  private readBody(data: Buffer, offset: number): number {
    const state = this.current!;
    const take = Math.min(this.bytesLeftInChunk, data.length - offset);
    if (!this.dropping) data.copy(state.payload!, state.received, offset, offset + take);
    state.received += take;
    this.bytesLeftInChunk -= take;
    if (this.bytesLeftInChunk === 0) {
      if (state.received >= state.length) this.finish(state);
      else this.current = undefined;
    }
    return offset + take;
  }

  private finish(state: ChunkStreamState): void {
    this.current = undefined;
    const payload = state.payload!;
    const dropped = this.dropping;
    state.payload = undefined;
    this.dropping = false;
    if (dropped) return;
    if (state.typeId === TYPE_SET_CHUNK_SIZE) {
      if (payload.length < 4) throw new RtmpProtocolError("SetChunkSize shorter than 4 bytes");
      const size = payload.readUInt32BE(0) & 0x7fffffff;
      if (size < 1 || size > this.limits.maxChunkSize) throw new RtmpProtocolError(`chunk size ${size} is outside 1..${this.limits.maxChunkSize}`);
      this.chunkSize = size;
      return;
    }
    if (state.typeId === TYPE_ABORT) {
      if (payload.length >= 4) {
        const aborted = this.streams.get(payload.readUInt32BE(0));
        if (aborted !== undefined) aborted.payload = undefined;
      }
      return;
    }
    this.onMessage({ typeId: state.typeId, timestamp: state.timestamp, streamId: state.streamId, payload });
  }
}

const EMPTY = Buffer.alloc(0);

/** Cuts one message into chunks of `chunkSize` (fmt 0, then fmt 3 continuations). */
export function writeChunks(message: RtmpMessage & { chunkStreamId: number }, chunkSize: number): Buffer {
  const { chunkStreamId: csid, payload } = message;
  if (csid < 2 || csid > 65_599) throw new RangeError(`chunk stream id ${csid} is outside 2..65599`);
  const basic = (fmt: number): Buffer => {
    if (csid < 64) return Buffer.from([(fmt << 6) | csid]);
    if (csid < 320) return Buffer.from([fmt << 6, csid - 64]);
    return Buffer.from([(fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >> 8]);
  };
  const timestamp = message.timestamp >>> 0;
  const extended = timestamp >= EXTENDED;
  const header = Buffer.alloc(11);
  header.writeUIntBE(extended ? EXTENDED : timestamp, 0, 3);
  header.writeUIntBE(payload.length, 3, 3);
  header[6] = message.typeId;
  header.writeUInt32LE(message.streamId, 7);
  const extendedField = Buffer.alloc(extended ? 4 : 0);
  if (extended) extendedField.writeUInt32BE(timestamp);
  const parts: Buffer[] = [basic(0), header, extendedField];
  for (let at = 0; at < payload.length || at === 0; at += chunkSize) {
    if (at > 0) parts.push(basic(3), extendedField);
    parts.push(payload.subarray(at, at + chunkSize));
    if (payload.length === 0) break;
  }
  return Buffer.concat(parts);
}
