import { z } from "zod";
import type { FieldNames } from "./issues.js";
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

type SchemaNode = Record<string, unknown>;

const isNode = (value: unknown): value is SchemaNode =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A node with its union branches (anyOf / oneOf / allOf) opened, recursively. */
function branches(node: SchemaNode): SchemaNode[] {
  const alternatives = [node.anyOf, node.oneOf, node.allOf].flatMap((list) =>
    Array.isArray(list) ? list.filter(isNode) : [],
  );
  return [node, ...alternatives.flatMap(branches)];
}

/** Whether the object `input` can be the branch `node`: no `const` property of it says otherwise. */
function admits(node: SchemaNode, input: unknown): boolean {
  if (!isNode(node.properties) || !isNode(input)) return true;
  return Object.entries(node.properties).every(
    ([key, property]) =>
      !isNode(property) || !("const" in property) || !(key in input) || input[key] === property.const,
  );
}

/**
 * The field names the schema allows in the object at `segments` — of the union branch `input`
 * selects, where a discriminator such as `deploy.target` says which — or undefined when the path
 * leads nowhere. "Did you mean" then suggests a field of that object, not one of another place.
 */
export function fieldsAt(
  segments: readonly (string | number)[],
  input: unknown,
  schema: unknown = topologyJsonSchema(),
): Set<string> | undefined {
  let nodes: SchemaNode[] = isNode(schema) ? [schema] : [];
  for (const segment of segments) {
    nodes = nodes.flatMap(branches).flatMap((node) => {
      if (typeof segment === "number") return isNode(node.items) ? [node.items] : [];
      const property = isNode(node.properties) ? node.properties[segment] : undefined;
      if (isNode(property)) return [property];
      return isNode(node.additionalProperties) ? [node.additionalProperties] : [];
    });
  }
  const names = new Set<string>();
  for (const node of nodes.flatMap(branches))
    if (isNode(node.properties) && admits(node, input))
      for (const key of Object.keys(node.properties)) names.add(key);
  return names.size === 0 ? undefined : names;
}

let names: FieldNames | undefined;

/** The spec's field names for "did you mean", made once: every one, and those of each object. */
export function specFieldNames(): FieldNames {
  if (names === undefined) {
    const schema = topologyJsonSchema();
    names = { all: fieldVocabulary(schema), at: (segments, input) => fieldsAt(segments, input, schema) };
  }
  return names;
}
