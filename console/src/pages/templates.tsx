import { useState } from "preact/hooks";
import type { ConsoleTemplatesQuery, FillMode, SnapshotFormat, StorageMode } from "../gql/graphql";
import { CreateTemplateMutation, DeleteTemplateMutation, TemplatesQuery, UpdateTemplateMutation } from "../operations";
import { useSession } from "../session-context";
import { Empty, ErrorBox, Field, READ_ONLY_REASON, useAction, useLoad } from "../ui";

type Template = ConsoleTemplatesQuery["snapshotTemplates"]["edges"][number]["node"];

interface Draft {
  name: string;
  format: SnapshotFormat;
  intervalSeconds: string;
  width: string;
  height: string;
  fillMode: FillMode;
  storageMode: StorageMode;
  bucket: string;
}

const EMPTY: Draft = { name: "", format: "JPG", intervalSeconds: "10", width: "", height: "", fillMode: "STRETCH", storageMode: "COVERAGE", bucket: "" };

const draftOf = (t: Template): Draft => ({
  name: t.name,
  format: t.format,
  intervalSeconds: String(t.intervalSeconds),
  width: t.width === null || t.width === undefined ? "" : String(t.width),
  height: t.height === null || t.height === undefined ? "" : String(t.height),
  fillMode: t.fillMode,
  storageMode: t.storageMode,
  bucket: t.bucket ?? "",
});

/** Empty number fields mean "not set" (null); anything else goes to the API as typed, which judges it. */
const optionalInt = (value: string): number | null => (value.trim() === "" ? null : Number(value));

const inputOf = (d: Draft) => ({
  name: d.name,
  format: d.format,
  intervalSeconds: Number(d.intervalSeconds),
  width: optionalInt(d.width),
  height: optionalInt(d.height),
  fillMode: d.fillMode,
  storageMode: d.storageMode,
  bucket: d.bucket.trim() === "" ? null : d.bucket,
});

