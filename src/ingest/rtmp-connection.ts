import type { Socket } from "node:net";
import Context from "node-media-server/src/core/context.js";
import BroadcastServer from "node-media-server/src/server/broadcast_server.js";
import RtmpSession from "node-media-server/src/session/rtmp_session.js";
import { LivesnapError } from "../errors";
import type { Logger } from "../logger";
import { LeanBroadcast } from "./lean-broadcast";
import { PublishTags } from "./publish-tags";
import { guardMessageParser } from "./rtmp-message-guard";
import { RtmpRefusal, type RtmpRefusalReason } from "./rtmp-refusal";
import type { StreamAddress } from "./stream-address";

/** How long each step of a connection may take; see the RTMP_* variables in the README. */
export interface RtmpTimeouts {
  handshakeTimeoutMs: number;
  publishTimeoutMs: number;
  idleTimeoutMs: number;
}

export type TimeoutPhase = "handshake" | "publish" | "idle";

/** What the connect command and the publish or play command named. */
export interface StreamRequest {
  app: string;
  name: string;
  host: string;
  query: Record<string, string | string[] | undefined>;
}

/** A publish as the ingest keys it: node-media-server's stream path, and the stream's address. */
export interface PublishTarget {
  streamPath: string;
  address: StreamAddress;
}

export interface RtmpConnectionOptions {
  limits: RtmpTimeouts & { maxChunkSize: number; maxMessageBytes: number };
  log: Logger;
  onRefused(reason: RtmpRefusalReason): void;
  onTimeout(phase: TimeoutPhase): void;
  /** The target of a publish; throws a LivesnapError when its names cannot be used. */
  resolvePublish(request: StreamRequest, tcUrl: string | undefined): PublishTarget;
  /** A publish passed the ingest's checks; the connection reads nothing more until accept() or refuse(). */
  onPublish(connection: RtmpConnection, target: PublishTarget): void;
  /** Whether a play of this stream path with this capture token (if any) is livesnap's capture. */
  authorizePlay(streamPath: string, token: string | undefined): boolean;
  /** Capture started reading on this connection. */
  onPlay(connection: RtmpConnection): void;
}

/** C0 + C1 + C2: the client's share of the RTMP handshake. */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;
/** How long a refused client has to read the close before its socket is destroyed. */
const REFUSAL_GRACE_MS = 1000;
const TYPE_VIDEO = 9;

/**
 * One client of the embedded ingest on node-media-server's RtmpSession: bounded in time (handshake,
 * then publish or play, then idle publishing) and in memory (the message guard), allowed one
 * publish or one play of livesnap's capture, and keyed by the domain-qualified stream path that
 * node-media-server's broadcasts are looked up by.
 */
