import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueTokenForAccount } from "../src/domain/api-tokens";
import { signObject } from "../src/storage/url-signature";
import { loadOrCreateSigningKey } from "../src/storage/fs-store";
import { startTestApp, type TestApp } from "./support/app";
import { graphqlCases, intEdgeCases, type GraphQLCase, type Seed } from "./support/bad-input-graphql";
import { fileTree, tableContents } from "./support/bad-input-state";
import { HOSTILE_STRINGS } from "./support/bad-input-values";

const OPERATOR_TOKEN = "corpus-operator-token-0123456789";
const HOOK_SECRET = "corpus-hook-secret-0123456789";
const GRAPHQL = "http://livesnap.test/graphql";

interface Answer {
  status: number;
  text: string;
  json?: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] } | undefined;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Answer["json"];
  try {
    json = JSON.parse(text) as Answer["json"];
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Refused as a user would want: a 4xx, or GraphQL errors that all carry a deliberate code. */
function expectRefused(answer: Answer) {
  const summary = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, summary).toBeLessThan(500);
  if (answer.status >= 400) {
    for (const error of answer.json?.errors ?? []) expect(error.extensions?.code, summary).toEqual(expect.any(String));
    return;
  }
  expect(answer.json?.errors ?? [], summary).not.toHaveLength(0);
  for (const error of answer.json!.errors!) {
    expect(error.extensions?.code, summary).toEqual(expect.any(String));
    expect(error.extensions?.code, summary).not.toBe("INTERNAL_SERVER_ERROR");
    expect(error.message, summary).not.toBe("Unexpected error.");
    // A resolver's refusal of one argument names it.
    if (error.extensions?.code === "BAD_USER_INPUT" && error.path) expect(error.extensions.field, summary).toEqual(expect.any(String));
  }
}

function expectAnswered(answer: Answer) {
  const summary = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, summary).toBe(200);
  expect(answer.json?.errors, summary).toBeUndefined();
  expect(answer.json?.data, summary).toBeTruthy();
}

