import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** `npm start` split into its words, as package.json has it (`node [flags...] src/main.ts`). */
export function npmStartCommand(): string[] {
  const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter(Boolean);
}

/** The node flags of `npm start`, so that a bench's own server runs under the same ones. */
export function npmStartNodeFlags(): string[] {
  const words = npmStartCommand();
  return words.slice(1, -1);
}
