import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Runs `load` now and whenever `deps` change; a newer run wins over an older one still in flight. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const run = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++run.current;
    setLoading(true);
    try {
      const value = await load();
      if (mine === run.current) {
        setData(value);
        setError(undefined);
      }
    } catch (e) {
      if (mine === run.current) setError(asApiError(e));
    } finally {
      if (mine === run.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

export const asApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError([{ message: e instanceof Error ? e.message : String(e) }]);

/** A button whose action's failure is shown beside it, never swallowed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function ErrorBox({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.code ? <span class="code">{error.code}</span> : null}
      {error.message}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <div class="empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState<"yes" | "failed">();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
    setTimeout(() => setCopied(undefined), 1500);
  };
  return (
    <button type="button" class="small ghost" onClick={copy} aria-label={`Copy ${label}`}>
      {copied === "yes" ? "Copied" : copied === "failed" ? "Copy failed: select the text" : "Copy"}
    </button>
  );
}

/** A value shown as code with its copy button. */
export function Copyable({ value, label }: { value: string; label: string }) {
  return (
    <span class="copyable">
      <code data-copy={label}>{value}</code>
      <CopyButton value={value} label={label} />
    </span>
  );
}

/** Admin-only controls: a READER sees them disabled, with the reason as their title. */
export const READ_ONLY_REASON = "Read-only token (READER): an ADMIN token is needed to change anything";

export function Field(props: { label: string; error?: string | undefined; hint?: string; children: ComponentChildren }) {
  return (
    <label class={props.error ? "field invalid" : "field"}>
      <span class="label">{props.label}</span>
      {props.children}
      {props.hint && !props.error ? <span class="hint">{props.hint}</span> : null}
      {props.error ? (
        <span class="field-error" role="alert">
          {props.error}
        </span>
      ) : null}
    </label>
  );
}

/** A modal dialog on the native <dialog>: focus is trapped and Escape closes it. */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    dialog.showModal();
    const closed = () => onClose();
    dialog.addEventListener("close", closed);
    return () => dialog.removeEventListener("close", closed);
  }, []);
  return (
    <dialog ref={ref} aria-label={title}>
      <header class="dialog-head">
        <h2>{title}</h2>
        <button type="button" class="ghost" onClick={() => ref.current!.close()} aria-label="Close">
          ✕
        </button>
      </header>
      {children}
    </dialog>
  );
}

/** Re-renders every second, for ages that tick without asking the server anything. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
