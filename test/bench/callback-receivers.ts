/**
 * Callback receivers for callback-fanout.bench.ts, in a process of their own so that they do
 * not share livesnap's event loop. Prints `{"ports":[...]}` once listening; on a `report` line on
 * stdin prints what arrived: count, distinct webhook-ids and the delay of each delivery from its
 * event (the body's timestamp, written when the snapshot was recorded) to its arrival.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";

const count = Number(process.argv[2] ?? 10);
const delays: number[] = [];
const ids = new Set<string>();
let received = 0;

const servers = Array.from({ length: count }, () =>
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const arrived = Date.now();
      received += 1;
      ids.add(`${req.socket.localPort}/${String(req.headers["webhook-id"])}`);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { timestamp: string };
      delays.push(arrived - Date.parse(body.timestamp));
      res.writeHead(204).end();
    });
  }),
);

await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
process.stdout.write(`${JSON.stringify({ ports: servers.map((s) => (s.address() as AddressInfo).port) })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "report") continue;
  process.stdout.write(`${JSON.stringify({ received, distinct: ids.size, delays })}\n`);
}
