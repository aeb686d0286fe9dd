import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_WORKER_SOURCE = fileURLToPath(new URL("./decode-worker.ts", import.meta.url));

/**
 * Bundles a worker's TypeScript source into one plain .mjs file, so the worker starts with bare
 * `node`: under `--import tsx` each worker carries tsx's loader and its own esbuild service
 * process, ~41 MiB more RSS and ~0.5 s more start time (BENCHMARKS.md, "Decoders compared").
 * esbuild is tsx's own dependency, resolved from there. Packages stay external, imported by
 * absolute path because the bundle lives in the temp directory.
 */
export async function buildWorkerEntry(source = DEFAULT_WORKER_SOURCE): Promise<string> {
  const fromHere = createRequire(import.meta.url);
  const esbuild = createRequire(fromHere.resolve("tsx"))("esbuild") as typeof import("esbuild");
  const result = await esbuild.build({
    entryPoints: [source],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "packages-by-absolute-path",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith("node:") ? { path: args.path, external: true } : { path: fromHere.resolve(args.path), external: true },
          );
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error(`bundling ${source} gave no output`);
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const file = join(tmpdir(), `livesnap-decode-worker-${hash}.mjs`);
  if (!existsSync(file) || !readFileSync(file).equals(code)) {
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return file;
}