export function TemplatesPage() {
  const { api, admin } = useSession();
  const templates = useLoad(() => api.request(TemplatesQuery), [api]);
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const list = templates.data?.snapshotTemplates.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="templates-title">
      <div class="page-head">
        <h1 id="templates-title">Snapshot templates</h1>
        <p class="muted">How to snapshot: format, interval, size, fill and storage mode. Live streams keep the settings they were published with.</p>
        <button type="button" disabled={!admin} title={admin ? undefined : READ_ONLY_REASON} onClick={() => setEditing("new")}>
          New template
        </button>
      </div>
      <ErrorBox error={templates.error} />
      {editing ? (
        <TemplateForm
          template={editing === "new" ? null : editing}
          onDone={async () => {
            setEditing(null);
            await templates.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {templates.data && list.length === 0 ? (
        <Empty title="No template yet">
          <p>{admin ? "Create one with New template, then bind it to a domain on the Bindings page." : "Ask an ADMIN of this account to create one."}</p>
        </Empty>
      ) : null}
      {list.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Format</th>
                <th scope="col">Interval</th>
                <th scope="col">Size</th>
                <th scope="col">Fill</th>
                <th scope="col">Storage</th>
                <th scope="col">Bucket</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <TemplateRow key={t.id} template={t} onEdit={() => setEditing(t)} onDeleted={templates.reload} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function TemplateRow({ template: t, onEdit, onDeleted }: { template: Template; onEdit: () => void; onDeleted: () => Promise<void> }) {
  const { api, admin } = useSession();
  const action = useAction();
  const remove = async () => {
    if (!confirm(`Delete template ${t.name}?`)) return;
    if (await action.run(() => api.request(DeleteTemplateMutation, { id: t.id }))) await onDeleted();
  };
  return (
    <>
      <tr>
        <td>
          <strong>{t.name}</strong>
        </td>
        <td>{t.format}</td>
        <td>{t.intervalSeconds} s</td>
        <td>{t.width || t.height ? `${t.width ?? "auto"} × ${t.height ?? "auto"}` : "source"}</td>
        <td>{t.fillMode}</td>
        <td>{t.storageMode}</td>
        <td>{t.bucket ?? <span class="muted">default</span>}</td>
        <td class="row-actions">
          <button type="button" class="small secondary" disabled={!admin} title={admin ? undefined : READ_ONLY_REASON} onClick={onEdit} aria-label={`Edit ${t.name}`}>
            Edit
          </button>
          <button type="button" class="small danger" disabled={!admin || action.busy} title={admin ? undefined : READ_ONLY_REASON} onClick={remove} aria-label={`Delete ${t.name}`}>
            Delete
          </button>
        </td>
      </tr>
      {action.error ? (
        <tr class="row-error">
          <td colSpan={8}>
            <ErrorBox error={action.error} />
            {action.error.code === "CONFLICT" ? <p class="muted">Delete the bindings that use this template first (Bindings page).</p> : null}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function TemplateForm({ template, onDone, onCancel }: { template: Template | null; onDone: () => Promise<void>; onCancel: () => void }) {
  const { api } = useSession();
  const [draft, setDraft] = useState<Draft>(template ? draftOf(template) : EMPTY);
  const action = useAction();
  const set = (key: keyof Draft) => (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const fields = action.error?.fields ?? {};
  const submit = async (event: Event) => {
    event.preventDefault();
    const input = inputOf(draft);
    const ok = await action.run(() =>
      template ? api.request(UpdateTemplateMutation, { id: template.id, input }) : api.request(CreateTemplateMutation, { input }),
    );
    if (ok) await onDone();
  };
  return (
    <form class="card template-form" onSubmit={submit} aria-label={template ? `Edit template ${template.name}` : "New template"}>
      <h2>{template ? `Edit ${template.name}` : "New template"}</h2>
      <div class="grid-form">
        <Field label="Name" error={fields.name} hint="Letters, digits, _ and -; at most 50">
          <input name="name" value={draft.name} onInput={set("name")} />
        </Field>
        <Field label="Format" error={fields.format}>
          <select name="format" value={draft.format} onChange={set("format")}>
            <option value="JPG">JPG</option>
            <option value="PNG">PNG</option>
          </select>
        </Field>
        <Field label="Interval (s)" error={fields.intervalSeconds} hint="5 to 3600">
          <input name="intervalSeconds" type="number" inputMode="numeric" value={draft.intervalSeconds} onInput={set("intervalSeconds")} />
        </Field>
        <Field label="Width (px)" error={fields.width} hint="Empty: follows the height or the source">
          <input name="width" type="number" inputMode="numeric" value={draft.width} onInput={set("width")} />
        </Field>
        <Field label="Height (px)" error={fields.height} hint="Empty: follows the width or the source">
          <input name="height" type="number" inputMode="numeric" value={draft.height} onInput={set("height")} />
        </Field>
        <Field label="Fill mode" error={fields.fillMode}>
          <select name="fillMode" value={draft.fillMode} onChange={set("fillMode")}>
            <option value="STRETCH">Stretch</option>
            <option value="PAD_BLACK">Pad black</option>
            <option value="PAD_WHITE">Pad white</option>
            <option value="BLUR">Blur</option>
          </select>
        </Field>
        <Field label="Storage mode" error={fields.storageMode}>
          <select name="storageMode" value={draft.storageMode} onChange={set("storageMode")}>
            <option value="COVERAGE">Coverage (overwrite one)</option>
            <option value="SEQUENCE">Sequence (one per image)</option>
          </select>
        </Field>
        <Field label="Bucket" error={fields.bucket} hint="Empty: the default bucket">
          <input name="bucket" value={draft.bucket} onInput={set("bucket")} />
        </Field>
      </div>
      {action.error && Object.keys(fields).length === 0 ? <ErrorBox error={action.error} /> : null}
      <div class="actions">
        <button type="submit" disabled={action.busy}>
          {template ? "Save" : "Create template"}
        </button>
        <button type="button" class="ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
