import type { DecoderPool } from "../decode/decoder-pool";
import type { RtmpPullCounters } from "../media/rtmp-client";
import type { MetricsRegistry } from "../metrics";
import type { InspectableCaptureEngine } from "./frame-engine";

/** The newest values of a measure, for quantiles over recent activity. */
export class RecentSamples {
  private readonly values: number[] = [];
  private next = 0;

  constructor(private readonly size = 1000) {}

  add(value: number): void {
    if (this.values.length < this.size) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }

  quantile(q: number): number {
    if (this.values.length === 0) return 0;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

/**
 * What shows how capture keeps up: the decoder pool's queue and workers, the age of images when
 * they are handed on (arrival of their last frame to hand-over; under saturation it grows for
 * every stream alike), frame cache memory and the RTMP pulls.
 */
export function registerCaptureMetrics(
  metrics: MetricsRegistry,
  parts: { pool: DecoderPool; puller: { counters: RtmpPullCounters }; engine: InspectableCaptureEngine; imageAges: RecentSamples },
): void {
  const { pool, puller, engine, imageAges } = parts;
  metrics.gauge("livesnap_decoder_queue_length", "Decode jobs waiting for a worker (at most one scheduled job per stream).", () => pool.stats().queued);
  metrics.gauge("livesnap_decoder_jobs_in_flight", "Decode jobs running in a worker now.", () => pool.stats().inFlight);
  metrics.gauge("livesnap_decoder_workers", "Decoder worker processes alive.", () => pool.stats().workersAlive);
  metrics.counterFrom("livesnap_decoder_worker_restarts_total", "Decoder workers started to replace one that died, hung or was killed.", () => pool.stats().restarts);
  metrics.counterFrom("livesnap_decoder_jobs_superseded_total", "Scheduled decode jobs replaced in the queue by a newer one of their stream (the pool was saturated).", () => pool.stats().superseded);
  metrics.counterFrom("livesnap_decoder_jobs_failed_total", "Decode jobs that failed: bad bitstream, timeout, worker crash.", () => pool.stats().failed);
  metrics.gauge("livesnap_capture_image_age_seconds", "Age of recent images when handed on (arrival of their last frame to hand-over), by quantile.", () =>
    [0.5, 0.99, 1].map((q) => ({ labels: { quantile: String(q) }, value: imageAges.quantile(q) / 1000 })),
  );
  metrics.gauge("livesnap_capture_cached_bytes", "Bytes of coded frames and configurations kept for all captured streams.", () => engine.cachedBytes());
  metrics.counterFrom("livesnap_rtmp_pull_bytes_total", "Bytes received by RTMP pulls of hooked streams.", () => puller.counters.bytesReceived);
  metrics.counterFrom("livesnap_rtmp_pull_failures_total", "RTMP pulls ended by an error, a refusal or a timeout.", () => puller.counters.failures);
}
