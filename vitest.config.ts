import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The CrossGuard pack imports topoplan's public API by its package name (tsconfig paths too).
  resolve: { alias: { "topoplan/api": fileURLToPath(new URL("./src/api.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI end-to-end tests spawn node; give them room on 2-core CI machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
