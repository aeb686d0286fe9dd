import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { formatPushUrl } from "../src/domain/push-urls";
import { createHookHandler } from "../src/ingest/hooks";
import { silentLogger } from "../src/logger";
import { startHookServer, type HookServer } from "./support/ingest-hook-server";
import { RecordingLifecycle } from "./support/ingest-lifecycle";
import { nginxRtmpConfig } from "./support/nginx-rtmp";

const DOC_ORIGIN = "http://127.0.0.1:4000";
const DOC_SECRET = "CHANGE_ME";
const lifecycle = new RecordingLifecycle();
let hooks: HookServer;
let doc = "";

beforeAll(async () => {
  doc = await readFile(new URL("../docs/media-servers.md", import.meta.url), "utf8");
  hooks = await startHookServer(
    createHookHandler({
      secret: DOC_SECRET,
      defaultPushDomain: "push.default.test",
      pullUrls: { nginxRtmp: documented("PULL_URL_NGINX_RTMP"), srs: documented("PULL_URL_SRS"), mediamtx: documented("PULL_URL_MEDIAMTX") },
      lifecycle,
      logger: silentLogger(),
    }),
  );
});
afterAll(() => hooks.close());
afterEach(() => {
  lifecycle.events.length = 0;
});

function documented(variable: string): string {
  const match = new RegExp(`^${variable}=(\\S+)$`, "m").exec(doc);
  if (match?.[1] === undefined) throw new Error(`${variable} is not documented`);
  return match[1];
}

/** A folded (`>-`) YAML value from the docs: its indented lines joined by spaces. */
function yamlFolded(key: string): string {
  const lines = doc.split("\n");
  const start = lines.findIndex((l) => l.trim() === `${key}: >-`);
  if (start === -1) throw new Error(`${key} is not documented`);
  const value: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("    ")) break;
    value.push(line.trim());
  }
  return value.join(" ");
}

function runShell(command: string, env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], { env: { ...process.env, ...env }, stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  });
}

function section(title: string): string {
  const start = doc.indexOf(`## ${title}\n`);
  if (start === -1) throw new Error(`no section ${title}`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

const local = (text: string) => text.replaceAll(DOC_ORIGIN, hooks.origin);

describe("docs/media-servers.md", () => {
  it("has nginx-rtmp directives that are the ones the nginx-rtmp test runs", () => {
    const directives = section("nginx-rtmp").match(/^\s*on_publish(_done)? http\S+;$/gm) ?? [];
    expect(directives.length).toBeGreaterThanOrEqual(2);
    const hookUrl = `${DOC_ORIGIN}/hooks/nginx-rtmp?secret=${DOC_SECRET}`;
    const config = nginxRtmpConfig({ hookUrl, port: 1935, dir: "/tmp/x" });
    for (const directive of directives) expect(config).toContain(directive.trim());
  });

  it("has SRS hook URLs that accept SRS's body and answer 0", async () => {
    const urls = [...section("SRS").matchAll(/^\s*on_(?:un)?publish\s+(http\S+);$/gm)].map((m) => m[1] ?? "");
    expect(urls).toHaveLength(2);
    for (const [url, action] of [[urls[0], "on_publish"], [urls[1], "on_unpublish"]] as const) {
      const body = { action, vhost: "__defaultVhost__", app: "live", stream: "cam1", param: "", tcUrl: "rtmp://127.0.0.1/live", client_id: "x1" };
      const response = await fetch(local(url ?? ""), { method: "POST", body: JSON.stringify(body) });
      expect(await response.text()).toBe("0");
    }
    expect(lifecycle.events.map((e) => [e.kind, e.signal.pullUrl])).toEqual([
      ["published", "rtmp://127.0.0.1:1935/live/cam1?vhost=push.default.test"],
      ["unpublished", "rtmp://127.0.0.1:1935/live/cam1?vhost=push.default.test"],
    ]);
  });

  it("has MediaMTX commands that, run as MediaMTX runs them, report the publish and its end", async () => {
    const env = { MTX_PATH: "live/cam1", MTX_QUERY: "token=x&domain=mtx.example.com" };
    expect(await runShell(local(yamlFolded("runOnReady")), env)).toBe(0);
    expect(await runShell(local(yamlFolded("runOnNotReady")), env)).toBe(0);
    expect(lifecycle.events.map((e) => [e.kind, e.signal.domain, e.signal.app, e.signal.stream, e.signal.pullUrl])).toEqual([
      ["published", "mtx.example.com", "live", "cam1", "rtmp://127.0.0.1:1935/live/cam1"],
      ["unpublished", "mtx.example.com", "live", "cam1", "rtmp://127.0.0.1:1935/live/cam1"],
    ]);
  });

  it("has MediaMTX commands that fail (curl -f) when livesnap refuses the path", async () => {
    expect(await runShell(local(yamlFolded("runOnReady")), { MTX_PATH: "cam1", MTX_QUERY: "" })).not.toBe(0);
    expect(lifecycle.events).toEqual([]);
  });

  it("has hook commands that pass the publish URL's auth_key to livesnap", async () => {
    const [srsUrl] = [...section("SRS").matchAll(/^\s*on_publish\s+(http\S+);$/gm)].map((m) => m[1] ?? "");
    const body = { action: "on_publish", vhost: "__defaultVhost__", app: "live", stream: "cam1", param: "?auth_key=1-a-0-b", client_id: "x1" };
    expect(await (await fetch(local(srsUrl ?? ""), { method: "POST", body: JSON.stringify(body) })).text()).toBe("0");
    expect(await runShell(local(yamlFolded("runOnReady")), { MTX_PATH: "live/cam2", MTX_QUERY: "auth_key=2-c-0-d" })).toBe(0);
    expect(lifecycle.of("published").map((s) => [s.stream, s.query.get("auth_key")])).toEqual([
      ["cam1", "1-a-0-b"],
      ["cam2", "2-c-0-d"],
    ]);
  });

  it("has a PUSH_URL_BASE that livesnap accepts and signs URLs into", () => {
    const base = loadConfig({ PUSH_URL_BASE: documented("PUSH_URL_BASE") }).pushUrlBase!;
    const push = formatPushUrl(base, { domain: "push.example.com", app: "live", stream: "cam1" }, "k", new Date());
    expect(push.url).toBe("rtmp://push.example.com:1935/live/cam1?auth_key=k");
  });
});
