import { formatBytes, formatTime, streamPath } from "../format";
import { href } from "../route";
import { CopyButton, Dialog } from "../ui";

export interface SnapshotView {
  id: string;
  domain: string;
  appName: string;
  streamName: string;
  key: string;
  url: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
  capturedAt: string;
}

export function SnapshotDialog({ snapshot: s, onClose }: { snapshot: SnapshotView; onClose: () => void }) {
  const fileName = s.key.split("/").pop() ?? `snapshot.${s.format.toLowerCase()}`;
  return (
    <Dialog title={`Snapshot of ${streamPath(s)}`} onClose={onClose}>
      <img class="full" src={s.url} alt={`Snapshot of ${streamPath(s)} at ${formatTime(s.capturedAt)}`} width={s.width} height={s.height} />
      <dl class="facts">
        <dt>Key</dt>
        <dd>
          <span class="copyable">
            <code class="snapshot-key">{s.key}</code>
            <CopyButton value={s.key} label="object key" />
          </span>
        </dd>
        <dt>Size</dt>
        <dd class="snapshot-size">
          {s.width} × {s.height} {s.format}
        </dd>
        <dt>Bytes</dt>
        <dd>{formatBytes(s.bytes)}</dd>
        <dt>Captured</dt>
        <dd>{formatTime(s.capturedAt)}</dd>
      </dl>
      <div class="actions">
        <a class="button" href={s.url} download={fileName}>
          Download
        </a>
        <a class="button secondary" href={href("snapshots", { domain: s.domain, app: s.appName, stream: s.streamName })} onClick={onClose}>
          All snapshots of this stream
        </a>
      </div>
    </Dialog>
  );
}
