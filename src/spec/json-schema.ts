import { z } from "zod";
import { EXTENSION_KEY, Topology } from "./schema/topology.js";

/** The JSON Schema of the v1 spec, derived from the zod schema (input side: defaults are optional). */
export function topologyJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(Topology, {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "any",
  });
  return {
    $schema,
    $id: "https://topoplan.dev/schema/topology.schema.json",
    $comment:
      "GENERATED from topoplan's zod spec (src/spec/schema) — do not edit by hand; regenerate with `npm run schema` (or `topoplan schema`).",
    ...schema,
    // Extension fields (src/spec/schema/topology.ts): zod sees the spec without them.
    patternProperties: {
      [EXTENSION_KEY.source]: {
        description:
          "Extension field, ignored by topoplan: a place for YAML anchors (`x-defaults: &defaults`) or other tools' data.",
      },
    },
  };
}

/** The schema as published (schema/topology.schema.json, `topoplan schema`): 2-space JSON, final newline. */
export function topologyJsonSchemaText(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}

/** Every property name the schema declares: the vocabulary for "did you mean" on unknown fields. */
export function fieldVocabulary(schema: unknown = topologyJsonSchema()): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.properties && typeof record.properties === "object")
      for (const key of Object.keys(record.properties)) names.add(key);
    Object.values(record).forEach(visit);
  };
  visit(schema);
  return names;
}
