import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_GRAPHQL_BODY_BYTES } from "../src/http-server";
import { startTestApp, type TestApp } from "./support/app";
import { rawRequest } from "./support/raw-http";

const CREATE = (name: string) =>
  `mutation { createSnapshotTemplate(input: { name: "${name}", format: JPG, intervalSeconds: 5, storageMode: COVERAGE }) { id } }`;

/** A JSON body running CREATE(name), padded to `bytes` and cut into 16 KiB chunks. */
function paddedChunks(name: string, bytes: number): Buffer[] {
  // Variables the operation does not declare are ignored, so the padding changes nothing else.
  const head = `{"query":${JSON.stringify(CREATE(name))},"variables":{"padding":"`;
  const body = Buffer.from(head + "x".repeat(bytes - head.length - 3) + `"}}`);
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += 16 * 1024) chunks.push(body.subarray(at, at + 16 * 1024));
  return chunks;
}

describe("HTTP limits", () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: "https://console.example.com, http://localhost:5173" });
    token = await t.token("http-limits");
  });
  afterAll(() => t.stop());

  const templateNames = async () => {
    const response = await fetch(`${t.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ snapshotTemplates(first: 100) { edges { node { name } } } }" }),
    });
    const body = (await response.json()) as { data: { snapshotTemplates: { edges: { node: { name: string } }[] } } };
    return body.data.snapshotTemplates.edges.map((e) => e.node.name);
  };

  it("refuses a chunked 1 MB body with 413 as it arrives, and runs nothing of it", async () => {
    const response = await rawRequest(t.app.url, {
      method: "POST",
      path: "/graphql",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "transfer-encoding": "chunked" },
      chunks: paddedChunks("chunked-1mb", 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.body).toContain(`at most ${MAX_GRAPHQL_BODY_BYTES}`);
    expect(await templateNames()).not.toContain("chunked-1mb");
  });

  it("limits every spelling of the GraphQL path that reaches yoga; the others are 404", async () => {
    const spellings = ["/graphql/", "/graphql//", "/graphql?x=1", "/graphql/?x=1", "/graphql/../graphql", "/graphqlx", "//graphql", "/GRAPHQL", "/%67raphql"];
    const statuses: Record<string, number> = {};
    for (const [i, path] of spellings.entries()) {
      for (const chunked of [true, false]) {
        const chunks = paddedChunks(`spelling-${i}-${chunked}`, 400 * 1024);
        const response = await rawRequest(t.app.url, {
          method: "POST",
          path,
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${token}`,
            ...(chunked
              ? { "transfer-encoding": "chunked" }
              : { "content-length": String(chunks.reduce((n, c) => n + c.length, 0)) }),
          },
          chunks,
        });
        statuses[`${path} ${chunked ? "chunked" : "sized"}`] = response.status;
      }
    }
    for (const [spelling, status] of Object.entries(statuses)) expect([spelling, [404, 413].includes(status)]).toEqual([spelling, true]);
    expect(statuses["/graphql/ chunked"]).toBe(413);
    expect(statuses["/graphql/ sized"]).toBe(413);
    expect(await templateNames()).toEqual([]);
  });

  it("still runs a body just under the limit, chunked or not", async () => {
    for (const chunked of [true, false]) {
      const chunks = paddedChunks(`under-limit-${chunked}`, MAX_GRAPHQL_BODY_BYTES - 1024);
      const response = await rawRequest(t.app.url, {
        method: "POST",
        path: "/graphql/",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(chunks.reduce((n, c) => n + c.length, 0)) }),
        },
        chunks,
      });
      expect([response.status, response.body]).toEqual([200, expect.not.stringContaining("errors")]);
    }
    expect((await templateNames()).sort()).toEqual(["under-limit-false", "under-limit-true"]);
  });

  it("names every response with x-request-id", async () => {
    const ids = new Set<string>();
    for (const path of ["/healthz", "/graphql", "/nothing-here"]) {
      const id = (await fetch(`${t.app.url}${path}`)).headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(id!);
    }
    expect(ids.size).toBe(3);
  });

  describe("CORS", () => {
    const preflight = (origin: string) =>
      fetch(`${t.app.url}/graphql`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });
    const call = (origin: string) =>
      fetch(`${t.app.url}/graphql`, {
        method: "POST",
        headers: { origin, "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "{ __typename }" }),
      });

    it("answers a listed origin's preflight and calls with that origin and credentials", async () => {
      for (const origin of ["https://console.example.com", "http://localhost:5173"]) {
        const pre = await preflight(origin);
        expect(pre.status).toBe(204);
        expect(pre.headers.get("access-control-allow-origin")).toBe(origin);
        expect(pre.headers.get("access-control-allow-credentials")).toBe("true");
        expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
        expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
        const response = await call(origin);
        expect(response.headers.get("access-control-allow-origin")).toBe(origin);
        expect(response.headers.get("access-control-expose-headers")).toContain("x-request-id");
      }
    });

    it("gives any other origin no CORS header at all, preflight or call", async () => {
      for (const origin of ["https://evil.example", "https://console.example.com.evil.example", "null", "http://localhost:5174"]) {
        const pre = await preflight(origin);
        expect(pre.headers.get("access-control-allow-origin")).toBeNull();
        expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
        const response = await call(origin);
        expect(response.headers.get("access-control-allow-origin")).toBeNull();
        expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      }
    });
  });
});

describe("CORS without CORS_ORIGINS", () => {
  it("allows no other origin", async () => {
    const t = await startTestApp();
    try {
      const response = await fetch(`${t.app.url}/graphql`, {
        method: "OPTIONS",
        headers: { origin: "https://console.example.com", "access-control-request-method": "POST" },
      });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    } finally {
      await t.stop();
    }
  });
});
