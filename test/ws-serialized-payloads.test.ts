import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { GraphQLError } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { placeSerializedPayload, SerializedPayloadWebSocket, serializedPayloadOf } from "../src/graphql/ws-serialized-payloads";

describe("serialized payloads", () => {
  let wss: WebSocketServer;
  let server: WebSocket;
  let client: WebSocket;

  beforeAll(async () => {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0, WebSocket: SerializedPayloadWebSocket });
    await once(wss, "listening");
    const accepted = once(wss, "connection");
    client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    [server] = (await accepted) as [WebSocket];
    await once(client, "open");
  });
  afterAll(async () => {
    client.close();
    await once(client, "close");
    await new Promise((resolve) => wss.close(resolve));
  });

  /** What graphql-ws does with a next message: serialize it with the replacer, then send it. */
  async function roundTrip(id: string, payload: unknown): Promise<string> {
    const received = once(client, "message");
    server.send(JSON.stringify({ id, type: "next", payload }, placeSerializedPayload));
    const [data] = (await received) as [Buffer];
    return data.toString("utf8");
  }

  it("writes a result's JSON once and sends it in every message that carries it", async () => {
    const result = { data: { snapshotCreated: { id: "s1", url: "http://x/y?sig=\"quoted\"" } } };
    const payload = serializedPayloadOf(result);
    expect(serializedPayloadOf(result)).toBe(payload);
    expect(serializedPayloadOf({ data: { snapshotCreated: { id: "s1", url: "http://x/y" } } })).not.toBe(payload);
    for (const id of ["a", "b\"c"]) {
      expect(JSON.parse(await roundTrip(id, payload))).toEqual({ id, type: "next", payload: result });
    }
  });

  it("leaves results with errors to the regular serialization, and other messages untouched", async () => {
    expect(serializedPayloadOf({ errors: [new GraphQLError("masked for this subscriber")] })).toBeUndefined();
    const plain = { data: { text: "serialized-payload-not-the-placeholder" } };
    expect(JSON.parse(await roundTrip("serialized-payload-x", plain))).toEqual({ id: "serialized-payload-x", type: "next", payload: plain });
  });
});
