import { useEffect, useRef, useState } from "preact/hooks";
import type { ConsoleLiveStreamsQuery } from "../gql/graphql";
import { CaptureSnapshotMutation, DomainGroupsQuery, LiveStreamsQuery, SnapshotCreatedSubscription } from "../operations";
import { formatAge, streamPath } from "../format";
import { href } from "../route";
import { useSession } from "../session-context";
import { ApiError } from "../api";
import { Empty, ErrorBox, useLoad, useNow } from "../ui";
import { PushUrlTool } from "./push-url-tool";
import { SnapshotDialog, type SnapshotView } from "./snapshot-dialog";

type Stream = ConsoleLiveStreamsQuery["liveStreams"]["edges"][number]["node"];

/**
 * Ended streams are learnt from this slow re-read of the list; images arrive over the
 * subscription, and a stream not on the wall yet is fetched when its first image lands.
 */
const LIST_REFRESH_MS = 30_000;

export function LivePage() {
  const { api, admin } = useSession();
  const live = useLoad(() => api.request(LiveStreamsQuery), [api]);
  const [newest, setNewest] = useState<Record<string, SnapshotView>>({});
  const [socketError, setSocketError] = useState<ApiError>();
  const [open, setOpen] = useState<SnapshotView>();
  /** Streams whose on-demand capture is running, and the last refusal per stream. */
  const [capturing, setCapturing] = useState<Record<string, boolean>>({});
  const [captureErrors, setCaptureErrors] = useState<Record<string, ApiError | undefined>>({});
  const captureNow = async (stream: Stream) => {
    const path = streamPath(stream);
    setCapturing((all) => ({ ...all, [path]: true }));
    setCaptureErrors((all) => ({ ...all, [path]: undefined }));
    try {
      const { captureSnapshot: s } = await api.request(CaptureSnapshotMutation, { domain: stream.domain, app: stream.appName, stream: stream.streamName });
      setNewest((all) => ({ ...all, [path]: s }));
    } catch (error) {
      setCaptureErrors((all) => ({ ...all, [path]: error instanceof ApiError ? error : new ApiError([{ message: String(error) }]) }));
    } finally {
      setCapturing((all) => ({ ...all, [path]: false }));
    }
  };
  const now = useNow();
  const streams = live.data?.liveStreams.edges.map((e) => e.node) ?? [];

  useEffect(() => {
    const timer = setInterval(() => void live.reload(), LIST_REFRESH_MS);
    return () => clearInterval(timer);
  }, [live.reload]);

  // One subscription for the page's life; it reads the streams on the wall through this ref.
  const known = useRef(new Set<string>());
  known.current = new Set(streams.map(streamPath));
  useEffect(
    () =>
      api.subscribe(
        SnapshotCreatedSubscription,
        ({ snapshotCreated: s }) => {
          setSocketError(undefined);
          setNewest((all) => ({ ...all, [streamPath(s)]: s }));
          if (!known.current.has(streamPath(s))) void live.reload();
        },
        setSocketError,
      ),
    [api],
  );

  return (
    <section aria-labelledby="live-title">
      <div class="page-head">
        <h1 id="live-title">Live</h1>
        <p class="muted">The newest image of every live stream, replaced as each snapshot lands.</p>
        <span class={`badge ${socketError ? "warn" : "ok"}`} role="status">
          {socketError ? "live updates interrupted" : `${streams.length} live`}
        </span>
      </div>
      <ErrorBox error={live.error} />
      <ErrorBox error={socketError} />
      {live.data && streams.length === 0 ? <NothingLive /> : null}
      <ul class="wall" aria-label="Live streams">
        {streams.map((stream) => {
          const last = pickNewest(stream.lastSnapshot ? { ...stream.lastSnapshot, domain: stream.domain, appName: stream.appName, streamName: stream.streamName } : undefined, newest[streamPath(stream)]);
          return (
            <li class="tile" key={stream.id} data-stream={streamPath(stream)}>
              <button type="button" class="tile-image" disabled={!last} onClick={() => setOpen(last)} aria-label={`Open the newest snapshot of ${streamPath(stream)}`}>
                {last ? (
                  <img src={last.url} alt={`Newest snapshot of ${streamPath(stream)}`} width={last.width} height={last.height} data-snapshot-id={last.id} />
                ) : (
                  <span class="placeholder">{stream.template ? "waiting for the first image…" : "not captured: no binding applied at publish"}</span>
                )}
              </button>
              <div class="tile-meta">
                <strong class="tile-name">
                  {stream.appName}/{stream.streamName}
                </strong>
                <span class="muted">{stream.domain}</span>
                <span class="tile-line">
                  <span>{stream.template ? `${stream.template.name} · every ${stream.template.intervalSeconds} s` : "no template"}</span>
                  <span class="age" title={last?.capturedAt}>
                    {last ? formatAge(last.capturedAt, now) : ""}
                  </span>
                </span>
                {admin && stream.template ? (
                  <button type="button" class="secondary" disabled={capturing[streamPath(stream)]} onClick={() => void captureNow(stream)} aria-label={`Capture ${streamPath(stream)} now`}>
                    {capturing[streamPath(stream)] ? "Capturing…" : "Capture now"}
                  </button>
                ) : null}
                <ErrorBox error={captureErrors[streamPath(stream)]} />
              </div>
            </li>
          );
        })}
      </ul>
      {open ? <SnapshotDialog snapshot={open} onClose={() => setOpen(undefined)} /> : null}
    </section>
  );
}

function pickNewest(a: SnapshotView | undefined, b: SnapshotView | undefined): SnapshotView | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(b.capturedAt) >= Date.parse(a.capturedAt) ? b : a;
}

function NothingLive() {
  const { api, admin } = useSession();
  const domains = useLoad(() => api.request(DomainGroupsQuery), [api]);
  const names = domains.data?.domainGroups.edges.map((e) => e.node.pushDomain) ?? [];
  if (domains.error) return <ErrorBox error={domains.error} />;
  if (!domains.data) return null;
  if (names.length === 0) {
    return (
      <Empty title="Nothing live, and no domain group yet">
        <p>
          Start with a <a href={href("domains")}>domain group</a> (the domain encoders push to), then a <a href={href("templates")}>template</a> and a{" "}
          <a href={href("bindings")}>binding</a>.
        </p>
      </Empty>
    );
  }
  return (
    <Empty title="Nothing live">
      <p>Push a stream and its thumbnail appears here with its first snapshot. {admin ? "Get a signed push URL:" : "An ADMIN can hand out a signed push URL."}</p>
      {admin ? <PushUrlTool domains={names} title="Push a stream" /> : null}
    </Empty>
  );
}
