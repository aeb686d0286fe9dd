/**
 * The decoder worker, except that a job for stream "stall" never finishes: the event loop spins
 * as a decoder stuck in a loop would. Registered before the real worker's listener, so it runs first.
 */
import type { WorkerRequest } from "../../src/decode/worker-protocol";

process.on("message", (request: WorkerRequest) => {
  if (request.job.streamId === "stall") for (;;);
});

await import("../../src/decode/decode-worker");
