import type { PublishRefusalReason } from "./types";

/** Why the embedded ingest closed a connection; the label of livesnap_rtmp_refused_total. */
export type RtmpRefusalReason =
  | PublishRefusalReason
  | "total_limit"
  | "address_limit"
  | "play_unauthorized"
  | "second_command"
  | "chunk_size"
  | "message_size"
  | "buffer_limit"
  | "chunk_streams"
  | "protocol_error";

/** Thrown out of the chunk parser when a client breaks a limit; the connection is then closed. */
export class RtmpRefusal extends Error {
  constructor(
    readonly reason: RtmpRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "RtmpRefusal";
  }
}
