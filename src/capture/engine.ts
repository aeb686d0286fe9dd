import type { Logger } from "../logger";
import { CaptureSession, type CaptureSessionState } from "./capture-session";
import { StartGate } from "./start-gate";
import { defaultCaptureTunables, type CaptureTunables } from "./tunables";
import type { CapturedImage, CaptureEngine } from "./types";

export interface CaptureEngineOptions extends Partial<CaptureTunables> {
  ffmpegPath: string;
  logger: Logger;
  /** Awaited per stream: a slow handler delays only its own stream's next image. */
  onImage(image: CapturedImage): Promise<void> | void;
}

export interface InspectableCaptureEngine extends CaptureEngine {
  /** The session's current ffmpeg and decoding mode; undefined when the stream is not captured. */
  inspect(liveStreamId: string): CaptureSessionState | undefined;
}

export function createCaptureEngine(options: CaptureEngineOptions): InspectableCaptureEngine {
  const { ffmpegPath, onImage } = options;
  const tunables: CaptureTunables = { ...defaultCaptureTunables };
  for (const key of Object.keys(defaultCaptureTunables) as (keyof CaptureTunables)[]) {
    const value = options[key];
    if (value !== undefined) tunables[key] = value;
  }
  const logger = options.logger.child({ module: "capture" });
  const sessions = new Map<string, CaptureSession>();
  const startGate = new StartGate(tunables.maxConcurrentStarts);

  const stop = async (liveStreamId: string): Promise<void> => {
    const session = sessions.get(liveStreamId);
    if (session === undefined) return;
    sessions.delete(liveStreamId);
    await session.stop();
    logger.info({ liveStreamId }, "capture stopped");
  };

  return {
    start(target) {
      if (sessions.has(target.liveStreamId)) {
        logger.debug({ liveStreamId: target.liveStreamId }, "already capturing");
        return;
      }
      const session = new CaptureSession({ target, ffmpegPath, logger, tunables, onImage, startGate });
      sessions.set(target.liveStreamId, session);
      session.start();
      logger.info(
        { liveStreamId: target.liveStreamId, pullUrl: withoutQuery(target.pullUrl), intervalSeconds: target.template.intervalSeconds },
        "capture started",
      );
    },
    stop,
    active: () => [...sessions.keys()],
    inspect: (liveStreamId) => sessions.get(liveStreamId)?.state(),
    stopAll: async () => {
      await Promise.all([...sessions.keys()].map((id) => stop(id)));
    },
  };
}

/** A pull URL's query may carry a credential (the embedded ingest's capture token); logs get the rest. */
function withoutQuery(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}
