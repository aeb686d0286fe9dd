import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_SOCKET_FILE } from "../src/admin/admin-socket";
import { openDatabase } from "../src/db/client";
import { LOCK_FILE } from "../src/db/data-dir-lock";
import { apiTokensTable } from "../src/db/schema";
import { INITIAL_ADMIN_TOKEN_FILE } from "../src/initial-admin-token";
import { runCli, startLivesnap, stopLivesnap, type Livesnap } from "./support/livesnap-process";

const STARTED = /"msg":"livesnap started"/;
const START_MS = 120_000;

async function graphql(url: string, token: string, query: string): Promise<{ data?: unknown; errors?: { message: string }[] }> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: unknown; errors?: { message: string }[] };
}

/** Every entry under dir with its size, mtime and content hash (sockets by name only). */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    const info = await lstat(file);
    out[entry] = info.isFile()
      ? `${info.size} ${info.mtimeMs} ${createHash("sha256").update(await readFile(file)).digest("hex")}`
      : info.isSocket()
        ? "socket"
        : "dir";
  }
  return out;
}

async function cliToken(env: Record<string, string>, account: string): Promise<string> {
  const cli = runCli(["token", "create", "--account", account, "--role", "admin"], env);
  const code = await cli.exited;
  expect(code, cli.output()).toBe(0);
  const token = cli.output().trim();
  expect(token).toMatch(/^lsk_[A-Za-z0-9_-]{43}$/);
  return token;
}

/** One raw exchange on the admin socket, as anything else on the machine could send it. */
function rawExchange(socketPath: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
    socket.on("connect", () => socket.write(payload));
  });
}

