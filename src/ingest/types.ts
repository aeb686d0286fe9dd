import type { TagSource } from "../media/types";

export type IngestSource = "embedded" | "nginx-rtmp" | "srs" | "mediamtx";

/** A stream that started or stopped on a media server, with names already validated. */
export interface StreamSignal {
  source: IngestSource;
  /** Push domain, lower-cased: from the vhost / tcUrl host, DEFAULT_PUSH_DOMAIN when unknown. */
  domain: string;
  app: string;
  /** Stream name without query arguments. */
  stream: string;
  /** Where the capture engine reads the stream from; recorded with the live stream. */
  pullUrl: string;
  /**
   * Where capture reads the stream when that differs from pullUrl: the embedded ingest's pull URL
   * with a token of this process. Never stored.
   */
  captureUrl?: string | undefined;
  /**
   * The publisher's video tags, as they arrive: only the embedded ingest sets it (a hooked media
   * server is pulled instead). Subscribe before published() resolves to get the stream from its
   * first tag: media flows once the publish is accepted. Never stored.
   */
  tags?: TagSource | undefined;
  /** Media-server session id, when it gives one. */
  clientId?: string | undefined;
  /** Query arguments of the publish URL (auth_key among them), as the media server passed them. */
  query: URLSearchParams;
}

/** Why a publish is refused; also the label of livesnap_publish_refusals_total. */
export type PublishRefusalReason =
  | "auth_missing"
  | "auth_malformed"
  | "auth_expired"
  | "auth_invalid"
  | "unknown_domain"
  | "already_live"
  | "invalid_name"
  | "limit";

export type PublishDecision =
  | { accepted: true }
  | { accepted: false; reason: PublishRefusalReason; message: string };

/** What ingest calls; implemented by the stream lifecycle in app.ts. */
export interface StreamLifecycle {
  /**
   * Decides on the publish; when accepted, records it and starts capture when a template applies.
   * A refusal must make the ingest refuse the publisher (close it, or answer the hook with an error).
   */
  published(signal: StreamSignal): Promise<PublishDecision>;
  unpublished(signal: StreamSignal): Promise<void>;
}
