import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (file: string) => readFileSync(new URL(`../../policies/${file}`, import.meta.url), "utf8");
const ENTRY = ["index.cjs", "crossguard.ts", "crossguard-policies.ts"];

/** Module specifiers of `import … from "x"`, `import("x")` and `require("x")`. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/(?:from\s+|import\(\s*|require\(\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
}

describe("the CrossGuard pack as a package of its own", () => {
  it("imports nothing outside its folder: packages and its own files only", () => {
    for (const file of ENTRY) {
      for (const specifier of specifiers(read(file))) {
        expect(specifier.startsWith("../"), `${file} imports ${specifier}`).toBe(false);
        if (specifier.startsWith("./"))
          expect(ENTRY.map((f) => `./${f.replace(/\.ts$/, ".js")}`).concat(["./crossguard.ts"])).toContain(
            specifier,
          );
      }
    }
  });

  it("declares every package its entry imports", () => {
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string>; main: string };
    expect(pkg.main).toBe("index.cjs");
    const packages = ENTRY.flatMap((f) => specifiers(read(f)))
      .filter((s) => !s.startsWith(".") && !s.startsWith("node:"))
      .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!));
    for (const name of new Set(packages)) expect(Object.keys(pkg.dependencies), name).toContain(name);
  });
});
