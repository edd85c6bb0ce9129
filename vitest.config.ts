import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI end-to-end tests spawn node; give them room on 2-core CI machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
