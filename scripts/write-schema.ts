/**
 * Writes schema/topology.schema.json from the zod spec (`npm run schema`). The file is checked in
 * for editors (`# yaml-language-server: $schema=...`); test/spec/json-schema.test.ts fails when it
 * is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { topologyJsonSchemaText } from "../src/spec/json-schema.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../schema/topology.schema.json", import.meta.url));

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, topologyJsonSchemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
