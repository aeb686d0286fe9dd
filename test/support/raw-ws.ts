import WebSocket from "ws";

export interface RawGraphQLSocket {
  socket: WebSocket;
  /** Messages received so far, parsed. */
  messages: { id?: string; type: string; payload?: unknown }[];
  /** Resolves with the first message (received or to come) matching `where`, or rejects after timeoutMs. */
  message(where: (m: { id?: string; type: string; payload?: unknown }) => boolean, timeoutMs?: number): Promise<{ id?: string; type: string; payload?: unknown }>;
  /** Resolves with the close code and reason once the server has closed the socket. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
}

/**
 * A graphql-transport-ws socket driven message by message, for what a graphql-ws client hides:
 * close codes, oversized messages, many operations on one connection.
 */
export async function openRawSocket(httpUrl: string, path = "/graphql"): Promise<RawGraphQLSocket> {
  const socket = new WebSocket(`${httpUrl.replace(/^http/, "ws")}${path}`, "graphql-transport-ws");
  const messages: RawGraphQLSocket["messages"] = [];
  const waiters = new Set<() => void>();
  socket.on("message", (data) => {
    messages.push(JSON.parse(String(data)) as RawGraphQLSocket["messages"][number]);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  socket.on("error", () => {});
  return {
    socket,
    messages,
    closed,
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    message(where, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(where);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(-3))}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Opens a socket and completes connection_init; resolves once acknowledged. */
export async function openAcknowledged(httpUrl: string, token: string | null): Promise<RawGraphQLSocket> {
  const s = await openRawSocket(httpUrl);
  s.send({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} });
  await s.message((m) => m.type === "connection_ack");
  return s;
}
