export type IngestSource = "embedded" | "nginx-rtmp" | "srs" | "mediamtx";

/** A stream that started or stopped on a media server, with names already validated. */
export interface StreamSignal {
  source: IngestSource;
  /** Push domain, lower-cased: from the vhost / tcUrl host, DEFAULT_PUSH_DOMAIN when unknown. */
  domain: string;
  app: string;
  /** Stream name without query arguments. */
  stream: string;
  /** Where the capture engine reads the stream from. */
  pullUrl: string;
  /** Media-server session id, when it gives one. */
  clientId?: string | undefined;
}

/** What ingest calls; implemented by the stream lifecycle in app.ts. */
export interface StreamLifecycle {
  /** Records the publish and starts capture when a template applies. Never throws for "no template". */
  published(signal: StreamSignal): Promise<void>;
  unpublished(signal: StreamSignal): Promise<void>;
}
