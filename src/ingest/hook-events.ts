import type { ReportedStream } from "./stream-address";

/** What one media-server hook call asks for, before names are validated. */
export interface HookEvent {
  /** `done` is nginx-rtmp's on_done: sent for players and publishers alike. */
  action: "publish" | "unpublish" | "done";
  reported: ReportedStream;
  clientId?: string | undefined;
  /** Identifies the publishing connection, so an nginx `done` can be matched to its publish. */
  connection?: string | undefined;
}

/** The body is not what the media server sends; answered with 400. */
export class HookBodyError extends Error {
  override name = "HookBodyError";
}

const NGINX_CALLS: Record<string, HookEvent["action"]> = {
  publish: "publish",
  publish_done: "unpublish",
  done: "done",
};

/** Fields nginx-rtmp writes itself; everything after their first occurrence is a query argument. */
const NGINX_FIELDS = new Set(["call", "app", "name", "tcurl", "addr", "clientid", "flashver", "swfurl", "pageurl", "type"]);

/** nginx-rtmp on_publish / on_publish_done / on_done, form-encoded. */
export function parseNginxRtmpHook(body: string): HookEvent {
  const form = new URLSearchParams(body);
  const call = form.get("call");
  if (call === null) throw new HookBodyError('missing field "call"');
  const action = Object.hasOwn(NGINX_CALLS, call) ? NGINX_CALLS[call] : undefined;
  if (action === undefined) {
    throw new HookBodyError(`unknown call "${visible(call)}"; expected publish, publish_done or done`);
  }
  for (const field of ["app", "name"]) {
    if (form.get(field) === null) throw new HookBodyError(`missing field "${field}"`);
  }
  // A publisher can add "?app=x" to its URL; nginx writes its own fields first, so those win.
  const seen = new Set<string>();
  const query = new URLSearchParams();
  for (const [key, value] of form) {
    if (NGINX_FIELDS.has(key) && !seen.has(key)) seen.add(key);
    else query.append(key, value);
  }
  const clientId = form.get("clientid") ?? undefined;
  return {
    action,
    reported: { app: form.get("app") ?? undefined, stream: form.get("name") ?? undefined, tcUrl: form.get("tcurl") ?? undefined, query },
    clientId,
    connection: [form.get("addr"), clientId, form.get("app"), form.get("name")].join("\u0000"),
  };
}

const SRS_ACTIONS: Record<string, HookEvent["action"]> = { on_publish: "publish", on_unpublish: "unpublish" };

/** SRS http_hooks on_publish / on_unpublish, JSON. */
export function parseSrsHook(body: string): HookEvent {
  const json = parseObject(body);
  const actionName = requiredString(json, "action");
  const action = Object.hasOwn(SRS_ACTIONS, actionName) ? SRS_ACTIONS[actionName] : undefined;
  if (action === undefined) {
    throw new HookBodyError(`unknown action "${visible(actionName)}"; expected on_publish or on_unpublish`);
  }
  const clientId = json["client_id"];
  if (clientId !== undefined && typeof clientId !== "string" && typeof clientId !== "number") {
    throw new HookBodyError('field "client_id" must be a string or a number');
  }
  return {
    action,
    reported: {
      app: requiredString(json, "app"),
      stream: requiredString(json, "stream"),
      vhost: optionalString(json, "vhost"),
      tcUrl: optionalString(json, "tcUrl"),
      query: optionalString(json, "param"),
    },
    clientId: clientId === undefined ? undefined : String(clientId),
  };
}

const MEDIAMTX_ACTIONS: Record<string, HookEvent["action"]> = { ready: "publish", notReady: "unpublish" };

/** MediaMTX runOnReady / runOnNotReady, posted by curl as JSON. */
export function parseMediamtxHook(body: string): HookEvent {
  const json = parseObject(body);
  const actionName = requiredString(json, "action");
  const action = Object.hasOwn(MEDIAMTX_ACTIONS, actionName) ? MEDIAMTX_ACTIONS[actionName] : undefined;
  if (action === undefined) {
    throw new HookBodyError(`unknown action "${visible(actionName)}"; expected ready or notReady`);
  }
  const path = requiredString(json, "path");
  const slash = path.indexOf("/");
  return {
    action,
    reported: {
      app: slash === -1 ? path : path.slice(0, slash),
      stream: slash === -1 ? undefined : path.slice(slash + 1),
      query: optionalString(json, "query"),
    },
    clientId: optionalString(json, "sourceId"),
  };
}

function parseObject(body: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HookBodyError("body is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new HookBodyError("body must be a JSON object");
  }
  return json as Record<string, unknown>;
}

function requiredString(json: Record<string, unknown>, field: string): string {
  const value = json[field];
  if (value === undefined || value === null) throw new HookBodyError(`missing field "${field}"`);
  if (typeof value !== "string") throw new HookBodyError(`field "${field}" must be a string`);
  return value;
}

function optionalString(json: Record<string, unknown>, field: string): string | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new HookBodyError(`field "${field}" must be a string`);
  return value;
}

function visible(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return shown.replace(/[\u0000-\u001f\u007f"]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
