import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since epoch). */
  at: number;
  /** What the receiver answered (null: it never did). */
  answered: number | null;
  /** When its exchange ended: answered, or its connection closed unanswered. */
  closedAt: number | null;
}

/** What to do with a request: answer with a status (and headers and body), or hold it open forever. */
export type Behaviour = (
  request: ReceivedCallback,
  earlierWithSameId: ReceivedCallback[],
) => number | "hang" | { status: number; headers?: Record<string, string>; body?: string };

export interface CallbackReceiver {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedCallback[];
  /** Requests with this webhook-id, in arrival order. */
  byWebhookId(id: string): ReceivedCallback[];
  /** Resolves once a request matching `check` has arrived (checked on each arrival and close). */
  waitFor(check: (received: ReceivedCallback[]) => boolean, timeoutMs: number, what: string): Promise<void>;
  behaviour: Behaviour;
  /** Requests being held open right now. */
  readonly open: number;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1, as a platform's webhook endpoint would be. */
export async function startCallbackReceiver(behaviour: Behaviour = () => 200, port = 0): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const receiver: CallbackReceiver = {
    url: "",
    port: 0,
    received,
    behaviour,
    byWebhookId: (id) => received.filter((r) => r.headers["webhook-id"] === id),
    waitFor(check, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const done = () => {
          if (!check(received)) return;
          waiters.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(done);
          reject(new Error(`${what}: not seen within ${timeoutMs} ms (${received.length} requests so far)`));
        }, timeoutMs);
        waiters.add(done);
        done();
      });
    },
    get open() {
      return held.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: ReceivedCallback = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now(), answered: null, closedAt: null };
      const earlier = received.filter((r) => r.headers["webhook-id"] === req.headers["webhook-id"]);
      received.push(entry);
      res.once("close", () => {
        entry.closedAt = Date.now();
        held.delete(res);
        notify();
      });
      const action = receiver.behaviour(entry, earlier);
      if (action === "hang") held.add(res);
      else {
        const answer = typeof action === "number" ? { status: action } : action;
        entry.answered = answer.status;
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        res.end(answer.body ?? (answer.status >= 200 && answer.status < 300 ? "ok" : `receiver says ${answer.status}`));
      }
      notify();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  Object.assign(receiver, { url: `http://127.0.0.1:${bound}/hooks/snapshots`, port: bound });
  return receiver;
}
