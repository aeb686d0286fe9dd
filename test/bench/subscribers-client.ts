/**
 * The subscriber bench's load generator, in a process of its own: real graphql-ws clients over
 * real WebSockets, each carrying one or more snapshotCreated subscriptions. Driven over IPC:
 *   { type: "open", url, tokens, perToken, subscriptionsPerConnection }
 *                                            -> { opened, failed }: every connection acknowledged
 *   { type: "count", streamName }            -> { received }: subscribers that got that event
 *   { type: "latencies", streamName }        -> { latencies }: ms from publish to arrival, one per subscriber
 *   "close"                                   -> exits once every connection is closed
 */
import { readFileSync } from "node:fs";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

type Request =
  | { type: "open"; url: string; tokens: string[]; perToken: number; subscriptionsPerConnection: number }
  | { type: "count"; streamName: string }
  | { type: "latencies"; streamName: string };

const QUERY = "subscription { snapshotCreated { id streamName capturedAt url } }";
/** Connections being opened at once; the rest wait, as clients arriving over a few seconds would. */
const OPENING_AT_ONCE = 200;

const clients: Client[] = [];
/** streamName -> arrival latencies, ms. */
const arrivals = new Map<string, number[]>();

function openFileLimit(): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  return !line || line[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(line[1]);
}

function openOne(url: string, token: string, subscriptions: number): Promise<boolean> {
  return new Promise((resolve) => {
    const client = createClient({
      url: `${url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      on: {
        connected: () => resolve(true),
        closed: () => resolve(false),
        error: () => resolve(false),
      },
    });
    clients.push(client);
    for (let i = 0; i < subscriptions; i++) subscribeTo(client);
  });
}

function subscribeTo(client: Client) {
  client.subscribe<{ snapshotCreated: { streamName: string; capturedAt: string; url: string } }>(
    { query: QUERY },
    {
      next: ({ data }) => {
        if (!data) return;
        const latency = Date.now() - Date.parse(data.snapshotCreated.capturedAt);
        const list = arrivals.get(data.snapshotCreated.streamName) ?? [];
        list.push(latency);
        arrivals.set(data.snapshotCreated.streamName, list);
      },
      error: () => {},
      complete: () => {},
    },
  );
}

async function open(url: string, tokens: string[], perToken: number, subscriptions: number) {
  const wanted = tokens.length * perToken;
  // Each connection is a socket here and one on the server, plus a margin for everything else.
  if (openFileLimit() < wanted + 500) {
    throw new Error(`open file limit ${openFileLimit()} is too low for ${wanted} connections: raise it (ulimit -n ${wanted + 1000})`);
  }
  const queue = tokens.flatMap((token) => Array.from({ length: perToken }, () => token));
  let opened = 0;
  let failed = 0;
  const worker = async () => {
    for (let token = queue.pop(); token !== undefined; token = queue.pop()) {
      if (await openOne(url, token, subscriptions)) opened++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: OPENING_AT_ONCE }, worker));
  return { opened, failed };
}

async function answer(request: Request): Promise<unknown> {
  switch (request.type) {
    case "open":
      return open(request.url, request.tokens, request.perToken, request.subscriptionsPerConnection);
    case "count":
      return { received: arrivals.get(request.streamName)?.length ?? 0 };
    case "latencies":
      return { latencies: arrivals.get(request.streamName) ?? [] };
  }
}

process.on("message", (message: "close" | (Request & { id: number })) => {
  if (message === "close") {
    void Promise.all(clients.map((c) => c.dispose())).then(() => process.exit(0));
    return;
  }
  answer(message).then(
    (result) => process.send!({ id: message.id, result }),
    (err: unknown) => process.send!({ id: message.id, error: String(err instanceof Error ? err.message : err) }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send!({ ready: true });
