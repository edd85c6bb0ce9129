import { topologyJsonSchemaText } from "../../spec/json-schema.js";
import type { Command } from "../command.js";
import { EXIT, stringFlag } from "../command.js";
import { emit } from "../output.js";

export const schemaCommand: Command = {
  name: "schema",
  summary: "Print the JSON Schema of topology specs (for editor completion in YAML/JSON).",
  usage: "topoplan schema [--output FILE]",
  details: [
    "  --output FILE  write the schema to FILE instead of stdout",
    "",
    "YAML: add `# yaml-language-server: $schema=<path>/topology.schema.json` at the top of the spec.",
  ],
  options: { output: { type: "string", short: "o" } },
  positionals: { min: 0, max: 0, names: "" },
  async run(args, io) {
    await emit(topologyJsonSchemaText(), stringFlag(args, "output"), io);
    return EXIT.ok;
  },
};
