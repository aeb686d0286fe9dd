import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS and ESM without an exports map: Node (and so yoga and Pothos) loads
    // the CJS build, Vite would pick the ESM one for our files. One copy keeps instanceof and
    // schema realm checks true, exactly as under `npm start`.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end files run ffmpeg and media servers; two cores are shared between them.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
