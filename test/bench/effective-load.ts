import { Agent, request } from "node:http";

/** One request of a case: the body to POST and a check of the parsed answer (throws when wrong). */
export interface Call {
  body: string;
  check(response: unknown): void;
}

export interface LoadCase {
  name: string;
  next(): Call;
}

export interface Sample {
  requests: number;
  seconds: number;
  /** Milliseconds, one per request. */
  latencies: number[];
}

export interface Summary {
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
}

export function summarise(samples: Sample[]): Summary {
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const sorted = Float64Array.from(samples.flatMap((s) => s.latencies)).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { requests, throughput: requests / seconds, p50: at(0.5), p99: at(0.99) };
}

/** POSTs to /graphql over a fixed pool of keep-alive connections. */
export function createLoadClient(baseUrl: string, token: string, concurrency: number) {
  const url = new URL("/graphql", baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

  function post(body: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
            else {
              try {
                resolve(JSON.parse(text));
              } catch (err) {
                reject(err);
              }
            }
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /**
   * Runs `concurrency` closed-loop workers until `maxRequests` were sent or `maxSeconds`
   * passed. Every answer is checked; the first wrong one fails the run.
   */
  async function run(load: LoadCase, maxRequests: number, maxSeconds: number): Promise<Sample> {
    const latencies: number[] = [];
    let sent = 0;
    const started = performance.now();
    const deadline = started + maxSeconds * 1000;
    const worker = async () => {
      while (sent < maxRequests && performance.now() < deadline) {
        sent++;
        const call = load.next();
        const t0 = performance.now();
        const answer = await post(call.body);
        latencies.push(performance.now() - t0);
        call.check(answer);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { requests: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
  }

  return { post, run, close: () => agent.destroy() };
}
