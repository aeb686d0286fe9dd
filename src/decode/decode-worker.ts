/**
 * A decoder worker process (forked by decoder-pool.ts): decodes one job at a time, sent over
 * IPC with advanced serialization, and answers each with an image or an error message. A crash
 * or hang here costs the pool only this process and its job in flight.
 */
import { DecodeError, FrameDecoder } from "./decode-frames";
import type { CodedFrame, DecodeJob } from "../media/types";
import type { WorkerReply, WorkerRequest } from "./worker-protocol";

/** Structured clone turns Buffers into plain Uint8Arrays; node-av wants Buffers. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function reviveJob(job: DecodeJob): DecodeJob {
  return {
    ...job,
    config: asBuffer(job.config),
    frames: job.frames.map((frame): CodedFrame => ({ ...frame, payload: asBuffer(frame.payload) })),
  };
}

const send = process.send?.bind(process);
if (send === undefined) throw new Error("decode-worker runs only as a forked child of the decoder pool");

const decoder = new FrameDecoder();

process.on("message", (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const image = decoder.decode(reviveJob(request.job));
    reply = { id: request.id, ok: true, image };
  } catch (error) {
    const message = error instanceof DecodeError ? error.message : `decoder failure: ${String(error)}`;
    reply = { id: request.id, ok: false, error: message };
  }
  send(reply);
});

// The parent is gone: nothing would read the answers.
process.on("disconnect", () => process.exit(0));

send({ ready: true } satisfies WorkerReply);
