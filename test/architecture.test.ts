import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/** Top-level folders of src/ that a file imports at run time (type-only imports are free). */
function importedLayers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const layers = new Set<string>();
  for (const match of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(\.[^"]+)"/gm)) {
    const target = path.relative(SRC, path.resolve(path.dirname(file), match[1]!));
    layers.add(target.split(path.sep)[0]!);
  }
  return [...layers];
}

const forbidden: Record<string, string[]> = {
  db: ["domain", "graphql", "capture", "ingest", "storage", "events", "pipeline", "app"],
  domain: ["graphql", "capture", "ingest", "storage", "events", "pipeline", "app"],
  graphql: ["capture", "ingest", "storage", "pipeline", "app"],
  capture: ["graphql", "ingest", "storage", "pipeline", "app"],
  ingest: ["graphql", "capture", "storage", "pipeline", "app"],
  storage: ["graphql", "capture", "ingest", "pipeline", "app"],
  events: ["graphql", "capture", "ingest", "storage", "pipeline", "app"],
  callbacks: ["graphql", "capture", "ingest", "storage", "events", "pipeline", "app"],
  // Media (tags, RTMP, frames, scheduling) and the decoder pool know no service and no database.
  media: ["db", "domain", "graphql", "capture", "ingest", "storage", "events", "pipeline", "decode", "app"],
  decode: ["db", "domain", "graphql", "capture", "ingest", "storage", "events", "pipeline", "app"],
};

describe("import boundaries", () => {
  it("run one way: graphql → domain → db, services only meet in app.ts and pipeline/", () => {
    const violations: string[] = [];
    for (const file of files(SRC)) {
      const layer = path.relative(SRC, file).split(path.sep)[0]!;
      for (const imported of importedLayers(file)) {
        if (forbidden[layer]?.includes(imported)) violations.push(`${path.relative(SRC, file)} imports ${imported}/`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("leaves process.env to src/config.ts: entry points only hand it to loadConfig", () => {
    const readers = files(SRC)
      .filter((f) => !f.endsWith(`${path.sep}config.ts`))
      .filter((f) => /process\.env(?!\))/.test(readFileSync(f, "utf8").replace(/loadConfig\(process\.env\)/g, "")));
    expect(readers.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
