import { randomUUID } from "node:crypto";
import type { ExecutionResult } from "graphql";
import WebSocket from "ws";

/** A result's JSON, written once however many subscribers the result goes to. */
class SerializedPayload {
  constructor(readonly json: string) {}
}

const serialized = new WeakMap<object, SerializedPayload>();

/** Stands for a serialized payload inside graphql-ws's own JSON of a message; random, so no client can spell it. */
const PLACEHOLDER_TEXT = `serialized-payload-${randomUUID()}`;
const PLACEHOLDER = JSON.stringify(PLACEHOLDER_TEXT);

/**
 * The JSON of the payload whose placeholder was written last. graphql-ws serializes a message
 * and hands it to the socket in one synchronous step, so the message that carries the
 * placeholder is always the one this was set for.
 */
let pendingJson = "";

/**
 * What graphql-ws's onNext hands back instead of a result: the result's JSON, computed on the
 * first call for that result object and reused by every subscriber that shares it. A result
 * with errors went through each subscriber's error masking and is left to graphql-ws.
 */
export function serializedPayloadOf(result: ExecutionResult): SerializedPayload | undefined {
  if (result.errors) return undefined;
  let payload = serialized.get(result);
  if (!payload) serialized.set(result, (payload = new SerializedPayload(JSON.stringify(result))));
  return payload;
}

/** graphql-ws's jsonMessageReplacer: writes a placeholder where a serialized payload goes. */
export function placeSerializedPayload(_key: string, value: unknown): unknown {
  if (!(value instanceof SerializedPayload)) return value;
  pendingJson = value.json;
  return PLACEHOLDER_TEXT;
}

/** The server's sockets: each message carrying a placeholder goes out with the payload's JSON in its place. */
export class SerializedPayloadWebSocket extends WebSocket {
  override send(data: Parameters<WebSocket["send"]>[0], ...rest: unknown[]): void {
    if (typeof data === "string") {
      const at = data.indexOf(PLACEHOLDER);
      if (at !== -1) data = data.slice(0, at) + pendingJson + data.slice(at + PLACEHOLDER.length);
    }
    (super.send as (data: unknown, ...rest: unknown[]) => void).call(this, data, ...rest);
  }
}
