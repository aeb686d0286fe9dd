import { request } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHookHandler } from "../src/ingest/hooks";
import { silentLogger } from "../src/logger";
import { startHookServer, type HookServer } from "./support/ingest-hook-server";
import { RecordingLifecycle } from "./support/ingest-lifecycle";

const SECRET = "s3cret-hook";
const lifecycle = new RecordingLifecycle();
let server: HookServer;

beforeAll(async () => {
  server = await startHookServer(
    createHookHandler({
      secret: SECRET,
      defaultPushDomain: "push.default.test",
      pullUrls: {
        nginxRtmp: "rtmp://127.0.0.1:1935/{app}/{stream}",
        srs: "rtmp://127.0.0.1:19350/{app}/{stream}?vhost={domain}",
        mediamtx: "rtsp://127.0.0.1:8554/{app}/{stream}",
      },
      lifecycle,
      logger: silentLogger(),
    }),
  );
});
afterAll(() => server.close());
afterEach(() => {
  lifecycle.events.length = 0;
  lifecycle.failure = undefined;
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.origin}${path}`, { method: "POST", body, headers });
  return { status: response.status, text: await response.text() };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const nginx = (fields: Record<string, string>, extra = "") =>
  post(`/hooks/nginx-rtmp?secret=${SECRET}`, form(fields) + extra, { "content-type": "application/x-www-form-urlencoded" });
const srs = (body: unknown) => post(`/hooks/srs?secret=${SECRET}`, typeof body === "string" ? body : JSON.stringify(body));
const mediamtx = (body: unknown) =>
  post("/hooks/mediamtx", typeof body === "string" ? body : JSON.stringify(body), { "x-livesnap-secret": SECRET });

const nginxPublish = {
  call: "publish",
  app: "live",
  name: "cam1",
  type: "live",
  tcurl: "rtmp://Push.Example.com:1935/live",
  addr: "192.0.2.7",
  clientid: "12",
  flashver: "FMLE/3.0",
  swfurl: "",
  pageurl: "",
};
const srsPublish = {
  server_id: "vid-1",
  action: "on_publish",
  client_id: "341w361a",
  ip: "192.0.2.7",
  vhost: "__defaultVhost__",
  app: "live",
  tcUrl: "rtmp://127.0.0.1:1935/live",
  stream: "cam1",
  param: "?token=x&vhost=srs.example.com",
  stream_url: "/live/cam1",
  stream_id: "vid-2",
};

describe("routing and secret", () => {
  it("leaves paths outside /hooks/ to the rest of the server", async () => {
    expect(await post(`/graphql?secret=${SECRET}`, "{}")).toEqual({ status: 418, text: "not a hook" });
    expect((await post(`/hooksfoo?secret=${SECRET}`, "{}")).status).toBe(418);
  });

  it("answers 404 naming the endpoints for an unknown hook", async () => {
    const answer = await post(`/hooks/wowza?secret=${SECRET}`, "{}");
    expect(answer.status).toBe(404);
    expect(answer.text).toContain("/hooks/nginx-rtmp");
  });

  it("answers 405 to anything but POST", async () => {
    const response = await fetch(`${server.origin}/hooks/srs?secret=${SECRET}`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it.each([
    ["no secret", "/hooks/srs", {}],
    ["a wrong query secret", "/hooks/srs?secret=wrong", {}],
    ["a query secret that is a prefix", `/hooks/srs?secret=${SECRET.slice(0, -1)}`, {}],
    ["a wrong header secret", "/hooks/srs", { "x-livesnap-secret": "wrong" }],
    ["a wrong header even with a right query", `/hooks/srs?secret=${SECRET}`, { "x-livesnap-secret": "wrong" }],
  ])("refuses %s with 401 and reports nothing", async (_case, path, headers) => {
    const answer = await post(path, JSON.stringify(srsPublish), headers);
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("X-Livesnap-Secret");
    expect(lifecycle.events).toEqual([]);
  });

  it("accepts the secret in the query or in the X-Livesnap-Secret header", async () => {
    expect(await post(`/hooks/srs?secret=${SECRET}`, JSON.stringify(srsPublish))).toEqual({ status: 200, text: "0" });
    expect(await post("/hooks/srs", JSON.stringify(srsPublish), { "X-Livesnap-Secret": SECRET })).toEqual({
      status: 200,
      text: "0",
    });
    expect(lifecycle.of("published")).toHaveLength(2);
  });

  it("is disabled with a message about HOOK_SECRET when no secret is configured", async () => {
    const disabled = await startHookServer(
      createHookHandler({
        secret: undefined,
        defaultPushDomain: "push.default.test",
        pullUrls: { nginxRtmp: "rtmp://a/{app}/{stream}", srs: "rtmp://b/{app}/{stream}", mediamtx: "rtmp://c/{app}/{stream}" },
        lifecycle,
        logger: silentLogger(),
      }),
    );
    try {
      const response = await fetch(`${disabled.origin}/hooks/nginx-rtmp?secret=anything`, { method: "POST", body: form(nginxPublish) });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("set HOOK_SECRET");
      expect(lifecycle.events).toEqual([]);
    } finally {
      await disabled.close();
    }
  });
});

describe("nginx-rtmp", () => {
  it("reports a publish with the tcUrl domain, query arguments stripped, and the nginx pull URL", async () => {
    expect((await nginx(nginxPublish, "&token=abc")).status).toBe(200);
    expect(lifecycle.of("published")).toEqual([
      {
        source: "nginx-rtmp",
        domain: "push.example.com",
        app: "live",
        stream: "cam1",
        pullUrl: "rtmp://127.0.0.1:1935/live/cam1",
        clientId: "12",
        query: expect.any(URLSearchParams),
      },
    ]);
    // The publish URL's arguments travel with the signal (auth_key is checked from them).
    expect(lifecycle.of("published")[0]!.query.get("token")).toBe("abc");
  });

  it("takes the domain from a vhost query argument, and never lets one replace nginx's own fields", async () => {
    expect((await nginx(nginxPublish, "&vhost=cdn.example.com&app=evil&name=evil")).status).toBe(200);
    expect(lifecycle.of("published")[0]).toMatchObject({ domain: "cdn.example.com", app: "live", stream: "cam1" });
  });

  it("reports publish_done as unpublished", async () => {
    await nginx(nginxPublish);
    expect((await nginx({ ...nginxPublish, call: "publish_done" })).status).toBe(200);
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published", "unpublished"]);
    expect(lifecycle.of("unpublished")[0]).toMatchObject({ domain: "push.example.com", app: "live", stream: "cam1" });
  });

  it("treats on_done as unpublished only for the publishing connection, and only once", async () => {
    await nginx(nginxPublish);
    const player = { ...nginxPublish, call: "done", clientid: "99", addr: "127.0.0.1" };
    expect((await nginx(player)).status).toBe(200);
    expect(lifecycle.of("unpublished")).toEqual([]);
    expect((await nginx({ ...nginxPublish, call: "done" })).status).toBe(200);
    expect((await nginx({ ...nginxPublish, call: "done" })).status).toBe(200);
    expect(lifecycle.of("unpublished")).toHaveLength(1);

    await nginx(nginxPublish);
    await nginx({ ...nginxPublish, call: "publish_done" });
    await nginx({ ...nginxPublish, call: "done" });
    expect(lifecycle.of("unpublished")).toHaveLength(2);
  });

  it.each([
    ["a/b", 'stream name "a/b" contains "/"'],
    ["..", 'stream name must not be ".."'],
    ["cam\u0001", 'contains "\\u0001"'],
    ["x".repeat(129), "at most 128"],
    ["", "stream name is missing"],
  ])("refuses the publish of %j with 403 and reports nothing", async (name, message) => {
    const answer = await nginx({ ...nginxPublish, name });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(message);
    expect(lifecycle.events).toEqual([]);
  });

  it.each([
    [{ ...nginxPublish, call: "play" }, 'unknown call "play"'],
    [{ app: "live", name: "cam1" }, 'missing field "call"'],
    [{ call: "publish", app: "live" }, 'missing field "name"'],
    [{ call: "publish", name: "cam1" }, 'missing field "app"'],
  ])("answers 400 to a malformed form %#", async (fields, message) => {
    const answer = await nginx(fields as Record<string, string>);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(message);
    expect(lifecycle.events).toEqual([]);
  });
});

describe("SRS", () => {
  it("answers 0 and reports the publish with the param vhost and the SRS pull URL", async () => {
    expect(await srs(srsPublish)).toEqual({ status: 200, text: "0" });
    expect(lifecycle.of("published")).toEqual([
      {
        source: "srs",
        domain: "srs.example.com",
        app: "live",
        stream: "cam1",
        pullUrl: "rtmp://127.0.0.1:19350/live/cam1?vhost=srs.example.com",
        clientId: "341w361a",
        query: expect.any(URLSearchParams),
      },
    ]);
  });

  it("uses a configured vhost, and the default push domain for __defaultVhost__ on an IP", async () => {
    await srs({ ...srsPublish, param: "", vhost: "Live.Example.org" });
    await srs({ ...srsPublish, param: "", client_id: 107 });
    expect(lifecycle.of("published").map((s) => [s.domain, s.clientId])).toEqual([
      ["live.example.org", "341w361a"],
      ["push.default.test", "107"],
    ]);
  });

  it("reports on_unpublish and answers 0", async () => {
    expect(await srs({ ...srsPublish, action: "on_unpublish" })).toEqual({ status: 200, text: "0" });
    expect(lifecycle.of("unpublished")[0]).toMatchObject({ source: "srs", app: "live", stream: "cam1" });
  });

  it("refuses an invalid app name with an answer that is not 0", async () => {
    const answer = await srs({ ...srsPublish, app: "../etc" });
    expect(answer.status).not.toBe(200);
    expect(answer.text).not.toBe("0");
    expect(answer.text).toContain("app name");
    expect(lifecycle.events).toEqual([]);
  });

  it.each([
    ["{not json", "not valid JSON"],
    ["[1,2]", "must be a JSON object"],
    ["null", "must be a JSON object"],
    ["", "not valid JSON"],
    [JSON.stringify({ ...srsPublish, action: "on_play" }), 'unknown action "on_play"'],
    [JSON.stringify({ ...srsPublish, stream: undefined }), 'missing field "stream"'],
    [JSON.stringify({ ...srsPublish, app: 7 }), 'field "app" must be a string'],
    [JSON.stringify({ ...srsPublish, client_id: {} }), '"client_id" must be a string or a number'],
  ])("answers 400 to %j", async (body, message) => {
    const answer = await srs(body);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(message);
    expect(lifecycle.events).toEqual([]);
  });
});

describe("MediaMTX", () => {
  it("reports ready as a publish and notReady as unpublished", async () => {
    expect((await mediamtx({ action: "ready", path: "live/cam1", query: "token=x&domain=mtx.example.com" })).status).toBe(200);
    expect((await mediamtx({ action: "notReady", path: "live/cam1", query: "" })).status).toBe(200);
    expect(lifecycle.events.map((e) => [e.kind, e.signal])).toEqual([
      ["published", { source: "mediamtx", domain: "mtx.example.com", app: "live", stream: "cam1", pullUrl: "rtsp://127.0.0.1:8554/live/cam1", query: expect.any(URLSearchParams) }],
      ["unpublished", { source: "mediamtx", domain: "push.default.test", app: "live", stream: "cam1", pullUrl: "rtsp://127.0.0.1:8554/live/cam1", query: expect.any(URLSearchParams) }],
    ]);
    expect(lifecycle.of("published")[0]!.query.get("token")).toBe("x");
  });

  it.each([
    ["cam1", "stream name is missing"],
    ["live/a/b", 'stream name "a/b" contains "/"'],
    ["/cam1", "app name is missing"],
  ])("refuses the path %j with 400", async (path, message) => {
    const answer = await mediamtx({ action: "ready", path });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(message);
    expect(lifecycle.events).toEqual([]);
  });

  it("answers 400 to an unknown action or a missing path", async () => {
    expect((await mediamtx({ action: "read", path: "live/cam1" })).text).toContain('unknown action "read"');
    expect((await mediamtx({ action: "ready" })).text).toContain('missing field "path"');
  });
});

describe("robustness", () => {
  it("answers 413 to a body over the limit, announced or streamed", async () => {
    const big = "a=" + "x".repeat(64 * 1024);
    const announced = await nginx({}, big);
    expect(announced.status).toBe(413);
    expect(announced.text).toContain("larger than");

    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.origin}/hooks/srs?secret=${SECRET}`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 8; i++) req.write("x".repeat(4096));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(lifecycle.events).toEqual([]);
  });

  it("answers 500 when the lifecycle fails, and keeps serving", async () => {
    lifecycle.failure = new Error("database is down");
    expect((await nginx(nginxPublish)).status).toBe(500);
    expect((await srs(srsPublish)).text).not.toBe("0");
    lifecycle.failure = undefined;
    expect((await nginx(nginxPublish)).status).toBe(200);
  });

  it("survives a client that disconnects in the middle of a body", async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${server.origin}/hooks/srs?secret=${SECRET}`, {
        method: "POST",
        headers: { "content-length": "1000" },
      });
      req.on("error", () => resolve());
      req.write('{"action":"on_pub', () => setTimeout(() => req.destroy(), 50));
      req.on("close", () => resolve());
    });
    expect(await srs(srsPublish)).toEqual({ status: 200, text: "0" });
  });
});
