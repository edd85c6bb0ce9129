/**
 * The Pulumi program (Pulumi.yaml `main`). Pulumi imports it with `--import tsx` and, because it
 * has a single default export that is a function, calls it and turns the result into stack
 * outputs. Registers nothing on import; everything happens in buildProgram (src/pulumi/stack.ts).
 */
import { buildProgram, PROJECT_ROOT } from "./stack.js";

export default async function topoplanProgram() {
  return buildProgram({ root: PROJECT_ROOT });
}
