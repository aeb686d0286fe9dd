import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { Amf0Error, decodeAmf0, encodeAmf0, type Amf0Value } from "./amf0";
import {
  ChunkReader,
  defaultChunkReaderLimits,
  RtmpProtocolError,
  TYPE_ACK,
  TYPE_AUDIO,
  TYPE_COMMAND_AMF0,
  TYPE_SET_CHUNK_SIZE,
  TYPE_USER_CONTROL,
  TYPE_VIDEO,
  TYPE_WINDOW_ACK_SIZE,
  writeChunks,
  type ChunkReaderLimits,
  type RtmpMessage,
} from "./rtmp-chunks";
import type { TagListener, TagSource } from "./types";

/**
 * A player of one RTMP stream in this process: handshake, connect, createStream, play, then the
 * server's video messages as VideoTags. Audio and data messages are discarded as their bytes
 * pass. Bounded in time (start-up and idle timeouts) and in memory (the chunk reader's limits);
 * whatever goes wrong ends the source once, with a reason.
 */
export interface RtmpPullOptions {
  /** Handshake, connect and play must be done within this. */
  startTimeoutMs: number;
  /** No message for this long ends the pull. */
  idleTimeoutMs: number;
  limits: ChunkReaderLimits;
}

export const defaultRtmpPullOptions: RtmpPullOptions = {
  startTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  limits: defaultChunkReaderLimits,
};

/** What an `rtmp://` URL names for a player. */
export interface RtmpAddress {
  host: string;
  port: number;
  /** Everything between the host and the last path segment, e.g. "live" or "example.com/live". */
  app: string;
  /** The last path segment with the URL's query, as servers read play names. */
  playName: string;
  tcUrl: string;
}

export function parseRtmpUrl(url: string): RtmpAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RtmpProtocolError(`not a URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  if (parsed.protocol !== "rtmp:") throw new RtmpProtocolError(`only rtmp:// URLs can be pulled, not ${parsed.protocol}`);
  const segments = parsed.pathname.split("/").filter((segment) => segment !== "");
  if (segments.length < 2) throw new RtmpProtocolError(`an RTMP URL needs an app and a stream name: ${parsed.origin}${parsed.pathname}`);
  const stream = decodeURIComponent(segments.pop()!);
  const app = segments.map((segment) => decodeURIComponent(segment)).join("/");
  const host = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const port = parsed.port === "" ? 1935 : Number(parsed.port);
  return {
    host,
    port,
    app,
    playName: `${stream}${parsed.search}`,
    tcUrl: `rtmp://${parsed.host}/${app}`,
  };
}

/** Counters across every pull of this process, for /metrics. */
export interface RtmpPullCounters {
  bytesReceived: number;
  videoMessages: number;
  /** Pulls ended by a protocol error, an error answer or a timeout. */
  failures: number;
}

export function createRtmpPuller(options: Partial<RtmpPullOptions> = {}) {
  const settings: RtmpPullOptions = { ...defaultRtmpPullOptions, ...options };
  const counters: RtmpPullCounters = { bytesReceived: 0, videoMessages: 0, failures: 0 };
  return {
    counters,
    /** A source that connects when subscribed; each subscription is its own connection. */
    source(url: string): TagSource {
      return { subscribe: (listener) => startPull(url, listener, settings, counters) };
    },
  };
}

const HANDSHAKE_SIZE = 1536;
const OUR_CHUNK_SIZE = 4096;
const OUR_WINDOW = 2_500_000;
const COMMAND_CHUNK_STREAM = 3;
const PLAY_CHUNK_STREAM = 8;
const CONTROL_CHUNK_STREAM = 2;
/** Command and data messages are small; a larger one is refused. */
const MAX_COMMAND_BYTES = 64 * 1024;

