import { defineConfig } from "vitest/config";

export default defineConfig({
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
