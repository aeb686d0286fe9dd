import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotsTable } from "../src/db/schema";
import { issueTokenForAccount } from "../src/domain/api-tokens";
import { startTestApp, type TestApp } from "./support/app";
import { capturingLogger, LEVEL, type LogLine } from "./support/log-capture";
import { openAcknowledged } from "./support/raw-ws";

/** In every document, so a log line quoting one is easy to find. */
const MARK = "# document-marker-7f3a";

interface Answer {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe("logs of GraphQL errors", () => {
  let t: TestApp;
  let lines: LogLine[];
  let admin: string;
  let reader: string;
  let accountId: string;
  beforeAll(async () => {
    const capture = capturingLogger("trace");
    lines = capture.lines;
    t = await startTestApp({ AUTH_FAILURE_BURST: "2" }, { logger: capture.logger });
    const issued = await issueTokenForAccount(t.app.database.db, "logs", "ADMIN");
    admin = issued.token;
    accountId = issued.apiToken.accountId;
    reader = (await issueTokenForAccount(t.app.database.db, "logs", "READER")).token;
  });
  afterAll(() => t.stop());

  const run = async (token: string, query: string) => {
    const response = await fetch(`${t.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `${MARK}\n${query}` }),
    });
    return { response, body: (await response.json()) as Answer };
  };
  const create = (name: string) =>
    `mutation { createSnapshotTemplate(input: { name: "${name}", format: JPG, intervalSeconds: 5, storageMode: COVERAGE }) { id } }`;

  it("keeps client errors at debug, without the document", async () => {
    const from = lines.length;
    const seen: unknown[] = [];
    const codeOf = (a: Answer) => a.errors?.[0]?.extensions?.code;
    seen.push(codeOf((await run(admin, create("-bad-"))).body));
    seen.push(codeOf((await run(admin, `mutation { deleteSnapshotTemplate(id: "${randomUUID()}") }`)).body));
    seen.push(codeOf((await run(reader, create("by-reader"))).body));
    seen.push(codeOf((await run(admin, create("twice"))).body));
    seen.push(codeOf((await run(admin, create("twice"))).body));
    seen.push(codeOf((await run("lsk_not-a-token-00000000000000000000", "{ __typename }")).body));
    seen.push(codeOf((await run("lsk_not-a-token-00000000000000000001", "{ __typename }")).body));
    seen.push(codeOf((await run("lsk_not-a-token-00000000000000000002", "{ __typename }")).body));
    expect(seen).toEqual(["BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", undefined, "CONFLICT", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);

    const during = lines.slice(from);
    const clientErrors = during.filter((l) => l.msg === "client error");
    expect(clientErrors.map((l) => l.code)).toEqual(["BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", "CONFLICT", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
    expect(clientErrors.every((l) => l.level === LEVEL.debug && typeof l.requestId === "string")).toBe(true);
    expect(during.filter((l) => l.level > LEVEL.info)).toEqual([]);
    expect(during.filter((l) => JSON.stringify(l).includes("document-marker"))).toEqual([]);
  });

  it("logs an unexpected error once at error level with the request id its masked error and x-request-id carry", async () => {
    // A row whose bucket the fs store refuses to sign: an unexpected failure inside a resolver.
    await t.app.database.db.insert(snapshotsTable).values({
      accountId, domain: "logs.example", appName: "live", streamName: "cam", sourceId: "src",
      bucket: "Not_A_Bucket", key: "snapshot/broken.jpg", format: "JPG", width: 8, height: 8, bytes: 1, capturedAt: new Date(),
    });
    const from = lines.length;
    const { response, body } = await run(admin, `{ snapshots(domain: "logs.example") { edges { node { key url } } } }`);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: "Unexpected error.", extensions: expect.objectContaining({ code: "INTERNAL_SERVER_ERROR", requestId }) }),
    ]);
    expect(JSON.stringify(body)).not.toContain("Not_A_Bucket");
    const errors = lines.slice(from).filter((l) => l.level >= LEVEL.error);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: "unexpected error in a GraphQL operation", requestId });
    expect(JSON.stringify(errors[0])).toContain("Not_A_Bucket");
    expect(JSON.stringify(errors[0])).not.toContain("document-marker");

    // Over WebSocket each operation has its own id, in its error and its log line alike.
    const socket = await openAcknowledged(t.app.url, admin);
    const wsFrom = lines.length;
    socket.send({ id: "1", type: "subscribe", payload: { query: `${MARK}\n{ snapshots(domain: "logs.example") { edges { node { url } } } }` } });
    const next = await socket.message((m) => m.id === "1" && m.type === "next");
    const wsError = (next.payload as Answer).errors![0]!;
    expect(wsError.extensions).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    const wsRequestId = wsError.extensions!.requestId;
    expect(wsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(wsRequestId).not.toBe(requestId);
    const wsErrors = lines.slice(wsFrom).filter((l) => l.level >= LEVEL.error);
    expect(wsErrors.map((l) => l.requestId)).toEqual([wsRequestId]);
    socket.socket.close();
    await socket.closed;
  });
});