describe("one livesnap per data directory, the CLI beside it, the first token", () => {
  let dataDir: string;
  let env: Record<string, string>;
  let first: Livesnap | undefined;
  let initialToken = "";
  let tokenMadeWhileStopped = "";

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-datadir-"));
    env = { DATA_DIR: dataDir };
  });
  afterAll(async () => {
    if (first) await stopLivesnap(first, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("on the first start writes an operator token to DATA_DIR/initial-admin-token (0600) and says so in one line", async () => {
    first = await startLivesnap(env);
    await first.line(STARTED, START_MS);
    const file = path.join(dataDir, INITIAL_ADMIN_TOKEN_FILE);
    const lines = first.output().split("\n").filter((l) => l.includes(INITIAL_ADMIN_TOKEN_FILE));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toContain(`${first.url}/graphql`);
    expect(lines[0]).toContain("Authorization");
    expect((await lstat(file)).mode & 0o777).toBe(0o600);
    initialToken = (await readFile(file, "utf8")).trim();
    expect(first.output()).not.toContain(initialToken);
    const created = await graphql(first.url, initialToken, `mutation { createAccount(name: "made-by-initial") { name } }`);
    expect(created).toEqual({ data: { createAccount: { name: "made-by-initial" } } });
  }, START_MS + 30_000);

  it("refuses a second process on the same DATA_DIR at once, in one line, touching nothing; the first keeps serving", async () => {
    const before = await tree(dataDir);
    const second = await startLivesnap(env);
    expect(await second.exited).toBe(1);
    const lines = second.output().split("\n").filter((l) => l.includes("in use by another livesnap process"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`pid ${first!.child.pid}`);
    expect(lines[0]).toContain(dataDir);
    expect(second.output()).not.toContain("livesnap started");
    expect(await tree(dataDir)).toEqual(before);
    expect(await graphql(first!.url, initialToken, "{ domainGroups(first: 1) { edges { cursor } } }")).toEqual({
      data: { domainGroups: { edges: [] } },
    });
  }, 60_000);

  it("lets the CLI create a working token through the running server's admin socket, mode 0600", async () => {
    const socketPath = path.join(dataDir, ADMIN_SOCKET_FILE);
    const info = await lstat(socketPath);
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o777).toBe(0o600);
    const token = await cliToken(env, "cli-while-running");
    const answer = await graphql(first!.url, token, `mutation { createDomainGroup(input: { pushDomain: "running.example.com", playDomain: "play.running.example.com" }) { pushDomain } }`);
    expect(answer).toEqual({ data: { createDomainGroup: { pushDomain: "running.example.com" } } });
  }, 60_000);

  it("answers anything but the CLI's one-line request with an error and creates nothing", async () => {
    const socketPath = path.join(dataDir, ADMIN_SOCKET_FILE);
    expect(JSON.parse(await rawExchange(socketPath, "not json\n"))).toEqual({ ok: false, error: "request is not JSON" });
    const tooLarge = JSON.parse(await rawExchange(socketPath, "x".repeat(5_000)));
    expect(tooLarge).toEqual({ ok: false, error: "request larger than 1024 bytes" });
    const extra = JSON.parse(await rawExchange(socketPath, `${JSON.stringify({ command: "token.create", account: "x", role: "ADMIN", operator: true, sql: "drop" })}\n`));
    expect(extra.ok).toBe(false);
    expect(extra.error).toContain("sql");
    const badName = runCli(["token", "create", "--account", "no spaces", "--role", "admin"], env);
    expect(await badName.exited).toBe(1);
    expect(badName.output()).toContain("account name must be");
  }, 60_000);

  it("removes the socket on stop, and the CLI then works on the database itself", async () => {
    expect(await stopLivesnap(first!)).toBe(0);
    first = undefined;
    expect(existsSync(path.join(dataDir, ADMIN_SOCKET_FILE))).toBe(false);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    tokenMadeWhileStopped = await cliToken(env, "cli-while-stopped");
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  }, 90_000);

  it("does not make another first token on a later start; the token made while stopped works", async () => {
    const tokenFile = await readFile(path.join(dataDir, INITIAL_ADMIN_TOKEN_FILE), "utf8");
    first = await startLivesnap(env);
    await first.line(STARTED, START_MS);
    expect(first.output()).not.toContain(INITIAL_ADMIN_TOKEN_FILE);
    expect(await readFile(path.join(dataDir, INITIAL_ADMIN_TOKEN_FILE), "utf8")).toBe(tokenFile);
    expect(await graphql(first.url, tokenMadeWhileStopped, "{ domainGroups(first: 1) { edges { cursor } } }")).toEqual({
      data: { domainGroups: { edges: [] } },
    });
  }, START_MS + 30_000);

  it("is not blocked by the lock and socket of an owner killed with SIGKILL", async () => {
    expect(await stopLivesnap(first!, "SIGKILL")).toBeNull();
    first = undefined;
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    expect(existsSync(path.join(dataDir, ADMIN_SOCKET_FILE))).toBe(true);
    first = await startLivesnap(env);
    await first.line(STARTED, START_MS);
    const token = await cliToken(env, "cli-after-kill");
    expect(await graphql(first.url, token, "{ domainGroups(first: 1) { edges { cursor } } }")).toEqual({ data: { domainGroups: { edges: [] } } });
    expect(await stopLivesnap(first)).toBe(0);
    first = undefined;
  }, START_MS + 60_000);

  it("holds exactly the tokens made: one first token and the CLI's three", async () => {
    const handle = await openDatabase({ dataDir });
    try {
      const rows = await handle.db.select({ operator: apiTokensTable.operator }).from(apiTokensTable);
      expect(rows.map((r) => r.operator).sort()).toEqual([false, false, false, true]);
    } finally {
      await handle.close();
    }
  }, 60_000);
});

describe("with BOOTSTRAP_ADMIN_TOKEN", () => {
  let dataDir: string;
  let run: Livesnap | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-bootstrap-"));
  });
  afterAll(async () => {
    if (run) await stopLivesnap(run, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("writes no initial token file and prints no such line", async () => {
    const bootstrap = "bootstrap-token-for-the-test-0123456789";
    run = await startLivesnap({ DATA_DIR: dataDir, BOOTSTRAP_ADMIN_TOKEN: bootstrap });
    await run.line(STARTED, START_MS);
    expect(existsSync(path.join(dataDir, INITIAL_ADMIN_TOKEN_FILE))).toBe(false);
    expect(run.output()).not.toContain(INITIAL_ADMIN_TOKEN_FILE);
    expect(await graphql(run.url, bootstrap, `mutation { createAccount(name: "by-bootstrap") { name } }`)).toEqual({
      data: { createAccount: { name: "by-bootstrap" } },
    });
    expect(await stopLivesnap(run)).toBe(0);
    run = undefined;
  }, START_MS + 30_000);
});