function startPull(url: string, listener: TagListener, settings: RtmpPullOptions, counters: RtmpPullCounters): () => void {
  let ended = false;
  let socket: Socket | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  const end = (reason: string, failed: boolean) => {
    if (ended) return;
    ended = true;
    clearTimeout(startTimer);
    if (failed) counters.failures += 1;
    socket?.destroy();
    listener.onEnd(reason);
  };

  let address: RtmpAddress;
  try {
    address = parseRtmpUrl(url);
  } catch (error) {
    queueMicrotask(() => end(error instanceof Error ? error.message : String(error), true));
    return () => {};
  }

  const s = connect({ host: address.host, port: address.port });
  socket = s;
  s.setNoDelay(true);
  startTimer = setTimeout(() => end(`no play within ${settings.startTimeoutMs} ms`, true), settings.startTimeoutMs);
  s.setTimeout(settings.idleTimeoutMs, () => end(`nothing received for ${settings.idleTimeoutMs} ms`, true));
  s.on("error", (error) => end(`connection failed: ${error.message}`, true));
  s.on("close", () => end("the server closed the connection", false));

  const send = (message: RtmpMessage, chunkStreamId: number) => {
    if (!ended) s.write(writeChunks({ ...message, chunkStreamId }, OUR_CHUNK_SIZE));
  };
  const command = (values: Amf0Value[], streamId = 0, chunkStreamId = COMMAND_CHUNK_STREAM) =>
    send({ typeId: TYPE_COMMAND_AMF0, timestamp: 0, streamId, payload: encodeAmf0(values) }, chunkStreamId);
  const control = (typeId: number, payload: Buffer) => send({ typeId, timestamp: 0, streamId: 0, payload }, CONTROL_CHUNK_STREAM);

  let received = 0;
  let acknowledged = 0;
  let window = 0;
  let playStreamId: number | undefined;
  let playing = false;

  const onMessage = (message: RtmpMessage) => {
    switch (message.typeId) {
      case TYPE_VIDEO:
        if (!playing) return;
        counters.videoMessages += 1;
        listener.onVideo({ timestamp: message.timestamp, data: message.payload });
        return;
      case TYPE_WINDOW_ACK_SIZE:
        if (message.payload.length >= 4) window = message.payload.readUInt32BE(0);
        return;
      case TYPE_USER_CONTROL:
        onUserControl(message.payload);
        return;
      case TYPE_COMMAND_AMF0:
        onCommand(message.payload);
        return;
      default:
        return;
    }
  };

  const onUserControl = (payload: Buffer) => {
    if (payload.length < 2) return;
    const event = payload.readUInt16BE(0);
    if (event === 6 && payload.length >= 6) {
      // PingRequest: answer with its timestamp, or servers drop the player as dead.
      const reply = Buffer.alloc(6);
      reply.writeUInt16BE(7, 0);
      payload.copy(reply, 2, 2, 6);
      control(TYPE_USER_CONTROL, reply);
    } else if (event === 1 && playing) {
      end("the stream ended (StreamEOF)", false);
    }
  };

  const onCommand = (payload: Buffer) => {
    if (payload.length > MAX_COMMAND_BYTES) {
      end(`command message of ${payload.length} bytes`, true);
      return;
    }
    let values: Amf0Value[];
    try {
      values = decodeAmf0(payload);
    } catch (error) {
      end(`unreadable command from the server: ${error instanceof Amf0Error ? error.message : String(error)}`, true);
      return;
    }
    const [name, transaction] = values;
    if (name === "_result" && transaction === 1) {
      command(["createStream", 2, null]);
    } else if (name === "_result" && transaction === 2) {
      const id = values[3];
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0) {
        end("createStream answered without a stream id", true);
        return;
      }
      playStreamId = id;
      // SetBufferLength before play, as players do; some servers wait for it.
      const buffer = Buffer.alloc(10);
      buffer.writeUInt16BE(3, 0);
      buffer.writeUInt32BE(id, 2);
      buffer.writeUInt32BE(1000, 6);
      control(TYPE_USER_CONTROL, buffer);
      command(["play", 0, null, address.playName, -1000], id, PLAY_CHUNK_STREAM);
    } else if (name === "_error") {
      end(`the server refused: ${statusText(values[3])}`, true);
    } else if (name === "onStatus") {
      const info = values[3];
      const code = info !== null && typeof info === "object" && !Array.isArray(info) ? info["code"] : undefined;
      if (code === "NetStream.Play.Start" || code === "NetStream.Play.Reset") {
        if (!playing) {
          playing = true;
          clearTimeout(startTimer);
        }
      } else if (code === "NetStream.Play.UnpublishNotify" || code === "NetStream.Play.Stop" || code === "NetStream.Play.Complete") {
        end(`the stream ended (${code})`, false);
      } else if (typeof code === "string" && /Failed|NotFound|Rejected|BadName|error/i.test(code)) {
        end(`the server refused the play: ${code}${statusDescription(info)}`, true);
      }
    }
  };

  const reader = new ChunkReader(onMessage, settings.limits, (typeId) => typeId === TYPE_AUDIO);

  // The handshake: C0+C1 out, S0+S1+S2 in, C2 (S1 echoed) out; then chunk streams.
  let handshake: Buffer | null = Buffer.alloc(0);
  s.on("connect", () => {
    const c0c1 = Buffer.alloc(1 + HANDSHAKE_SIZE);
    c0c1[0] = 3;
    randomBytes(HANDSHAKE_SIZE - 8).copy(c0c1, 9);
    s.write(c0c1);
  });
  s.on("data", (data: Buffer) => {
    if (ended) return;
    received += data.length;
    counters.bytesReceived += data.length;
    try {
      if (handshake !== null) {
        handshake = Buffer.concat([handshake, data]);
        if (handshake.length < 1 + 2 * HANDSHAKE_SIZE) return;
        if (handshake[0] !== 3) throw new RtmpProtocolError(`the server speaks RTMP version ${handshake[0]}, not 3`);
        s.write(handshake.subarray(1, 1 + HANDSHAKE_SIZE));
        const rest = handshake.subarray(1 + 2 * HANDSHAKE_SIZE);
        handshake = null;
        const size = Buffer.alloc(4);
        size.writeUInt32BE(OUR_CHUNK_SIZE);
        control(TYPE_SET_CHUNK_SIZE, size);
        const ackWindow = Buffer.alloc(4);
        ackWindow.writeUInt32BE(OUR_WINDOW);
        control(TYPE_WINDOW_ACK_SIZE, ackWindow);
        command([
          "connect",
          1,
          { app: address.app, flashVer: "LNX 9,0,124,2", tcUrl: address.tcUrl, fpad: false, capabilities: 15, audioCodecs: 4071, videoCodecs: 252, videoFunction: 1 },
        ]);
        if (rest.length > 0) reader.push(rest);
      } else {
        reader.push(data);
      }
    } catch (error) {
      end(error instanceof Error ? `protocol error: ${error.message}` : String(error), true);
      return;
    }
    if (window > 0 && received - acknowledged >= window / 2) {
      acknowledged = received;
      const ack = Buffer.alloc(4);
      ack.writeUInt32BE(received >>> 0);
      control(TYPE_ACK, ack);
    }
  });

  return () => {
    if (ended) return;
    ended = true;
    clearTimeout(startTimer);
    if (playStreamId !== undefined) command(["deleteStream", 0, null, playStreamId]);
    s.destroy();
  };
}

function statusText(info: Amf0Value): string {
  if (info !== null && typeof info === "object" && !Array.isArray(info)) {
    const code = info["code"];
    return `${typeof code === "string" ? code : "error"}${statusDescription(info)}`;
  }
  return "error";
}

function statusDescription(info: Amf0Value): string {
  if (info !== null && typeof info === "object" && !Array.isArray(info) && typeof info["description"] === "string") {
    return ` (${info["description"].slice(0, 200)})`;
  }
  return "";
}
