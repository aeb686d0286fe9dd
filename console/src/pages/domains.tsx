import { useState } from "preact/hooks";
import type { ConsoleDomainGroupsQuery } from "../gql/graphql";
import {
  CreateDomainGroupMutation,
  DeleteDomainGroupMutation,
  DomainGroupsQuery,
  RotatePushAuthKeyMutation,
  UpdateDomainGroupMutation,
} from "../operations";
import { formatTime } from "../format";
import { useSession } from "../session-context";
import { Copyable, Empty, ErrorBox, Field, READ_ONLY_REASON, useAction, useLoad } from "../ui";
import { PushUrlTool } from "./push-url-tool";

type Group = ConsoleDomainGroupsQuery["domainGroups"]["edges"][number]["node"];

export function DomainsPage() {
  const { api, admin } = useSession();
  const groups = useLoad(() => api.request(DomainGroupsQuery), [api]);
  const list = groups.data?.domainGroups.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="domains-title">
      <div class="page-head">
        <h1 id="domains-title">Domain groups</h1>
        <p class="muted">A push domain receives streams; its SourceID prefixes every object key.</p>
      </div>
      <ErrorBox error={groups.error} />
      {admin ? <CreateDomainGroup onCreated={groups.reload} /> : <p class="notice">{READ_ONLY_REASON}.</p>}
      {groups.data && list.length === 0 ? (
        <Empty title="No domain group yet">
          <p>{admin ? "Create one above with the domain your encoders push to (for a local test: localhost)." : "Ask an ADMIN of this account to create one."}</p>
        </Empty>
      ) : null}
      <div class="cards">
        {list.map((g) => (
          <DomainGroupCard key={g.id} group={g} onChanged={groups.reload} />
        ))}
      </div>
      {list.length > 0 ? <PushUrlTool domains={list.map((g) => g.pushDomain)} /> : null}
    </section>
  );
}

function CreateDomainGroup({ onCreated }: { onCreated: () => Promise<void> }) {
  const { api } = useSession();
  const [pushDomain, setPushDomain] = useState("");
  const [playDomain, setPlayDomain] = useState("");
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const ok = await action.run(() => api.request(CreateDomainGroupMutation, { input: { pushDomain, playDomain } }));
    if (ok) {
      setPushDomain("");
      setPlayDomain("");
      await onCreated();
    }
  };
  return (
    <form class="card form-row" onSubmit={submit} aria-label="Create a domain group">
      <Field label="Push domain" error={action.error?.fields.pushDomain}>
        <input name="pushDomain" required value={pushDomain} placeholder="push.example.com" onInput={(e) => setPushDomain(e.currentTarget.value)} />
      </Field>
      <Field label="Play domain" error={action.error?.fields.playDomain}>
        <input name="playDomain" required value={playDomain} placeholder="play.example.com" onInput={(e) => setPlayDomain(e.currentTarget.value)} />
      </Field>
      <button type="submit" disabled={action.busy}>
        Create domain group
      </button>
      {action.error && Object.keys(action.error.fields).length === 0 ? <ErrorBox error={action.error} /> : null}
    </form>
  );
}

function DomainGroupCard({ group, onChanged }: { group: Group; onChanged: () => Promise<void> }) {
  const { api, admin } = useSession();
  const action = useAction();
  const act = async (run: () => Promise<unknown>) => {
    if (await action.run(run)) await onChanged();
  };
  const nextAuth = group.pushAuth === "REQUIRED" ? "OFF" : "REQUIRED";
  return (
    <article class="card domain" aria-label={`Domain group ${group.pushDomain}`}>
      <header class="card-head">
        <h2>{group.pushDomain}</h2>
        <span class={`badge ${group.pushAuth === "REQUIRED" ? "ok" : "warn"}`} title="Push authentication">
          push auth {group.pushAuth}
        </span>
      </header>
      <dl class="facts">
        <dt>Play domain</dt>
        <dd>{group.playDomain}</dd>
        <dt>SourceID</dt>
        <dd>
          <Copyable value={group.sourceId} label="SourceID" />
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(group.createdAt)}</dd>
        {group.pushAuthKeys ? (
          <>
            <dt>Primary key</dt>
            <dd>
              <Copyable value={group.pushAuthKeys.primary} label="primary key" />
            </dd>
            <dt>Backup key</dt>
            <dd>
              <Copyable value={group.pushAuthKeys.backup} label="backup key" />
            </dd>
          </>
        ) : null}
      </dl>
      <div class="actions">
        <button
          type="button"
          class="small secondary"
          disabled={!admin || action.busy}
          title={admin ? undefined : READ_ONLY_REASON}
          onClick={() => act(() => api.request(UpdateDomainGroupMutation, { id: group.id, input: { pushAuth: nextAuth } }))}
        >
          {nextAuth === "OFF" ? "Turn push auth off" : "Require push auth"}
        </button>
        <button
          type="button"
          class="small secondary"
          disabled={!admin || action.busy}
          title={admin ? "The primary key becomes the backup; URLs signed with the old backup stop working" : READ_ONLY_REASON}
          onClick={() => act(() => api.request(RotatePushAuthKeyMutation, { id: group.id }))}
        >
          Rotate key
        </button>
        <button
          type="button"
          class="small danger"
          disabled={!admin || action.busy}
          title={admin ? undefined : READ_ONLY_REASON}
          onClick={() => {
            if (confirm(`Delete domain group ${group.pushDomain}?`)) void act(() => api.request(DeleteDomainGroupMutation, { id: group.id }));
          }}
        >
          Delete
        </button>
      </div>
      <ErrorBox error={action.error} />
    </article>
  );
}
