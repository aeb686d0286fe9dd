import { useState } from "preact/hooks";
import type { ConsolePushUrlQuery } from "../gql/graphql";
import { PushUrlQuery } from "../operations";
import { formatTime } from "../format";
import { useSession } from "../session-context";
import { Copyable, ErrorBox, Field, READ_ONLY_REASON, useAction } from "../ui";

/** Signed publish URLs for one stream: the whole URL for ffmpeg, server and key apart for OBS. */
export function PushUrlTool({ domains, title = "Push URL" }: { domains: string[]; title?: string }) {
  const { api, admin } = useSession();
  const [domain, setDomain] = useState(domains[0] ?? "");
  const [app, setApp] = useState("live");
  const [stream, setStream] = useState("cam1");
  const [result, setResult] = useState<ConsolePushUrlQuery["pushUrl"]>();
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    setResult(undefined);
    await action.run(async () => setResult((await api.request(PushUrlQuery, { domain, app, stream })).pushUrl));
  };
  return (
    <section class="card push-url" aria-labelledby="push-url-title">
      <h2 id="push-url-title">{title}</h2>
      {!admin ? <p class="notice">Push URLs are signed with the domain's key, which only ADMIN tokens may use.</p> : null}
      <form class="form-row" onSubmit={submit} aria-label="Get a push URL">
        <Field label="Domain">
          <select name="domain" value={domain} onChange={(e) => setDomain(e.currentTarget.value)}>
            {domains.map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </Field>
        <Field label="App" error={action.error?.fields.app}>
          <input name="app" required value={app} onInput={(e) => setApp(e.currentTarget.value)} />
        </Field>
        <Field label="Stream" error={action.error?.fields.stream}>
          <input name="stream" required value={stream} onInput={(e) => setStream(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={!admin || action.busy} title={admin ? undefined : READ_ONLY_REASON}>
          Get push URL
        </button>
      </form>
      <ErrorBox error={action.error} />
      {result ? (
        <dl class="facts push-url-result">
          <dt>ffmpeg</dt>
          <dd>
            <Copyable value={`ffmpeg -re -f lavfi -i testsrc2=size=1280x720:rate=30 -c:v libx264 -g 60 -f flv "${result.url}"`} label="ffmpeg command" />
          </dd>
          <dt>URL</dt>
          <dd>
            <Copyable value={result.url} label="push URL" />
          </dd>
          <dt>OBS server</dt>
          <dd>
            <Copyable value={result.server} label="OBS server" />
          </dd>
          <dt>OBS stream key</dt>
          <dd>
            <Copyable value={result.streamKey} label="OBS stream key" />
          </dd>
          <dt>Publish before</dt>
          <dd>{formatTime(result.expiresAt)}</dd>
        </dl>
      ) : null}
    </section>
  );
}
