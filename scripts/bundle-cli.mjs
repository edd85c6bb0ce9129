// Bundles the CLI into dist/cli/main.mjs (run by `npm run build` after tsc). One file instead of ~150
// modules cuts the cold start of `topoplan check` by about a sixth. Heavy or optional packages stay
// external and load only on the paths that need them: esbuild (TypeScript specs, required at run
// time by src/spec/load/compile.ts), typescript (SARIF locations), Pulumi, the Grafana SDK
// (render), ajv's runtime (the precompiled validator needs it).
import { build } from "esbuild";

await build({
  // heap.ts alone: bin/topoplan.js reads it before it loads the CLI (src/cli/heap.ts).
  entryPoints: ["src/cli/main.ts", "src/cli/heap.ts"],
  // Commands stay in their own chunks, loaded when run: `check` does not parse `render`'s code.
  outdir: "dist/cli",
  splitting: true,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: false,
  external: [
    "esbuild",
    "tsx",
    "tsx/*",
    "typescript",
    "@pulumi/*",
    "@grafana/*",
    "ajv",
    "ajv/*",
    "kubernetes-models",
    "@kubernetes-models/*",
    // Pictures: a native rasteriser and Natural Earth's land as JSON, loaded only by --format svg|png.
    "@resvg/*",
    "world-atlas",
    "world-atlas/*",
  ],
  // Bundled CommonJS dependencies call require(); give the ES module one.
  banner: {
    js: 'import { createRequire as __topoplanRequire } from "node:module";\nconst require = __topoplanRequire(import.meta.url);',
  },
  logLevel: "warning",
});
