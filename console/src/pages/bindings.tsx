import { useState } from "preact/hooks";
import type { ConsoleEffectiveTemplateQuery } from "../gql/graphql";
import { BindingsQuery, CreateBindingMutation, DeleteBindingMutation, DomainGroupsQuery, EffectiveTemplateQuery, TemplatesQuery } from "../operations";
import { formatTime, orAll } from "../format";
import { href } from "../route";
import { useSession } from "../session-context";
import { Empty, ErrorBox, Field, READ_ONLY_REASON, useAction, useLoad } from "../ui";

type Scope = "DOMAIN" | "APP" | "STREAM";

export function BindingsPage() {
  const { api, admin } = useSession();
  const bindings = useLoad(() => api.request(BindingsQuery), [api]);
  const domains = useLoad(() => api.request(DomainGroupsQuery), [api]);
  const templates = useLoad(() => api.request(TemplatesQuery), [api]);
  const list = bindings.data?.snapshotConfigs.edges.map((e) => e.node) ?? [];
  const domainNames = domains.data?.domainGroups.edges.map((e) => e.node.pushDomain) ?? [];
  const templateList = templates.data?.snapshotTemplates.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="bindings-title">
      <div class="page-head">
        <h1 id="bindings-title">Bindings</h1>
        <p class="muted">A template bound to a domain, an app or one stream. The most specific binding wins; it applies to streams published after it.</p>
      </div>
      <ErrorBox error={bindings.error ?? domains.error ?? templates.error} />
      {!admin ? <p class="notice">{READ_ONLY_REASON}.</p> : null}
      {admin && domains.data && templates.data ? (
        domainNames.length === 0 || templateList.length === 0 ? (
          <Empty title="Nothing to bind yet">
            <p>
              A binding needs a <a href={href("domains")}>domain group</a> and a <a href={href("templates")}>template</a>; create{" "}
              {domainNames.length === 0 && templateList.length === 0 ? "both" : domainNames.length === 0 ? "a domain group" : "a template"} first.
            </p>
          </Empty>
        ) : (
          <CreateBinding domains={domainNames} templates={templateList} onCreated={bindings.reload} />
        )
      ) : null}
      {bindings.data && list.length === 0 ? (
        <Empty title="No binding yet">
          <p>Nothing is captured until a template is bound: pick a domain, a scope and a template above. A domain binding covers every app and stream.</p>
        </Empty>
      ) : null}
      {list.length > 0 ? (
        <div class="table-wrap">
          <table aria-label="Bindings">
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col">AppName</th>
                <th scope="col">StreamName</th>
                <th scope="col">Template</th>
                <th scope="col">Level</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <BindingRow key={b.id} binding={b} onDeleted={bindings.reload} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <EffectiveTemplateTool domains={domainNames} />
    </section>
  );
}

function BindingRow({
  binding: b,
  onDeleted,
}: {
  binding: { id: string; domain: string; appName?: string | null; streamName?: string | null; level: string; createdAt: string; template: { name: string } };
  onDeleted: () => Promise<void>;
}) {
  const { api, admin } = useSession();
  const action = useAction();
  const remove = async () => {
    if (!confirm("Delete this binding? Streams already live keep their template.")) return;
    if (await action.run(() => api.request(DeleteBindingMutation, { id: b.id }))) await onDeleted();
  };
  return (
    <>
      <tr>
        <td>{b.domain}</td>
        <td class={b.appName ? undefined : "all"}>{orAll(b.appName)}</td>
        <td class={b.streamName ? undefined : "all"}>{orAll(b.streamName)}</td>
        <td>{b.template.name}</td>
        <td>
          <span class="badge">{b.level}</span>
        </td>
        <td>{formatTime(b.createdAt)}</td>
        <td class="row-actions">
          <button type="button" class="small danger" disabled={!admin || action.busy} title={admin ? undefined : READ_ONLY_REASON} onClick={remove} aria-label="Delete binding">
            Delete
          </button>
        </td>
      </tr>
      {action.error ? (
        <tr class="row-error">
          <td colSpan={7}>
            <ErrorBox error={action.error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function CreateBinding({ domains, templates, onCreated }: { domains: string[]; templates: { id: string; name: string }[]; onCreated: () => Promise<void> }) {
  const { api } = useSession();
  const [domain, setDomain] = useState(domains[0]!);
  const [scope, setScope] = useState<Scope>("DOMAIN");
  const [app, setApp] = useState("");
  const [stream, setStream] = useState("");
  const [templateId, setTemplateId] = useState(templates[0]!.id);
  const action = useAction();
  const fields = action.error?.fields ?? {};
  const submit = async (event: Event) => {
    event.preventDefault();
    const input = {
      domain,
      templateId,
      appName: scope === "DOMAIN" ? null : app,
      streamName: scope === "STREAM" ? stream : null,
    };
    if (await action.run(() => api.request(CreateBindingMutation, { input }))) {
      setApp("");
      setStream("");
      await onCreated();
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-label="Create a binding">
      <h2>New binding</h2>
      <div class="form-row">
        <Field label="Domain" error={fields.domain}>
          <select name="domain" value={domain} onChange={(e) => setDomain(e.currentTarget.value)}>
            {domains.map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </Field>
        <fieldset class="scope">
          <legend>Scope</legend>
          {(["DOMAIN", "APP", "STREAM"] as const).map((s) => (
            <label class="radio">
              <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} />
              {s === "DOMAIN" ? "Whole domain" : s === "APP" ? "One app" : "One stream"}
            </label>
          ))}
        </fieldset>
        {scope !== "DOMAIN" ? (
          <Field label="App" error={fields.appName}>
            <input name="appName" required value={app} onInput={(e) => setApp(e.currentTarget.value)} />
          </Field>
        ) : null}
        {scope === "STREAM" ? (
          <Field label="Stream" error={fields.streamName}>
            <input name="streamName" required value={stream} onInput={(e) => setStream(e.currentTarget.value)} />
          </Field>
        ) : null}
        <Field label="Template" error={fields.templateId}>
          <select name="templateId" value={templateId} onChange={(e) => setTemplateId(e.currentTarget.value)}>
            {templates.map((t) => (
              <option value={t.id}>{t.name}</option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={action.busy}>
          Bind template
        </button>
      </div>
      {action.error && Object.keys(fields).length === 0 ? <ErrorBox error={action.error} /> : null}
    </form>
  );
}

function EffectiveTemplateTool({ domains }: { domains: string[] }) {
  const { api } = useSession();
  const [domain, setDomain] = useState("");
  const [app, setApp] = useState("live");
  const [stream, setStream] = useState("cam1");
  const [result, setResult] = useState<{ answer: ConsoleEffectiveTemplateQuery["effectiveTemplate"] }>();
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    setResult(undefined);
    await action.run(async () => setResult({ answer: (await api.request(EffectiveTemplateQuery, { domain: domain || domains[0] || "", app, stream })).effectiveTemplate }));
  };
  return (
    <form class="card" onSubmit={submit} aria-label="Effective template">
      <h2>Effective template</h2>
      <p class="muted">Which template a publish of this stream would be captured with, and which binding chose it.</p>
      <div class="form-row">
        <Field label="Domain" error={action.error?.fields.domain}>
          <input name="domain" list="known-domains" required value={domain || domains[0] || ""} onInput={(e) => setDomain(e.currentTarget.value)} />
        </Field>
        <datalist id="known-domains">
          {domains.map((d) => (
            <option value={d} />
          ))}
        </datalist>
        <Field label="App" error={action.error?.fields.app}>
          <input name="app" required value={app} onInput={(e) => setApp(e.currentTarget.value)} />
        </Field>
        <Field label="Stream" error={action.error?.fields.stream}>
          <input name="stream" required value={stream} onInput={(e) => setStream(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="secondary" disabled={action.busy}>
          Resolve
        </button>
      </div>
      <ErrorBox error={action.error} />
      {result ? (
        <p class="result" role="status">
          {result.answer ? (
            <>
              <strong>{result.answer.template.name}</strong> ({result.answer.template.format}, every {result.answer.template.intervalSeconds} s) applies at level{" "}
              <span class="badge">{result.answer.level}</span> from the binding {result.answer.config.domain} / {orAll(result.answer.config.appName)} /{" "}
              {orAll(result.answer.config.streamName)}.
            </>
          ) : (
            "No binding applies: this stream would not be captured."
          )}
        </p>
      ) : null}
    </form>
  );
}