export class RtmpConnection {
  readonly session: RtmpSession;
  private publishTags: PublishTags | undefined;
  private role: "pending" | "publisher" | "player" = "pending";
  private readonly relay = new LeanBroadcast();
  private mediaAccepted = false;
  private closing = false;
  private received = 0;
  private request: StreamRequest | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private commandTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: Socket,
    private readonly options: RtmpConnectionOptions,
  ) {
    const session = new RtmpSession(socket);
    this.session = session;
    guardMessageParser(session.rtmp, options.limits, () => this.mediaAccepted);
    // RtmpSession.run() hands these to the parser and the socket, so they are replaced before it.
    const parse = session.onData;
    session.onData = (data: Buffer) => this.onData(parse, data);
    session.onConnect = (request) => {
      this.request = request;
    };
    const push = session.onPush;
    session.onPush = () => this.onPublishCommand(push);
    const play = session.onPlay;
    session.onPlay = () => this.onPlayCommand(play);
    session.onPacket = (packet) => {
      // Only the publisher's media is a stream: a player's or a refused publisher's would reach
      // another publisher's players.
      if (this.role !== "publisher" || this.closing) return;
      // Tapped before the broadcast, which shifts the timestamps of a resumed publish.
      if (packet.codec_type === TYPE_VIDEO) this.tags?.video(packet.dts, packet.data.subarray(0, packet.size));
      this.relay.relay(session.broadcast, packet);
    };
    socket.once("close", () => {
      this.clearTimers();
      this.tags?.end("the publisher left");
    });
  }

  get id(): string {
    return this.session.id;
  }

  /** The publish's video for capture; set once this connection publishes. */
  get tags(): PublishTags | undefined {
    return this.publishTags;
  }

  start(): void {
    const { handshakeTimeoutMs, publishTimeoutMs } = this.options.limits;
    this.handshakeTimer = this.deadline(handshakeTimeoutMs, "handshake", "no RTMP handshake");
    this.commandTimer = this.deadline(publishTimeoutMs, "publish", "no publish or play");
    this.session.run();
  }

  /** The lifecycle accepted the publish: media may flow, and a publisher that goes quiet is cut. */
  accept(): void {
    if (this.closing) return;
    this.mediaAccepted = true;
    const { idleTimeoutMs } = this.options.limits;
    this.socket.setTimeout(idleTimeoutMs, () => {
      this.options.onTimeout("idle");
      this.options.log.warn({ session: this.id, idleMs: idleTimeoutMs }, "publisher idle; closing it");
      this.destroy(`the publisher sent nothing for ${idleTimeoutMs} ms`);
    });
    this.tags?.open();
    this.socket.resume();
  }

  /** Counts and logs the refusal, then closes the connection. */
  refuse(reason: RtmpRefusalReason, message: string, fields: Record<string, unknown> = {}): void {
    if (this.closing) return;
    this.options.onRefused(reason);
    this.options.log.warn({ session: this.id, reason, ...fields }, `connection refused: ${message}`);
    this.close(`refused (${reason}): ${message}`);
  }

  /** Stops reading, lets the client see the end of the stream, and destroys the socket soon after. */
  close(reason = "the connection was closed"): void {
    if (this.closing) return;
    this.closing = true;
    this.clearTimers();
    this.tags?.end(reason);
    // A publish refused before its media was accepted frees its path now, not when the socket
    // closes after the grace below: the next publisher of that stream must not find it taken.
    if (this.role === "publisher" && !this.mediaAccepted && this.session.broadcast?.publisher === this.session) {
      this.session.broadcast._finishPublish();
    }
    this.socket.pause();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), REFUSAL_GRACE_MS).unref();
  }

  /** Ends the connection now; the publish's tags end with this reason. */
  destroy(reason: string): void {
    this.tags?.end(reason);
    this.socket.destroy();
  }

  private onData(parse: (data: Buffer) => void, data: Buffer): void {
    if (this.closing) return;
    this.received += data.length;
    try {
      parse(data);
    } catch (error) {
      // node-media-server parses client input without guarding it (a malformed tcUrl throws out of
      // its data handler), so a bad client must cost its connection, not the process.
      if (error instanceof RtmpRefusal) this.refuse(error.reason, error.message);
      else this.refuse("protocol_error", "unparsable RTMP", { err: String(error) });
      return;
    }
    if (this.handshakeTimer !== undefined && this.received >= HANDSHAKE_BYTES) {
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
    }
  }

  private onPublishCommand(push: () => void): void {
    if (this.closing) return;
    if (this.role !== "pending") {
      this.refuse("second_command", "a connection publishes or plays one stream only");
      return;
    }
    const request = this.requested();
    const tcUrl = this.session.rtmp.connectCmdObj?.tcUrl;
    let target: PublishTarget;
    try {
      target = this.options.resolvePublish(request, typeof tcUrl === "string" ? tcUrl : undefined);
    } catch (error) {
      if (!(error instanceof LivesnapError)) throw error;
      this.refuse("invalid_name", `publish refused: ${error.message}`, { field: error.field });
      return;
    }
    const { domain, app, stream } = target.address;
    if (Context.broadcasts.get(target.streamPath)?.getPublishStatus() === "publishing") {
      this.refuse("already_live", "publish refused: the stream is already live; the first publisher keeps it", { domain, app, stream });
      return;
    }
    this.bind(target.streamPath, request);
    push();
    if (!this.session.isPublisher) {
      this.refuse("already_live", "publish refused by node-media-server", { domain, app, stream });
      return;
    }
    this.role = "publisher";
    this.publishTags = new PublishTags((error) => this.options.log.error({ session: this.id, err: error }, "a tag listener failed; unsubscribed it"));
    this.clearCommandTimer();
    // Nothing the publisher sends is parsed (nor broadcast) until the lifecycle has decided.
    this.socket.pause();
    this.options.onPublish(this, target);
  }

  private onPlayCommand(play: () => void): void {
    if (this.closing) return;
    if (this.role !== "pending") {
      this.refuse("second_command", "a connection publishes or plays one stream only");
      return;
    }
    const request = this.requested();
    // Capture plays the qualified path itself: its URL's app is "{domain}/{app}".
    const streamPath = `/${request.app}/${request.name}`;
    const token = request.query.capture;
    if (!this.options.authorizePlay(streamPath, typeof token === "string" ? token : undefined)) {
      this.refuse("play_unauthorized", "play refused: the embedded ingest serves livesnap's capture only");
      return;
    }
    this.bind(streamPath, request);
    play();
    this.role = "player";
    this.clearCommandTimer();
    this.options.onPlay(this);
  }

  /** node-media-server calls onConnect right before onPush and onPlay. */
  private requested(): StreamRequest {
    if (this.request === undefined) throw new Error("publish or play without its stream request");
    return this.request;
  }

  private bind(streamPath: string, request: StreamRequest): void {
    const session = this.session;
    session.streamApp = request.app;
    session.streamName = request.name;
    session.streamHost = request.host;
    session.streamPath = streamPath;
    session.streamQuery = request.query;
    session.broadcast = Context.broadcasts.get(streamPath) ?? new BroadcastServer(streamPath);
    Context.broadcasts.set(streamPath, session.broadcast);
  }

  private deadline(ms: number, phase: TimeoutPhase, what: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.closing) return;
      this.closing = true;
      this.options.onTimeout(phase);
      this.options.log.warn({ session: this.id, phase, timeoutMs: ms }, `${what} within ${ms} ms; closing the connection`);
      this.socket.destroy();
    }, ms);
    timer.unref();
    return timer;
  }

  private clearCommandTimer(): void {
    clearTimeout(this.commandTimer);
    this.commandTimer = undefined;
  }

  private clearTimers(): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.clearCommandTimer();
  }
}
