import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getIntrospectionQuery } from "graphql";
import { QUERY_LIMITS } from "../src/graphql/yoga";
import { startTestApp, type TestApp } from "./support/app";

describe("HTTP server", () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.token("http-tests");
  });
  afterAll(() => t.stop());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("serves GraphiQL at /graphql with every asset inline, so it works offline", async () => {
    const response = await fetch(`${t.app.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("<title>livesnap</title>");
    expect(html).toContain("Put your token in the Headers tab");
    expect(html.length).toBeGreaterThan(100_000); // the GraphiQL bundle itself, not a loader
    const external = [...html.matchAll(/<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?(https?:)?\/\/[^"'\s>]+/gi)].map((m) => m[0]);
    expect(external).toEqual([]);
    expect(html).not.toMatch(/(?:unpkg\.com|cdn\.jsdelivr\.net|esm\.sh)/);
  });

  it("answers introspection, as GraphiQL needs, within the query limits", async () => {
    const response = await post({ query: getIntrospectionQuery() });
    const body = (await response.json()) as { data?: { __schema: { queryType: { name: string } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.__schema.queryType.name).toBe("Query");
  });

  it("reports liveness and database readiness", async () => {
    const health = await fetch(`${t.app.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok\n"]);
    const ready = await fetch(`${t.app.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, "ready\n"]);
    expect((await fetch(`${t.app.url}/nothing-here`)).status).toBe(404);
  });

  it("refuses too-deep, alias-heavy and oversized documents with a clear error", async () => {
    const deep = `{ liveStreams { edges { node { lastSnapshot { id } template { id } } } } ${"__typename ".repeat(1)}}`;
    const ok = await post({ query: deep });
    expect(((await ok.json()) as { errors?: unknown }).errors).toBeUndefined();

    // A fragment cycle-free but deeply nested document through PageInfo/edges cannot go deep; nest via __type.
    let nested = "name";
    for (let i = 0; i < QUERY_LIMITS.maxDepth + 3; i++) nested = `ofType { ${nested} }`;
    const tooDeep = (await (await post({ query: `{ __type(name: "Query") { ${nested} } }` })).json()) as {
      errors: { message: string }[];
    };
    expect(tooDeep.errors[0]!.message).toMatch(/depth/i);

    const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 5 }, (_, i) => `a${i}: snapshotTemplate(id: "x") { id }`).join(" ");
    const tooManyAliases = (await (await post({ query: `{ ${aliases} }` })).json()) as { errors: { message: string }[] };
    expect(tooManyAliases.errors[0]!.message).toMatch(/alias/i);

    const tokens = `{ ${"__typename ".repeat(QUERY_LIMITS.maxTokens + 10)}}`;
    const tooManyTokens = (await (await post({ query: tokens })).json()) as { errors: { message: string }[] };
    expect(tooManyTokens.errors[0]!.message).toMatch(/token/i);

    const huge = await post({ query: "{ __typename }", padding: "x".repeat(400 * 1024) });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain("at most");
  });

  it("masks unexpected errors and keeps deliberate ones with their code", async () => {
    const bad = (await (await post("{ not json")).json()) as { errors: { message: string }[] };
    expect(bad.errors[0]!.message.length).toBeGreaterThan(0);
    const unknownField = (await (await post({ query: "{ nope }" })).json()) as { errors: { message: string }[] };
    expect(unknownField.errors[0]!.message).toContain("nope");
  });
});
