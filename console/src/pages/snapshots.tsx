import { useEffect, useRef, useState } from "preact/hooks";
import { DomainGroupsQuery, SnapshotsQuery } from "../operations";
import { formatBytes, formatTime, localToIso } from "../format";
import { href } from "../route";
import { useSession } from "../session-context";
import type { ApiError } from "../api";
import { asApiError, Empty, ErrorBox, Field, useLoad } from "../ui";
import { SnapshotDialog, type SnapshotView } from "./snapshot-dialog";

interface Filter {
  domain: string;
  app: string;
  stream: string;
  from: string;
  to: string;
}

export function SnapshotsPage({ params }: { params: URLSearchParams }) {
  const { api } = useSession();
  const domains = useLoad(() => api.request(DomainGroupsQuery), [api]);
  const names = domains.data?.domainGroups.edges.map((e) => e.node.pushDomain) ?? [];
  const fromUrl: Filter = { domain: params.get("domain") ?? "", app: params.get("app") ?? "", stream: params.get("stream") ?? "", from: "", to: "" };
  const [draft, setDraft] = useState<Filter>(fromUrl);
  const [filter, setFilter] = useState<Filter | null>(fromUrl.domain ? fromUrl : null);
  useEffect(() => {
    setDraft(fromUrl);
    setFilter(fromUrl.domain ? fromUrl : null);
  }, [params.toString()]);
  useEffect(() => {
    if (!draft.domain && names[0]) setDraft({ ...draft, domain: names[0] });
  }, [names[0]]);
  const set = (key: keyof Filter) => (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  return (
    <section aria-labelledby="snapshots-title">
      <div class="page-head">
        <h1 id="snapshots-title">Snapshots</h1>
        <p class="muted">Every stored image of a domain, an app or one stream, newest first.</p>
      </div>
      <ErrorBox error={domains.error} />
      {domains.data && names.length === 0 ? (
        <Empty title="No domain group yet">
          <p>
            Snapshots belong to a domain: create a <a href={href("domains")}>domain group</a> first.
          </p>
        </Empty>
      ) : (
        <form
          class="card form-row"
          aria-label="Filter snapshots"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter({ ...draft });
          }}
        >
          <Field label="Domain">
            <input name="domain" list="snapshot-domains" required value={draft.domain} onInput={set("domain")} />
          </Field>
          <datalist id="snapshot-domains">
            {names.map((d) => (
              <option value={d} />
            ))}
          </datalist>
          <Field label="App">
            <input name="app" placeholder="all apps" value={draft.app} onInput={set("app")} />
          </Field>
          <Field label="Stream">
            <input name="stream" placeholder="all streams" value={draft.stream} onInput={set("stream")} />
          </Field>
          <Field label="From">
            <input name="from" type="datetime-local" step={1} value={draft.from} onInput={set("from")} />
          </Field>
          <Field label="To">
            <input name="to" type="datetime-local" step={1} value={draft.to} onInput={set("to")} />
          </Field>
          <button type="submit">Show snapshots</button>
        </form>
      )}
      {filter ? <SnapshotList key={JSON.stringify(filter)} filter={filter} /> : null}
    </section>
  );
}

/** Pages through the cursor connection as the end of the list scrolls into view. */
function SnapshotList({ filter }: { filter: Filter }) {
  const { api } = useSession();
  const [items, setItems] = useState<SnapshotView[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [more, setMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [open, setOpen] = useState<SnapshotView>();
  const end = useRef<HTMLDivElement>(null);
  const busy = useRef(false);

  const loadMore = async () => {
    if (busy.current || !more) return;
    busy.current = true;
    setLoading(true);
    try {
      const { snapshots } = await api.request(SnapshotsQuery, {
        domain: filter.domain,
        app: filter.app || null,
        stream: filter.stream || null,
        from: localToIso(filter.from) ?? null,
        to: localToIso(filter.to) ?? null,
        after: cursor ?? null,
      });
      setItems((all) => [...all, ...snapshots.edges.map((e) => e.node)]);
      setCursor(snapshots.pageInfo.endCursor);
      setMore(snapshots.pageInfo.hasNextPage);
      setError(undefined);
    } catch (e) {
      setError(asApiError(e));
      setMore(false);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  };

  useEffect(() => {
    const target = end.current;
    if (!target || !more) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor, more]);

  return (
    <div>
      <ErrorBox error={error} />
      {!loading && !more && !error && items.length === 0 ? (
        <Empty title="No snapshot matches">
          <p>
            Images appear once a stream is live under a <a href={href("bindings")}>binding</a>; widen the time range or clear app and stream.
          </p>
        </Empty>
      ) : null}
      <ul class="snapshot-grid" aria-label="Snapshots">
        {items.map((s) => (
          <li key={s.id}>
            <button type="button" class="thumb" onClick={() => setOpen(s)} aria-label={`Open snapshot of ${s.appName}/${s.streamName} at ${formatTime(s.capturedAt)}`}>
              <img src={s.url} alt="" loading="lazy" width={s.width} height={s.height} />
              <span class="thumb-meta">
                <span>
                  {s.appName}/{s.streamName}
                </span>
                <span class="muted">
                  {formatTime(s.capturedAt)} · {formatBytes(s.bytes)}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div ref={end} class="list-end" role="status">
        {loading ? "Loading…" : more ? "" : items.length > 0 ? `${items.length} snapshots, no more` : ""}
      </div>
      {open ? <SnapshotDialog snapshot={open} onClose={() => setOpen(undefined)} /> : null}
    </div>
  );
}
