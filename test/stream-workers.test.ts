import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";
import { generateInstanceId, isValidInstanceId, newRunOwner } from "../src/domain/workers";
import { INSTANCE_ID_FILE, loadOrCreateInstanceId } from "../src/pipeline/instance-id";

describe("worker ids", () => {
  it("are <instance>/<run>, a new run id for every start of the same instance", () => {
    const a = newRunOwner("edge-1");
    const b = newRunOwner("edge-1");
    expect(a.instanceId).toBe("edge-1");
    expect(a.workerId).toMatch(/^edge-1\/[0-9a-f]{8}$/);
    expect(b.workerId).not.toBe(a.workerId);
    expect(newRunOwner("edge-1", "r1")).toEqual({ instanceId: "edge-1", workerId: "edge-1/r1" });
  });

  it("accept instance ids of letters, digits, '.', '_' and '-' only, so '/' always ends the instance", () => {
    for (const ok of ["a", "edge-1", "host.example_2", "A".repeat(64), generateInstanceId()]) expect(isValidInstanceId(ok)).toBe(true);
    for (const bad of ["", "a/b", "-lead", ".hidden", "A".repeat(65), "sp ace", "é", "a%"]) expect(isValidInstanceId(bad)).toBe(false);
    expect(() => newRunOwner("a/b")).toThrow(/instance id "a\/b" must be/);
  });

  it("INSTANCE_ID is checked with the other variables", () => {
    expect(loadConfig({ INSTANCE_ID: "edge-1" }).instanceId).toBe("edge-1");
    expect(loadConfig({}).instanceId).toBeUndefined();
    let error: unknown;
    try {
      loadConfig({ INSTANCE_ID: "edge/1", PORT: "http" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(":")[0]).sort()).toEqual(["INSTANCE_ID", "PORT"]);
  });
});

describe("the instance id kept in DATA_DIR", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), "livesnap-instance-")), "data");
  });
  afterEach(() => rm(join(dataDir, ".."), { recursive: true, force: true }));

  it("is created once and read back on every later start, also when several start at once", async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateInstanceId(dataDir)));
    expect(new Set(ids).size).toBe(1);
    expect(isValidInstanceId(ids[0]!)).toBe(true);
    expect((await readFile(join(dataDir, INSTANCE_ID_FILE), "utf8")).trim()).toBe(ids[0]);
    expect(await loadOrCreateInstanceId(dataDir)).toBe(ids[0]);
  });

  it("refuses a file that does not hold a valid id, naming the file and the fix, and leaves it alone", async () => {
    await loadOrCreateInstanceId(dataDir);
    const file = join(dataDir, INSTANCE_ID_FILE);
    await writeFile(file, "not/valid\n");
    await expect(loadOrCreateInstanceId(dataDir)).rejects.toThrow(`instance id file ${file} must hold`);
    await expect(loadOrCreateInstanceId(dataDir)).rejects.toThrow(/delete it to get a new id/);
    expect(await readFile(file, "utf8")).toBe("not/valid\n");
  });
});
