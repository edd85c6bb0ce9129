import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/catalog.js";
import { compareDiagnostics, type Diagnostic } from "../../src/diagnostics/diagnostic.js";
import type { TopologyInput } from "../../src/spec/schema/topology.js";
import type { CheckContext } from "../../src/spec/semantic/context.js";
import { duplicateCheck } from "../../src/spec/semantic/duplicates.js";
import { limitCheck } from "../../src/spec/semantic/limits.js";
import { controlCharacterCheck, nameCheck, reservedKeyCheck } from "../../src/spec/semantic/names.js";
import { checkSpecNodes, type NodeCheck, walkSpec } from "../../src/spec/semantic/walk.js";
import { nestedValues } from "../properties/nested-values.js";

const CHECKS = [controlCharacterCheck, reservedKeyCheck, nameCheck, duplicateCheck, limitCheck];
const catalog = buildCatalog();

function contextOf(root: unknown, found: Diagnostic[]): CheckContext {
  return {
    topology: root as TopologyInput,
    catalog,
    report: (d) => found.push({ severity: "error", ...d }),
  };
}

/** The plain way: each check walks the spec on its own and stops where it throws. */
function eachAlone(root: unknown): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const make of CHECKS) {
    const check: NodeCheck = make(contextOf(root, found));
    try {
      for (const node of walkSpec(root)) check.visit(node);
      check.finish?.();
    } catch {
      // stops here, as a check in validateTopology's `safely` does
    }
  }
  return found.sort(compareDiagnostics);
}

function oneWalk(root: unknown): Diagnostic[] {
  const found: Diagnostic[] = [];
  const context = contextOf(root, found);
  checkSpecNodes(
    root,
    CHECKS.map((make) => make(context)),
  );
  return found.sort(compareDiagnostics);
}

/** A value whose property throws when read: the walk stops at it. */
const throwingGetter = fc.constant(null).map(() =>
  Object.defineProperty({}, "boom", {
    enumerable: true,
    get() {
      throw new Error("boom");
    },
  }),
);
/** A value that throws when made a string: the duplicate check stops at it, the others go on. */
const throwingString = fc.constant(null).map(() => ({
  between: [
    {
      toString() {
        throw new Error("no string");
      },
    },
  ],
}));

const leaf = fc.oneof(
  fc.constantFrom("eu-west-1", "Bad Name", "a\u001b[31mb", "x\ny", "@weekly", "ghcr.io/a:1", "", 3, 1e12, -1),
  fc.integer({ min: 0, max: 300 }),
  fc.string({ maxLength: 3 }),
);
const key = fc.constantFrom(
  "services",
  "datastores",
  "streams",
  "network",
  "links",
  "calls",
  "to",
  "deploy",
  "args",
  "env",
  "image",
  "namespace",
  "zones",
  "regions",
  "replicas",
  "constructor",
  "description",
  "a",
  "b",
);
const spec = fc.record({
  services: fc.dictionary(fc.constantFrom("api", "db", "Web", "x"), nestedValues(leaf, key), { maxKeys: 3 }),
  datastores: fc.dictionary(fc.constantFrom("db", "kv"), nestedValues(leaf, key), { maxKeys: 2 }),
  network: fc.record({
    links: fc.array(fc.oneof(nestedValues(leaf, key), throwingString), { maxLength: 3 }),
  }),
  regions: nestedValues(leaf, key),
  extra: fc.oneof(leaf, throwingGetter),
});

describe("node checks in one walk", () => {
  it("report what each check reports walking alone, throwing values included", () => {
    fc.assert(
      fc.property(spec, (root) => {
        expect(oneWalk(root)).toEqual(eachAlone(root));
      }),
      { numRuns: 3000 },
    );
  });
});
