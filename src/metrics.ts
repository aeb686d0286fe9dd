import type { Route } from "./http-server";
import { pathOf } from "./http-server";

export interface MetricSources {
  uploads(): { uploads: number; failures: number; retries: number };
  capturedStreams(): number;
  snapshotsRecorded(): number;
}

/** GET /metrics in the Prometheus text format: what an operator watches to see capture is healthy. */
export function metricsRoute(sources: MetricSources): Route {
  return (req, res) => {
    if (pathOf(req) !== "/metrics" || req.method !== "GET") return false;
    const uploads = sources.uploads();
    const lines = [
      "# HELP livesnap_uploads_total Snapshot images stored in the object store.",
      "# TYPE livesnap_uploads_total counter",
      `livesnap_uploads_total ${uploads.uploads}`,
      "# HELP livesnap_upload_retries_total Failed upload attempts that were retried.",
      "# TYPE livesnap_upload_retries_total counter",
      `livesnap_upload_retries_total ${uploads.retries}`,
      "# HELP livesnap_upload_failures_total Snapshots dropped after the last upload attempt failed.",
      "# TYPE livesnap_upload_failures_total counter",
      `livesnap_upload_failures_total ${uploads.failures}`,
      "# HELP livesnap_snapshots_recorded_total Snapshots stored, recorded and announced.",
      "# TYPE livesnap_snapshots_recorded_total counter",
      `livesnap_snapshots_recorded_total ${sources.snapshotsRecorded()}`,
      "# HELP livesnap_captured_streams Live streams being captured now.",
      "# TYPE livesnap_captured_streams gauge",
      `livesnap_captured_streams ${sources.capturedStreams()}`,
      "",
    ].join("\n");
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end(lines);
    return true;
  };
}