/** A request exactly as written (no URL normalisation), its body in chunks without a length when asked. */
function rawRequest(
  base: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: Buffer[] },
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    // A connection of its own: a refused request may leave its connection unusable.
    const req = httpRequest({ hostname, port, agent: false, method: options.method, path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Answer["json"];
        try {
          json = JSON.parse(text) as Answer["json"];
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
      res.on("error", reject);
    });
    // A server may answer (413) and close before the whole body is sent.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    if (options.chunked) {
      for (const chunk of options.chunked) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

describe("the bad-input corpus", () => {
  let t: TestApp;
  let seed: Seed;
  let before: { tables: Record<string, string>; files: Record<string, string> };
  let objectUrl: URL;
  let signingKey: Buffer;

  const gql = (body: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    Promise.resolve(
      t.app.yoga.fetch(GRAPHQL, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${OPERATOR_TOKEN}`, ...headers },
        body,
        ...init,
      }),
    ).then(answerOf);

  beforeAll(async () => {
    t = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: OPERATOR_TOKEN, HOOK_SECRET });
    const run = async (query: string, variables: Record<string, unknown>) => {
      const answer = await gql(JSON.stringify({ query, variables }));
      expect(answer.json?.errors, answer.text).toBeUndefined();
      return answer.json!.data as Record<string, { id: string }>;
    };
    const group = await run(`mutation($input: CreateDomainGroupInput!) { createDomainGroup(input: $input) { id } }`, {
      input: { pushDomain: "corpus.example.com", playDomain: "corpus-play.example.com" },
    });
    const template = await run(`mutation($input: CreateSnapshotTemplateInput!) { createSnapshotTemplate(input: $input) { id } }`, {
      input: { name: "corpus-seed", format: "JPG", intervalSeconds: 10, storageMode: "SEQUENCE" },
    });
    const config = await run(`mutation($input: CreateSnapshotConfigInput!) { createSnapshotConfig(input: $input) { id } }`, {
      input: { domain: "corpus.example.com", appName: "live", templateId: template.createSnapshotTemplate!.id },
    });
    const reader = await issueTokenForAccount(t.app.database.db, "corpus-reader", "READER");
    seed = {
      domain: "corpus.example.com",
      templateId: template.createSnapshotTemplate!.id,
      configId: config.createSnapshotConfig!.id,
      accountId: reader.apiToken.accountId,
      tokenId: reader.apiToken.id,
    };
    expect(group.createDomainGroup!.id).toEqual(expect.any(String));

    await t.app.store.put({ bucket: "livesnap", key: "snapshot/2026-01-01/corpus/live/cam.jpg", body: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), contentType: "image/jpeg" });
    objectUrl = new URL((await t.app.store.signedGetUrl("livesnap", "snapshot/2026-01-01/corpus/live/cam.jpg", 600)).url);
    signingKey = await loadOrCreateSigningKey(t.dataDir);
    before = { tables: await tableContents(t.app.database.db), files: await fileTree(t.dataDir) };
  });
  afterAll(() => t?.stop());

  describe("GraphQL arguments", () => {
    // Built when the file is collected, from the schema alone; the seed's ids are filled in per case.
    const placeholder: Seed = { domain: "@domain", templateId: "@templateId", configId: "@configId", accountId: "@accountId", tokenId: "@tokenId" };
    const withSeed = (value: unknown): unknown => {
      if (typeof value === "string" && value.startsWith("@")) return seed[value.slice(1) as keyof Seed] ?? value;
      if (Array.isArray(value)) return value.map(withSeed);
      if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSeed(v)]));
      return value;
    };
    const cases: GraphQLCase[] = [...graphqlCases(placeholder), ...intEdgeCases()];

    it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
      const answer = await gql(JSON.stringify({ query: c.query, variables: withSeed(c.variables) }));
      if (c.expect === "refused") expectRefused(answer);
      else expectAnswered(answer);
    });
  });

  describe("transport", () => {
    const ok = JSON.stringify({ query: "{ __typename }" });
    const get = (search: string, headers: Record<string, string> = {}) =>
      Promise.resolve(t.app.yoga.fetch(`${GRAPHQL}?${search}`, { headers: { accept: "application/json", authorization: `Bearer ${OPERATOR_TOKEN}`, ...headers } })).then(answerOf);
    const q = encodeURIComponent("{ __typename }");
    const badJson = ["{", "[1", "nope", "{\"a\":}", "\u0000", "{\"a\": 1}}", "%7B"];

    it("answers a plain GET and POST, so the refusals below are about their input", async () => {
      expectAnswered(await get(`query=${q}`));
      expectAnswered(await gql(ok));
    });

    const getCases: [string, string][] = [
      ...badJson.flatMap((bad): [string, string][] => [
        [`variables=${JSON.stringify(bad)}`, `query=${q}&variables=${encodeURIComponent(bad)}`],
        [`extensions=${JSON.stringify(bad)}`, `query=${q}&extensions=${encodeURIComponent(bad)}`],
      ]),
      ["variables an array", `query=${q}&variables=${encodeURIComponent("[1,2]")}`],
      ["variables a string", `query=${q}&variables=${encodeURIComponent('"x"')}`],
      ["extensions a number", `query=${q}&extensions=5`],
      ["no query", "variables=%7B%7D"],
      ["an empty query", "query="],
      ["a query that does not parse", `query=${encodeURIComponent("{ __typename")}`],
      ["a mutation over GET", `query=${encodeURIComponent('mutation { createAccount(name: "via-get") { id } }')}`],
      ["an unknown operationName", `query=${q}&operationName=Nope`],
      ["two operations and no operationName", `query=${encodeURIComponent("query A { __typename } query B { __typename }")}`],
      ["a NUL in the query", `query=${encodeURIComponent("{ __typename \u0000 }")}`],
      ["5,000 characters of query", `query=${encodeURIComponent("{".repeat(5000))}`],
    ];
    it.each(getCases)("GET with %s is refused", async (_, search) => expectRefused(await get(search)));

    const postCases: [string, string, Record<string, string>][] = [
      ...badJson.map((bad): [string, string, Record<string, string>] => [`body ${JSON.stringify(bad)}`, bad, {}]),
      ["an empty body", "", {}],
      ["body null", "null", {}],
      ["body a number", "1", {}],
      ["body a string", '"{ __typename }"', {}],
      ["a batch of two (batching is off)", `[${ok},${ok}]`, {}],
      ["an empty batch", "[]", {}],
      ["JSON nested 100,000 deep", `${"[".repeat(100_000)}${"]".repeat(100_000)}`, {}],
      ["query a number", JSON.stringify({ query: 5 }), {}],
      ["variables a string", JSON.stringify({ query: "{ __typename }", variables: "{}" }), {}],
      ["variables an array", JSON.stringify({ query: "{ __typename }", variables: [] }), {}],
      ["extensions a string", JSON.stringify({ query: "{ __typename }", extensions: "x" }), {}],
      ["operationName a number", JSON.stringify({ query: "{ __typename }", operationName: 5 }), {}],
      ["an unknown variable type", JSON.stringify({ query: "query($a: Nope) { __typename }", variables: { a: 1 } }), {}],
      ["a required variable left out", JSON.stringify({ query: 'query($d: String!) { snapshots(domain: $d) { edges { cursor } } }' }), {}],
      ["content type text/plain", ok, { "content-type": "text/plain" }],
      ["content type application/xml", ok, { "content-type": "application/xml" }],
      ["no content type", ok, { "content-type": "" }],
      ["content type application/graphql with JSON in it", ok, { "content-type": "application/graphql" }],
      ["a form with bad variables", `query=${q}&variables=%7B`, { "content-type": "application/x-www-form-urlencoded" }],
      ["a form with bad extensions", `query=${q}&extensions=nope`, { "content-type": "application/x-www-form-urlencoded" }],
      ["a form without a query", "variables=%7B%7D", { "content-type": "application/x-www-form-urlencoded" }],
      ["multipart with bad operations", '--b\r\ncontent-disposition: form-data; name="operations"\r\n\r\n{\r\n--b--\r\n', { "content-type": "multipart/form-data; boundary=b" }],
      ["multipart with bad map", `--b\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${ok}\r\n--b\r\ncontent-disposition: form-data; name="map"\r\n\r\n{\r\n--b--\r\n`, { "content-type": "multipart/form-data; boundary=b" }],
      ["multipart with no boundary", "x", { "content-type": "multipart/form-data" }],
      ["Authorization Basic", ok, { authorization: "Basic dXNlcjpwYXNz" }],
      ["Authorization Bearer and nothing", ok, { authorization: "Bearer" }],
      ["Authorization with an unknown token", ok, { authorization: "Bearer lsk_unknown" }],
      ["Authorization with 5,000 characters", ok, { authorization: `Bearer ${"x".repeat(5000)}` }],
    ];
    it.each(postCases)("POST with %s is refused", async (_, body, headers) => expectRefused(await gql(body, headers)));

    it.each([
      ["PUT", "PUT"],
      ["DELETE", "DELETE"],
      ["PATCH", "PATCH"],
    ])("%s is refused", async (_, method) => {
      expectRefused(await Promise.resolve(t.app.yoga.fetch(GRAPHQL, { method, headers: { "content-type": "application/json" }, body: ok })).then(answerOf));
    });

    const overHttp: [string, Parameters<typeof rawRequest>[1]][] = [
      ["a trailing slash and bad JSON", { method: "POST", path: "/graphql/", headers: { "content-type": "application/json" }, body: "{" }],
      ["a trailing slash and bad variables", { method: "GET", path: `/graphql/?query=${q}&variables=%7B`, headers: { accept: "application/json" } }],
      ["a longer path", { method: "POST", path: "/graphqlx", headers: { "content-type": "application/json" }, body: ok }],
      ["a GET with bad variables", { method: "GET", path: `/graphql?query=${q}&variables=%7B`, headers: { accept: "application/json" } }],
      ["a chunked body that is not JSON", { method: "POST", path: "/graphql", headers: { "content-type": "application/json" }, chunked: [Buffer.from('{"query":'), Buffer.from("{ nope")] }],
      ["a chunked body cut in a UTF-8 character", { method: "POST", path: "/graphql", headers: { "content-type": "application/json" }, chunked: [Buffer.from('{"query":"{ __typename }", "x": "'), Buffer.from([0xe5, 0xad])] }],
      // The body limit answers 413 once it counts streamed bytes; until then yoga's 400 for bad JSON.
      ["a chunked body past the limit", { method: "POST", path: "/graphql", headers: { "content-type": "application/json" }, chunked: Array.from({ length: 40 }, () => Buffer.alloc(10_000, "[")) }],
      ["a declared length past the limit", { method: "POST", path: "/graphql", headers: { "content-type": "application/json", "content-length": String(1024 * 1024) }, body: "" }],
    ];
    it("over HTTP, answers /graphql/ as /graphql", async () => {
      expectAnswered(await rawRequest(t.app.url, { method: "POST", path: "/graphql/", headers: { "content-type": "application/json" }, body: ok }));
    });

    it.each(overHttp)("over HTTP, %s is refused", async (_, options) => {
      const answer = await rawRequest(t.app.url, options);
      expectRefused(answer);
      if (options.chunked && options.chunked.length > 10) expect([400, 413]).toContain(answer.status);
    });
  });

  describe("media-server hooks", () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      rawRequest(t.app.url, { method: "POST", path, headers: { "x-livesnap-secret": HOOK_SECRET, ...headers }, body });
    const json = { "content-type": "application/json" };
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const endpoints = ["/hooks/nginx-rtmp", "/hooks/srs", "/hooks/mediamtx"];

    const wrongCalls: [string, string, string, Record<string, string>][] = endpoints.flatMap((endpoint): [string, string, string, Record<string, string>][] => [
      [endpoint, "without the secret", "", { "x-livesnap-secret": "" }],
      [endpoint, "with a wrong secret", "", { "x-livesnap-secret": "wrong" }],
      [endpoint, "with a NUL-padded secret", "", { "x-livesnap-secret": `${HOOK_SECRET}x` }],
      [endpoint, "with an empty body", "", {}],
      [endpoint, "with a body past 16 KiB", "x".repeat(20_000), {}],
      [endpoint, "with JSON not an object", "[1]", json],
      [endpoint, "with broken JSON", '{"action":', json],
      [endpoint, "with null", "null", json],
      [endpoint, "with numbers for names", '{"action":"on_publish","app":1,"stream":2,"path":3,"call":4}', json],
      [endpoint, "with an unknown action", '{"action":"explode","app":"live","stream":"cam","path":"live/cam"}', json],
      [endpoint, "as a form with an unknown call", "call=explode&app=live&name=cam", form],
    ]);
    it.each(wrongCalls)("%s %s is refused", async (endpoint, _, body, headers) => expectRefused(await post(endpoint, body, headers)));

    const hostileNames = Object.entries(HOSTILE_STRINGS).filter(([name]) => name !== "spaces");
    const publishes: [string, string, string, string, Record<string, string>][] = hostileNames.flatMap(([name, value]): [string, string, string, string, Record<string, string>][] => [
      ["/hooks/nginx-rtmp", "app", name, new URLSearchParams({ call: "publish", app: value, name: "cam", tcurl: "rtmp://corpus.example.com/x" }).toString(), form],
      ["/hooks/nginx-rtmp", "name", name, new URLSearchParams({ call: "publish", app: "live", name: value, tcurl: "rtmp://corpus.example.com/live" }).toString(), form],
      ["/hooks/srs", "app", name, JSON.stringify({ action: "on_publish", app: value, stream: "cam", vhost: "corpus.example.com" }), json],
      ["/hooks/srs", "stream", name, JSON.stringify({ action: "on_publish", app: "live", stream: value, vhost: "corpus.example.com" }), json],
      ["/hooks/mediamtx", "path", name, JSON.stringify({ action: "ready", path: `live/${value}` }), json],
    ]);
    it.each(publishes)("%s publish with %s = %s is refused", async (endpoint, _, __, body, headers) => expectRefused(await post(endpoint, body, headers)));

    it.each([
      ["GET on a hook", { method: "GET", path: "/hooks/srs" }],
      ["an unknown hook", { method: "POST", path: "/hooks/nope", body: "{}" }],
      ["a hook path with traversal", { method: "POST", path: "/hooks/../graphql", body: "{}" }],
    ] as const)("%s is refused", async (_, options) => expectRefused(await rawRequest(t.app.url, { ...options, headers: { "x-livesnap-secret": HOOK_SECRET } })));
  });

  describe("signed object URLs", () => {
    const get = (path: string, method = "GET") => rawRequest(t.app.url, { method, path });
    const signed = () => `${objectUrl.pathname}${objectUrl.search}`;

    it("serves the object at its signed URL, so the refusals below are about what was changed", async () => {
      const answer = await get(signed());
      expect(answer.status).toBe(200);
    });

    const tampered = (): [string, string][] => {
      const expires = objectUrl.searchParams.get("expires")!;
      const signature = objectUrl.searchParams.get("signature")!;
      const path = objectUrl.pathname;
      const past = Math.floor(Date.now() / 1000) - 60;
      const expiredSignature = signObject(signingKey, "livesnap", "snapshot/2026-01-01/corpus/live/cam.jpg", past);
      const flipped = signature.slice(0, -1) + (signature.endsWith("0") ? "1" : "0");
      return [
        ["a flipped signature digit", `${path}?expires=${expires}&signature=${flipped}`],
        ["an upper-case signature", `${path}?expires=${expires}&signature=${signature.toUpperCase()}`],
        ["a short signature", `${path}?expires=${expires}&signature=${signature.slice(0, 10)}`],
        ["no signature", `${path}?expires=${expires}`],
        ["no expiry", `${path}?signature=${signature}`],
        ["a later expiry", `${path}?expires=${Number(expires) + 1}&signature=${signature}`],
        ["a negative expiry", `${path}?expires=-1&signature=${signature}`],
        ["a 20-digit expiry", `${path}?expires=${"9".repeat(20)}&signature=${signature}`],
        ["an expired, correctly signed URL", `${path}?expires=${past}&signature=${expiredSignature}`],
        ["another key", `${path.replace("cam.jpg", "cam2.jpg")}?expires=${expires}&signature=${signature}`],
        ["another bucket", `${path.replace("/livesnap/", "/other-bucket/")}?expires=${expires}&signature=${signature}`],
        ["a traversal", `/objects/livesnap/../../../etc/passwd?expires=${expires}&signature=${signature}`],
        ["an encoded traversal", `/objects/livesnap/%2e%2e/%2e%2e/etc/passwd?expires=${expires}&signature=${signature}`],
        ["a traversal inside the key", `${path.replace("live/cam.jpg", "live/../../../../signing.key")}?expires=${expires}&signature=${signature}`],
        ["a NUL in the key", `${path.replace("cam.jpg", "cam%00.jpg")}?expires=${expires}&signature=${signature}`],
        ["a backslash in the key", `${path.replace("live/cam.jpg", "live%5C..%5Ccam.jpg")}?expires=${expires}&signature=${signature}`],
        ["no key", `/objects/livesnap/?expires=${expires}&signature=${signature}`],
        ["no bucket", `/objects/?expires=${expires}&signature=${signature}`],
        ["a 5,000-character key", `/objects/livesnap/${"a".repeat(5000)}.jpg?expires=${expires}&signature=${signature}`],
      ];
    };
    it("refuses every tampered, expired or traversing URL", async () => {
      const answers = await Promise.all(tampered().map(async ([name, path]) => [name, await get(path)] as const));
      for (const [name, answer] of answers) {
        expect(answer.status, `${name}: ${answer.status} ${answer.text}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${name}: ${answer.status} ${answer.text}`).toBeLessThan(500);
      }
      expect(answers).toHaveLength(19);
    });

    it.each(["POST", "PUT", "DELETE"])("refuses %s on a signed URL", async (method) => expectRefused(await get(signed(), method)));
  });

  it("changed no row of any table and no file under DATA_DIR", async () => {
    expect(await tableContents(t.app.database.db)).toEqual(before.tables);
    expect(await fileTree(t.dataDir)).toEqual(before.files);
    expect(Object.keys(before.tables)).toEqual(expect.arrayContaining(["accounts", "api_tokens", "domain_groups", "snapshot_templates", "snapshot_configs", "live_streams", "snapshots"]));
  });
});
