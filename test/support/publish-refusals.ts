/** livesnap_publish_refusals_total for one source and reason, as /metrics shows it (0 when absent). */
export async function publishRefusals(baseUrl: string, source: string, reason: string): Promise<number> {
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = metrics.split("\n").find((l) => l.startsWith(`livesnap_publish_refusals_total{source="${source}",reason="${reason}"} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
}
