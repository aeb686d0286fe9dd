import type Rtmp from "node-media-server/src/protocol/rtmp.js";
import { RtmpRefusal } from "./rtmp-refusal";

/**
 * Largest message other than audio and video, and largest of any kind before a publish is
 * accepted: connect, publish and onMetaData are a few hundred bytes.
 */
export const COMMAND_MESSAGE_BYTES = 64 * 1024;
/** Message buffers a connection may hold in all before its publish is accepted. */
export const UNACCEPTED_BUFFER_BYTES = 256 * 1024;
/** Room beside the largest media message for the other chunk streams' buffers. */
const ACCEPTED_BUFFER_SLACK_BYTES = 1024 * 1024;
/** Chunk streams one connection may open; encoders use fewer than ten. */
export const MAX_CHUNK_STREAMS = 32;
/** node-media-server allocates this much beyond a message's length. */
const ALLOC_PADDING = 1024;

const TYPE_SET_CHUNK_SIZE = 1;
const TYPE_AUDIO = 8;
const TYPE_VIDEO = 9;
/** The chunk size is 31 bits: its top bit must be zero. */
const PROTOCOL_MAX_CHUNK_SIZE = 0x7fffffff;

export interface MessageLimits {
  maxChunkSize: number;
  maxMessageBytes: number;
}

/** The largest message of this RTMP type the connection may send now. */
export function messageSizeLimit(type: number, mediaAccepted: boolean, maxMessageBytes: number): number {
  return mediaAccepted && (type === TYPE_AUDIO || type === TYPE_VIDEO) ? maxMessageBytes : COMMAND_MESSAGE_BYTES;
}

/** The message buffers a connection may hold in all. */
export function bufferBudget(mediaAccepted: boolean, maxMessageBytes: number): number {
  return mediaAccepted ? maxMessageBytes + ACCEPTED_BUFFER_SLACK_BYTES : UNACCEPTED_BUFFER_BYTES;
}

/** Why a SetChunkSize value is refused, or undefined when it is usable. */
export function chunkSizeProblem(size: number, maxChunkSize: number): string | undefined {
  if (size < 1 || size > PROTOCOL_MAX_CHUNK_SIZE) return `chunk size ${size} is not a valid RTMP chunk size`;
  if (size > maxChunkSize) return `chunk size ${size} is larger than ${maxChunkSize}`;
  return undefined;
}

/**
 * Bounds what a client can make node-media-server's chunk parser allocate: it sizes a buffer
 * for any announced message length (up to 16 MiB) on every chunk stream id and takes any
 * SetChunkSize. The guard checks each message header and SetChunkSize before the parser acts
 * on it, and throws an RtmpRefusal out of it instead. It also drops the 1 MiB FLV parser the RTMP
 * parser builds and never uses, which would otherwise be the largest cost of an idle connection.
 */
export function guardMessageParser(rtmp: Rtmp, limits: MessageLimits, mediaAccepted: () => boolean): void {
  rtmp.flv = null;

  const parse = rtmp.packetParse.bind(rtmp);
  rtmp.packetParse = () => {
    parse();
    if (rtmp.inPackets.size > MAX_CHUNK_STREAMS) {
      throw new RtmpRefusal("chunk_streams", `more than ${MAX_CHUNK_STREAMS} chunk streams on one connection`);
    }
  };

  const alloc = rtmp.packetAlloc.bind(rtmp);
  rtmp.packetAlloc = () => {
    const packet = rtmp.parserPacket;
    const { length, type } = packet.header;
    const accepted = mediaAccepted();
    const limit = messageSizeLimit(type, accepted, limits.maxMessageBytes);
    if (length > limit) {
      throw new RtmpRefusal("message_size", `a message of type ${type} announced ${length} bytes; at most ${limit} are allowed`);
    }
    if (packet.capacity < length) {
      let held = 0;
      for (const other of rtmp.inPackets.values()) if (other !== packet) held += other.capacity;
      const budget = bufferBudget(accepted, limits.maxMessageBytes);
      if (held + length + ALLOC_PADDING > budget) {
        throw new RtmpRefusal("buffer_limit", `message buffers would exceed ${budget} bytes on one connection`);
      }
    }
    alloc();
  };

  const control = rtmp.controlHandler.bind(rtmp);
  rtmp.controlHandler = () => {
    const packet = rtmp.parserPacket;
    if (packet.header.type === TYPE_SET_CHUNK_SIZE) {
      if (packet.header.length < 4) throw new RtmpRefusal("protocol_error", "SetChunkSize without its 4-byte size");
      const problem = chunkSizeProblem(packet.payload.readUInt32BE(0), limits.maxChunkSize);
      if (problem !== undefined) throw new RtmpRefusal("chunk_size", problem);
    }
    control();
  };
}
