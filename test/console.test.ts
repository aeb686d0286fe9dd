import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotsTable } from "../src/db/schema";
import { startTestApp, type TestApp } from "./support/app";
import { ensureConsoleBuilt } from "./support/console-build";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { freePort } from "./support/ports";

const ARTIFACTS = path.resolve(import.meta.dirname, "artifacts");
const INTERVAL_S = 5;
const FPS = 25;
const GOP_S = 1;
/** How long the UI may take to show what the API answered, on a loaded machine. */
const UI = { timeout: 10_000 };

/** Chromium as Debian ships it, headless, in a profile of its own, with nothing phoning home. */
async function launch(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 860 },
    locale: "en-US",
    timezoneId: "UTC",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

describe("web console", () => {
  let t: TestApp;
  let context: BrowserContext;
  let profile: string;
  const pushes: Push[] = [];
  let admin: Page;
  const requested: string[] = [];
  const problems: string[] = [];
  let adminToken: string;
  let readerToken: string;
  let otherToken: string;

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  async function signedIn(token: string): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("dialog", (d) => void d.accept());
    await page.goto(`${t.app.url}/`);
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Live", level: 1 }).waitFor();
    return page;
  }

  beforeAll(async () => {
    await ensureConsoleBuilt();
    await mkdir(ARTIFACTS, { recursive: true });
    t = await startTestApp({ RTMP_PORT: String(await freePort()) }, { captureTunables: {} });
    adminToken = await t.token("alice");
    readerToken = await t.token("alice", "READER");
    otherToken = await t.token("bob");
    profile = await mkdtemp(path.join(tmpdir(), "livesnap-chromium-"));
    context = await launch(profile);
    context.on("request", (r) => requested.push(r.url()));
    context.on("page", (p) => p.on("websocket", (ws) => requested.push(ws.url())));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await context?.close();
    await t?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("signs in with a token and out again", async () => {
    const page = await context.newPage();
    await page.goto(`${t.app.url}/`);
    expect(new URL(page.url()).pathname).toBe("/console/");
    await page.getByLabel("API token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent(), UI).toContain("UNAUTHENTICATED");
    await page.getByLabel("API token").fill(adminToken);
    await shot(page, "sign-in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Live", level: 1 }).waitFor();
    expect(await page.locator(".who").textContent()).toContain("ADMIN");
    await page.reload();
    await page.getByRole("heading", { name: "Live", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API token").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });

  it("creates a domain group, a template and a binding, with the API's field errors beside their fields", async () => {
    admin = await signedIn(adminToken);
    await expect.poll(() => admin.locator(".empty").textContent(), UI).toContain("no domain group yet");

    await admin.goto(`${t.app.url}/console/#/domains`);
    await admin.getByLabel("Push domain").fill("localhost");
    await admin.getByLabel("Play domain").fill("play.example.com");
    await admin.getByRole("button", { name: "Create domain group" }).click();
    const card = admin.getByRole("article", { name: "Domain group localhost" });
    await card.waitFor();
    expect(await card.locator('[data-copy="SourceID"]').textContent()).toMatch(/\S{8,}/);
    expect(await card.textContent()).toContain("push auth REQUIRED");

    await admin.goto(`${t.app.url}/console/#/templates`);
    await admin.getByRole("button", { name: "New template" }).click();
    await admin.getByLabel("Name").fill("thumbs");
    await admin.getByLabel("Interval (s)").fill("2");
    await admin.getByLabel("Width (px)").fill("320");
    await admin.getByLabel("Storage mode").selectOption("SEQUENCE");
    await admin.getByRole("button", { name: "Create template" }).click();
    const intervalField = admin.locator(".field", { has: admin.getByLabel("Interval (s)") });
    await expect.poll(() => intervalField.locator(".field-error").textContent(), UI).toMatch(/interval/i);
    await shot(admin, "template-field-error");
    await admin.getByLabel("Interval (s)").fill(String(INTERVAL_S));
    await admin.getByRole("button", { name: "Create template" }).click();
    await admin.getByRole("cell", { name: "thumbs", exact: true }).waitFor();

    await admin.goto(`${t.app.url}/console/#/bindings`);
    await admin.getByRole("button", { name: "Bind template" }).click();
    const row = admin.getByRole("table", { name: "Bindings" }).locator("tbody tr").first();
    await row.waitFor();
    expect((await row.locator("td").allTextContents()).slice(0, 5)).toEqual(["localhost", "ALL", "ALL", "thumbs", "DOMAIN"]);
    await admin.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(() => admin.getByRole("status").filter({ hasText: "applies" }).textContent(), UI).toMatch(/thumbs.*DOMAIN/);
    await shot(admin, "bindings");

    await admin.goto(`${t.app.url}/console/#/templates`);
    await admin.getByRole("button", { name: "Delete thumbs" }).click();
    await expect.poll(() => admin.getByRole("alert").first().textContent(), UI).toContain("CONFLICT");
  });

  it("switches push auth, rotates the key, and shows why a domain group in use cannot be deleted", async () => {
    await admin.goto(`${t.app.url}/console/#/domains`);
    const card = admin.getByRole("article", { name: "Domain group localhost" });
    await card.getByRole("button", { name: "Turn push auth off" }).click();
    await expect.poll(() => card.locator(".badge").textContent(), UI).toBe("push auth OFF");
    await card.getByRole("button", { name: "Require push auth" }).click();
    await expect.poll(() => card.locator(".badge").textContent(), UI).toBe("push auth REQUIRED");

    const primary = await card.locator('[data-copy="primary key"]').textContent();
    await card.getByRole("button", { name: "Rotate key" }).click();
    await expect.poll(() => card.locator('[data-copy="backup key"]').textContent(), UI).toBe(primary);
    expect(await card.locator('[data-copy="primary key"]').textContent()).not.toBe(primary);

    await card.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => card.getByRole("alert").textContent(), UI).toContain("CONFLICT");
    expect(await admin.getByRole("article", { name: "Domain group localhost" }).count()).toBe(1);
  });

  it("shows a stream pushed to the URL it hands out on the live wall within interval + GOP + 3 s, and its next image", async () => {
    await admin.goto(`${t.app.url}/console/#/live`);
    await admin.getByRole("button", { name: "Get push URL" }).click();
    const url = (await admin.locator('[data-copy="push URL"]').textContent())!;
    expect(url).toMatch(/^rtmp:\/\/localhost:\d+\/live\/cam1\?auth_key=/);
    await shot(admin, "live-empty");

    const pushedAt = Date.now();
    pushes.push(pushTestStream({ url, fps: FPS, gop: FPS * GOP_S }));
    const image = admin.locator('[data-stream="localhost/live/cam1"] img');
    await image.waitFor({ timeout: (INTERVAL_S + GOP_S + 3) * 1000 + 15_000 });
    const firstSeen = Date.now() - pushedAt;
    expect(firstSeen, `first image after ${firstSeen} ms`).toBeLessThanOrEqual((INTERVAL_S + GOP_S + 3) * 1000);
    const scheduled = await image.getAttribute("data-snapshot-id");
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), UI).toBe(320);

    // "Capture now" replaces the image at once, well before the next interval.
    const captureNow = admin.getByRole("button", { name: "Capture localhost/live/cam1 now" });
    const capturedAt = Date.now();
    await captureNow.click();
    await expect.poll(() => image.getAttribute("data-snapshot-id"), { timeout: 3_000 }).not.toBe(scheduled);
    expect(Date.now() - capturedAt).toBeLessThan(INTERVAL_S * 1000);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), UI).toBe(320);
    const first = await image.getAttribute("data-snapshot-id");

    await expect
      .poll(() => image.getAttribute("data-snapshot-id"), { timeout: (INTERVAL_S + GOP_S + 3) * 1000 })
      .not.toBe(first);
    const tile = admin.locator('[data-stream="localhost/live/cam1"]');
    expect(await tile.textContent()).toContain("thumbs · every 5 s");
    const age = await tile.locator(".age").textContent();
    await expect.poll(() => tile.locator(".age").textContent(), UI).not.toBe(age);

    await admin.goto(`${t.app.url}/console/#/domains`);
    await admin.getByLabel("App").fill("studio");
    await admin.getByLabel("Stream").fill("lobby");
    await admin.getByRole("button", { name: "Get push URL" }).click();
    await expect.poll(() => admin.locator('[data-copy="push URL"]').textContent(), UI).toContain("/studio/lobby?auth_key=");
    pushes.push(pushTestStream({ url: (await admin.locator('[data-copy="push URL"]').textContent())!, fps: FPS, gop: FPS * GOP_S, width: 480, height: 270 }));
    await admin.goto(`${t.app.url}/console/#/live`);
    await admin.locator('[data-stream="localhost/studio/lobby"] img').waitFor({ timeout: (INTERVAL_S + GOP_S + 3) * 1000 + 15_000 });
    await expect.poll(() => admin.getByRole("list", { name: "Live streams" }).getByRole("listitem").count(), UI).toBe(2);
    await shot(admin, "live");
  }, 90_000);

  it("opens the newest image with its key, size, bytes and capture time, then lists the stream's snapshots", async () => {
    await admin.getByRole("button", { name: "Open the newest snapshot of localhost/live/cam1" }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.locator(".snapshot-key").textContent()).toMatch(/^snapshot\/\d{8}\/[^/]+\/live\/cam1\/\d{13}\.jpg$/);
    expect(await dialog.locator(".snapshot-size").textContent()).toBe("320 × 180 JPG");
    expect(await dialog.getByRole("link", { name: "Download" }).getAttribute("download")).toMatch(/^\d{13}\.jpg$/);
    const download = await fetch((await dialog.getByRole("link", { name: "Download" }).getAttribute("href"))!);
    expect(download.headers.get("content-type")).toBe("image/jpeg");
    await shot(admin, "snapshot");

    await dialog.getByRole("link", { name: "All snapshots of this stream" }).click();
    await admin.getByRole("heading", { name: "Snapshots", level: 1 }).waitFor();
    const thumbs = admin.getByRole("list", { name: "Snapshots" }).getByRole("button");
    await expect.poll(() => thumbs.count(), UI).toBeGreaterThanOrEqual(2);
    const times = await thumbs.evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")));
    expect(times[0]).toContain("live/cam1");
    await shot(admin, "snapshots");

    await admin.getByLabel("From").fill("2001-01-01T00:00:00");
    await admin.getByLabel("To").fill("2001-01-02T00:00:00");
    await admin.getByRole("button", { name: "Show snapshots" }).click();
    await admin.getByText("No snapshot matches").waitFor();
  });

  it("pages through a long history as the list scrolls, newest first", async () => {
    const [real] = await t.app.database.db.select().from(snapshotsTable).limit(1);
    const image = Buffer.from(await (await fetch((await t.app.store.signedGetUrl(real!.bucket, real!.key, 60)).url)).arrayBuffer());
    const start = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < 30; i++) {
      const key = `snapshot/20260101/${real!.sourceId}/archive/day1/${start + i * 5000}.jpg`;
      await t.app.store.put({ bucket: real!.bucket, key, body: image, contentType: "image/jpeg" });
      await t.app.database.db.insert(snapshotsTable).values({
        ...real!,
        id: undefined,
        liveStreamId: null,
        appName: "archive",
        streamName: "day1",
        key,
        capturedAt: new Date(start + i * 5000),
      });
    }
    await admin.goto(`${t.app.url}/console/#/snapshots?domain=localhost&app=archive&stream=day1`);
    const thumbs = admin.getByRole("list", { name: "Snapshots" }).getByRole("button");
    await expect.poll(() => thumbs.count(), UI).toBe(24);
    const labels = await thumbs.evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")));
    expect(labels[0]).toContain(new Date(start + 29 * 5000).toLocaleString("en-US", { timeZone: "UTC" }));
    await admin.locator(".list-end").scrollIntoViewIfNeeded();
    await expect.poll(() => thumbs.count(), UI).toBe(30);
    await expect.poll(() => admin.locator(".list-end").textContent(), UI).toBe("30 snapshots, no more");
  });

  it("gives a READER token no way to change anything, and the API refuses it when forced", async () => {
    const page = await signedIn(readerToken);
    expect(await page.locator(".who").textContent()).toContain("READER");
    await page.locator('[data-stream="localhost/live/cam1"] img').waitFor();
    expect(await page.getByRole("button", { name: "Capture localhost/live/cam1 now" }).count()).toBe(0);
    await page.goto(`${t.app.url}/console/#/domains`);
    const card = page.getByRole("article", { name: "Domain group localhost" });
    await card.waitFor();
    for (const name of ["Turn push auth off", "Rotate key", "Delete"]) {
      const button = card.getByRole("button", { name });
      expect(await button.isDisabled(), name).toBe(true);
      expect(await button.getAttribute("title")).toContain("READER");
    }
    expect(await page.getByRole("form", { name: "Create a domain group" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Get push URL" }).isDisabled()).toBe(true);
    expect(await card.textContent()).not.toContain("Primary key");
    await shot(page, "reader-domains");
    await page.goto(`${t.app.url}/console/#/templates`);
    expect(await page.getByRole("button", { name: "New template" }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Delete thumbs" }).isDisabled()).toBe(true);

    const forced = await page.evaluate(async (token) => {
      const response = await fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'mutation { createDomainGroup(input: { pushDomain: "r.example.com", playDomain: "p.example.com" }) { id } }' }),
      });
      return (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    }, readerToken);
    expect(forced.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await page.close();
  });

  it("shows another account's token none of it", async () => {
    const page = await signedIn(otherToken);
    await page.getByText("Nothing live, and no domain group yet").waitFor();
    await page.goto(`${t.app.url}/console/#/bindings`);
    await page.getByText("Nothing to bind yet").waitFor();
    await page.getByText("No binding yet").waitFor();
    await page.goto(`${t.app.url}/console/#/templates`);
    await page.getByText("No template yet").waitFor();
    await page.goto(`${t.app.url}/console/#/snapshots?domain=localhost`);
    await page.getByText("No snapshot matches").waitFor();
    await page.close();
  });

  it("fits a 390 px wide phone and is usable from the keyboard", async () => {
    const page = await signedIn(adminToken);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-stream="localhost/live/cam1"] img').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "live-phone");
    await page.goto(`${t.app.url}/console/#/domains`);
    await page.getByRole("article", { name: "Domain group localhost" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "domains-phone");

    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { text: el.textContent, shadow: getComputedStyle(el).boxShadow };
    });
    expect(focused.text).toBe("Live");
    expect(focused.shadow).not.toBe("none");
    await page.close();
  });

  it("sent every request to 127.0.0.1 and broke no content security rule", () => {
    expect(requested.length).toBeGreaterThan(20);
    expect(requested.some((u) => u.startsWith("ws://127.0.0.1:"))).toBe(true);
    for (const u of requested) expect(new URL(u).hostname, u).toBe("127.0.0.1");
    expect(problems.filter((p) => /Content Security Policy|Refused/.test(p))).toEqual([]);
  });
});
