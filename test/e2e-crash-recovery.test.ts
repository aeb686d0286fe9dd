import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { issueTokenForAccount } from "../src/domain/api-tokens";
import { silentLogger } from "../src/logger";
import { httpRunner } from "./support/api";
import { createServerDatabase } from "./support/db";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { startLivesnapProcess, type LivesnapProcess } from "./support/livesnap-process";
import { startNginxRtmp, type NginxRtmp } from "./support/nginx-rtmp";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { waitFor } from "./support/wait";

const SECRET = "crash-hook-secret";
const DOMAIN = "crash.example.com";
const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

interface StreamNode {
  id: string;
  streamName: string;
  status: "LIVE" | "ENDED";
}

describe("livesnap killed with SIGKILL while capturing", () => {
  let dataDir: string;
  let server: Awaited<ReturnType<typeof createServerDatabase>>;
  let env: Record<string, string>;
  let nginx: NginxRtmp;
  let token: string;
  const processes: LivesnapProcess[] = [];
  const pushes: Push[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-crash-"));
    server = await createServerDatabase();
    const [port, rtmpPort, nginxPort] = [await freePort(), await freePort(), await freePort()];
    env = {
      HOST: "127.0.0.1",
      PORT: String(port),
      RTMP_PORT: String(rtmpPort),
      DATA_DIR: dataDir,
      HOOK_SECRET: SECRET,
      PULL_URL_NGINX_RTMP: `rtmp://127.0.0.1:${nginxPort}/{app}/{stream}`,
      LOG_LEVEL: "info",
      ...(server ? { DATABASE_URL: server.url } : {}),
    };
    // The account, its open domain group and a template, made through the API of a livesnap on
    // the same database and data directory, stopped before the processes under test start.
    const seed = createApp(loadConfig({ ...env, PORT: "0", RTMP_PORT: "0", LOG_LEVEL: "silent" }), { logger: silentLogger() });
    await seed.start();
    try {
      token = (await issueTokenForAccount(seed.database.db, "alice", "ADMIN")).token;
      const alice = httpRunner(seed.url, token);
      await createOpenDomainGroup(seed.database.db, alice, { pushDomain: DOMAIN, playDomain: "play.crash.example.com" });
      const tpl = await alice(CreateTemplate, { input: { name: "crash", format: "JPG", intervalSeconds: 5, storageMode: "COVERAGE" } });
      await alice(CreateConfig, { input: { domain: DOMAIN, templateId: tpl.data!.createSnapshotTemplate.id } });
    } finally {
      await seed.stop();
    }
    nginx = await startNginxRtmp({ hookUrl: `http://127.0.0.1:${port}/hooks/nginx-rtmp?secret=${SECRET}`, port: nginxPort });
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    for (const p of processes) await p.stop();
    await nginx?.stop();
    await server?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${env.PORT}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (!body.data) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  }
  const streams = async () =>
    (
      await query<{ liveStreams: { edges: { node: StreamNode }[] } }>(
        `query($domain: String) { liveStreams(domain: $domain) { edges { node { id streamName status } } } }`,
        { domain: DOMAIN },
      )
    ).liveStreams.edges.map((e) => e.node);
  const newestSnapshotAt = async (stream: string) => {
    const data = await query<{ snapshots: { edges: { node: { capturedAt: string } }[] } }>(
      `query($domain: String!, $stream: String) { snapshots(domain: $domain, app: "live", stream: $stream, first: 1) { edges { node { capturedAt } } } }`,
      { domain: DOMAIN, stream },
    );
    const newest = data.snapshots.edges[0];
    return newest ? Date.parse(newest.node.capturedAt) : 0;
  };
  const start = async () => {
    const p = startLivesnapProcess(env);
    processes.push(p);
    await p.ready(60_000);
    return p;
  };

  it("settles every stream within seconds of the restart: embedded ended, hooked captured again", async () => {
    const first = await start();
    let second: LivesnapProcess | undefined;
    try {
      pushes.push(pushTestStream({ url: `rtmp://127.0.0.1:${env.RTMP_PORT}/live/on-embedded?vhost=${DOMAIN}`, ...SOURCE }));
      pushes.push(pushTestStream({ url: `rtmp://127.0.0.1:${nginx.port}/live/on-nginx?vhost=${DOMAIN}`, ...SOURCE }));
      await waitFor(
        async () => (await newestSnapshotAt("on-embedded")) > 0 && (await newestSnapshotAt("on-nginx")) > 0,
        60_000,
        "a snapshot of each stream before the crash",
      );
      const before = await streams();
      expect(before.map(({ streamName, status }) => ({ streamName, status })).sort((a, b) => a.streamName.localeCompare(b.streamName))).toEqual([
        { streamName: "on-embedded", status: "LIVE" },
        { streamName: "on-nginx", status: "LIVE" },
      ]);

      await first.kill9();
      const killedAt = Date.now();
      second = await start();
      const readyAt = Date.now();
      // Well within the 60 s lease the killed process held them for.
      const settled: { embeddedEnded?: number; hookedSnapshot?: number } = {};
      await waitFor(
        async () => {
          const now = await streams();
          const hooked = now.filter((s) => s.streamName === "on-nginx");
          expect(hooked.map((s) => s.status)).toEqual(["LIVE"]);
          if (settled.embeddedEnded === undefined && now.find((s) => s.streamName === "on-embedded")?.status === "ENDED") {
            settled.embeddedEnded = Date.now() - readyAt;
          }
          if (settled.hookedSnapshot === undefined && (await newestSnapshotAt("on-nginx")) > killedAt) {
            settled.hookedSnapshot = Date.now() - readyAt;
          }
          return settled.embeddedEnded !== undefined && settled.hookedSnapshot !== undefined;
        },
        10_000,
        "embedded stream ended and hooked stream captured again",
      );
      console.info(
        `restart: ready ${readyAt - killedAt} ms after the kill; after ready, embedded ENDED within ${settled.embeddedEnded} ms, ` +
          `a new snapshot of the hooked stream within ${settled.hookedSnapshot} ms`,
      );
      // The same publish of the hooked stream goes on: no second row was opened for it.
      expect((await streams()).find((s) => s.streamName === "on-nginx")!.id).toBe(before.find((s) => s.streamName === "on-nginx")!.id);
      expect(second.output()).toContain("settling streams a gone process left live");
    } catch (error) {
      throw new Error(`${String(error)}\n--- first process ---\n${first.output().slice(-6000)}\n--- restarted process ---\n${second?.output().slice(-6000)}`);
    }
  }, 180_000);
});
