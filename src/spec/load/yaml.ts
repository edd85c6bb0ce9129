import jsyaml from "js-yaml";
import { isAlias, isScalar, type Node, parseDocument, visit } from "yaml";
import { type Diagnostic, InputError } from "../../diagnostics/diagnostic.js";
import { MAX_YAML_ALIASES } from "./limits.js";
import { pathTooDeep, tooDeep } from "./nesting.js";
import { positionAfter } from "./position.js";
import { CORE_AS_YAML } from "./yaml-core.js";

/**
 * The common case, fast: a spec without anchors (so without aliases to bound) parsed by js-yaml
 * with the core schema as the `yaml` package reads it (yaml-core.ts): measured 15× faster than the `yaml` package on a 2 MB spec. Anything it
 * refuses — bad syntax, duplicate keys, several documents — and any empty or null document go to
 * the full parser below, which owns every diagnostic and its line numbers.
 */
function parsePlain(text: string): unknown {
  // An `&` anywhere (even quoted) may be an anchor: leave alias accounting to the full parser;
  // `<<` may be a merge key, which only the full parser reads as one.
  if (text.includes("&") || text.includes("<<")) return undefined;
  // A list or mapping as a key (`? [a]`, `[a]: x`), which js-yaml turns into text: the full parser refuses it.
  if (COMPLEX_KEY.test(text)) return undefined;
  try {
    return jsyaml.load(text, { schema: CORE_AS_YAML }) ?? undefined;
  } catch {
    return undefined;
  }
}

const COMPLEX_KEY = /^[ \t-]*\?(?:[ \t]|$)|[\]}][ \t]*:/m;

/** The parser's errors that need more than "fix the syntax": what they mean for a spec, and the fix. */
const YAML_ERRORS: Readonly<Record<string, { message?: string; fix: string }>> = {
  TAG_RESOLVE_FAILED: {
    fix: "remove the tag (`!!binary`, `!!set`, `!!omap`, `!custom` …): a spec holds plain strings, numbers, booleans, lists and mappings",
  },
  MULTIPLE_DOCS: {
    // The parser's own message names its API (parseAllDocuments), which means nothing to a user.
    message: "the file holds more than one YAML document (a `---` line after the first)",
    fix: "keep one topology per file: remove the `---` at that line and what follows, or move it to a file of its own",
  },
};

/** Safe YAML: core schema only (no custom tags), unique keys, bounded aliases and nesting. */
export function parseYaml(text: string, file: string): unknown {
  const data = parseFull(text, file);
  // The same limit as JSON's (nesting.ts): below where the parser itself overflows.
  const deep = pathTooDeep(data);
  if (deep !== undefined) throw new InputError([tooDeep("YAML", file, deep[0])]);
  return data;
}

function parseFull(text: string, file: string): unknown {
  const plain = parsePlain(text);
  if (plain !== undefined) return plain;
  const document = parseDocument(text, {
    // Keys become property names: `true:` and `"true":` (or `1:` and `"1":`) are one key to the
    // spec, and the parser's own test (equal typed values) would let the second silently replace
    // the first.
    uniqueKeys: (a, b) => a === b || (isScalar(a) && isScalar(b) && String(a.value) === String(b.value)),
    prettyErrors: true,
    strict: true,
    schema: "core",
    // `<<: *defaults` merges a mapping in, as Kubernetes (go-yaml) and Compose files read it;
    // without it the key `<<` would be kept as a field. Each merge counts as an alias (bounded).
    merge: true,
    // YAML 1.1's !!binary, !!set, !!omap, !!pairs and !!timestamp would become a Uint8Array, Set,
    // Map or Date, which the schema cannot read as the user meant (a `policies: !!omap [...]` was
    // silently ignored): an unresolved tag, refused below.
    resolveKnownTags: false,
  });
  const problems: Diagnostic[] = [...document.errors, ...document.warnings].map((error) => {
    const position = error.linePos?.[0];
    const location = position ? { location: { file, line: position.line, column: position.col } } : {};
    if (error.code === "DUPLICATE_KEY") {
      // The error points at the repeated key; name it, and where it first appeared.
      const key = text.slice(error.pos[0]).match(/^\s*("[^"]*"|'[^']*'|[^:\s]+)/)?.[1] ?? "?";
      return {
        code: "spec/yaml-duplicate-key",
        severity: "error",
        path: "(root)",
        message: `duplicate key ${key.startsWith('"') ? key : `"${key.replace(/^'|'$/g, "")}"`}: a key may appear once per mapping (YAML would silently keep only one)`,
        fix: "delete one of the two entries, or merge them",
        ...location,
      };
    }
    // The parser recurses per nesting level: thousands of `[` overflow its stack on valid YAML.
    if (/Maximum call stack size exceeded/.test(error.message))
      return tooDeep(
        "YAML",
        file,
        undefined,
        position && { file, line: position.line, column: position.col },
      );
    const message = (error.message.split("\n")[0] ?? "")
      .replace(/ at line \d+, column \d+:?$/, "")
      .replace("tag:yaml.org,2002:", "!!");
    return {
      code: "spec/yaml",
      severity: "error",
      path: "(root)",
      message: `invalid YAML: ${YAML_ERRORS[error.code]?.message ?? message}`,
      fix:
        YAML_ERRORS[error.code]?.fix ??
        "fix the YAML syntax at that line (indentation, quoting, duplicate keys)",
      ...location,
    };
  });
  // A list or mapping as a key (`? [a, b]`): JavaScript would make it the text "a,b" (and say so
  // on stderr); no key of a spec is one.
  visit(document, {
    Pair(_, pair) {
      const written = pair.key as Node | null;
      // An alias as a key stands for what its anchor holds: a name is fine.
      const key = isAlias(written) ? written.resolve(document) : written;
      if (key === null || key === undefined || isScalar(key)) return;
      const at = written?.range?.[0];
      problems.push({
        code: "spec/yaml",
        severity: "error",
        path: "(root)",
        message: "invalid YAML: a mapping key is a list or a mapping (`? [...]`); keys of a spec are names",
        fix: "write the key as a plain name",
        ...(at === undefined ? {} : { location: { file, ...positionAfter(text.slice(0, at)) } }),
      });
    },
  });
  // One overflow is reported as many errors further along the same line: the first says it all.
  const deep = problems.find((p) => p.message.includes("the YAML nests too deeply"));
  if (deep !== undefined) throw new InputError([deep]);
  if (problems.length > 0) throw new InputError(problems);
  if (document.contents === null) {
    throw new InputError([
      {
        code: "spec/empty",
        severity: "error",
        path: "(root)",
        message: `${file} is empty`,
        fix: "a topology needs at least `name:`; see stacks/edge-cache.yaml for an example",
      },
    ]);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    const message = (error as Error).message;
    throw new InputError([
      {
        code: "spec/yaml",
        severity: "error",
        path: "(root)",
        message: `${file}: ${message}`,
        fix: /merge/i.test(message)
          ? "merge mappings only: `<<: *defaults` where `&defaults` names a mapping"
          : /unresolved alias/i.test(message)
            ? "define the anchor (`&name`) before the alias (`*name`) that uses it, or write the value out"
            : `use at most ${MAX_YAML_ALIASES} alias expansions; write the repeated parts out`,
      },
    ]);
  }
}
