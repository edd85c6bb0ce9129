import { isMap, isScalar, type Node, type Pair, parseDocument, type YAMLMap } from "yaml";
import { REPLICATION } from "../analysis/replication/index.js";
import type { Model } from "../model/types.js";
import type { SpecFormat } from "../spec/load/types.js";
import type { Entry } from "./candidate.js";
import type { SolveReport } from "./types.js";

/** What `--write` sets per datastore: the placement, and the leader where the model has one. */
/** One datastore's edit: its placement, its leader where the model has one, its write regions. */
export interface PlacementEdit {
  readonly name: string;
  readonly placement: Readonly<Record<string, Entry>>;
  /** Set when the solver chose another replica count than the declared one. */
  readonly replicas?: number;
  readonly leader?: string;
  /** multi-leader stores that declare `leaders`: those still placed (none left: every placed region). */
  readonly leaders?: readonly string[];
}

export function placementEdits(model: Model, report: SolveReport): PlacementEdit[] {
  return report.datastores.flatMap((s) => {
    if (s.chosen === undefined) return [];
    const ds = model.datastores.find((d) => d.name === s.name)!;
    const spec = model.topology.datastores[s.name];
    const withLeader = REPLICATION[ds.replication].leaderBased || spec?.leader !== undefined;
    const placed = Object.keys(s.chosen.placement);
    const kept = spec?.leaders?.filter((r) => placed.includes(r)) ?? [];
    return [
      {
        name: s.name,
        placement: { ...s.chosen.placement },
        ...(s.chosen.replicas === spec?.replicas ? {} : { replicas: s.chosen.replicas }),
        ...(withLeader ? { leader: s.chosen.leader } : {}),
        ...(spec?.leaders === undefined ? {} : { leaders: kept.length > 0 ? kept : placed }),
      },
    ];
  });
}

/**
 * The spec text with the chosen placements written in. YAML is edited in place: the `yaml`
 * Document API locates the `placement` and `leader` values, and only their text is replaced, so
 * every comment, key order and flow style elsewhere stays byte for byte; JSON is re-serialised (it
 * has no comments to keep). TypeScript cannot be rewritten safely: undefined.
 */
export function rewriteSpec(
  format: SpecFormat,
  text: string,
  edits: readonly PlacementEdit[],
): string | undefined {
  const WRITERS: Readonly<Record<SpecFormat, (() => string) | undefined>> = {
    yaml: () => editYaml(text, edits),
    json: () => {
      // A byte-order mark is kept (the loader reads past it; JSON.parse does not).
      const bom = text.startsWith("\ufeff") ? "\ufeff" : "";
      const data = JSON.parse(text.slice(bom.length)) as {
        datastores: Record<string, Record<string, unknown>>;
      };
      for (const edit of edits) {
        const store = data.datastores[edit.name]!;
        store.placement = edit.placement;
        if (edit.replicas !== undefined) store.replicas = edit.replicas;
        if (edit.leader !== undefined) store.leader = edit.leader;
        if (edit.leaders !== undefined) store.leaders = [...edit.leaders];
      }
      return `${bom}${JSON.stringify(data, null, 2)}\n`;
    },
    typescript: undefined,
  };
  return WRITERS[format]?.();
}

/** The TypeScript to paste: one object literal per datastore. */
export function typescriptSnippet(edits: readonly PlacementEdit[]): string {
  return edits
    .map((edit) => {
      const placement = Object.entries(edit.placement)
        .map(([region, e]) => `${JSON.stringify(region)}: ${entryLiteral(e, JSON.stringify)}`)
        .join(", ");
      const replicas = edit.replicas === undefined ? "" : `\n    replicas: ${edit.replicas},`;
      const leader = edit.leader === undefined ? "" : `\n    leader: ${JSON.stringify(edit.leader)},`;
      return `  // datastores.${edit.name}${replicas}\n    placement: { ${placement} },${leader}`;
    })
    .join("\n");
}

/** `2`, or `{ voters: 1, witnesses: 1 }`: an entry as a literal (keys quoted by `key`). */
const entryLiteral = (e: Entry, key: (k: string) => string = (k) => k) =>
  typeof e === "number"
    ? `${e}`
    : `{ ${Object.entries(e)
        .map(([role, n]) => `${key(role)}: ${n}`)
        .join(", ")} }`;

/** `{ eu-west-1: 2, eu-central-1: { voters: 1, witnesses: 1 } }`: one line, keys sorted. */
const flowMap = (placement: Readonly<Record<string, Entry>>) =>
  `{ ${Object.entries(placement)
    .map(([region, e]) => `${region}: ${entryLiteral(e)}`)
    .join(", ")} }`;

function editYaml(text: string, edits: readonly PlacementEdit[]): string {
  const doc = parseDocument(text);
  const splices: { start: number; end: number; text: string }[] = [];
  const lineEnd = (offset: number) => {
    const end = text.indexOf("\n", offset);
    return end < 0 ? text.length : end;
  };
  for (const edit of edits) {
    const store = doc.getIn(["datastores", edit.name], true);
    if (!isMap(store)) throw new Error(`datastores.${edit.name} is not a map in the YAML`);
    const pairOf = (key: string) =>
      store.items.find((p): p is Pair<Node, Node> => isScalar(p.key) && p.key.value === key);
    // A value's range runs on to the next key; the edit stops at its last character.
    const trimmed = (end: number) => {
      while (end > 0 && /\s/.test(text[end - 1]!)) end--;
      return end;
    };
    const placement = pairOf("placement");
    const keyEnd = placement?.key.range?.[1];
    const valueEnd = placement?.value?.range ? trimmed(placement.value.range[1]) : undefined;
    if (placement === undefined || keyEnd === undefined || valueEnd === undefined)
      throw new Error(`datastores.${edit.name}.placement not found in the YAML`);
    const block = isMap(placement.value) && !placement.value.flow && placement.value.items.length > 0;
    if (block) splices.push(blockPlacement(text, placement.value as YAMLMap<Node, Node>, edit.placement));
    // A flow map or a scalar ("auto") is replaced from the key's end.
    else splices.push({ start: keyEnd, end: valueEnd, text: `: ${flowMap(edit.placement)}` });
    const replicas = pairOf("replicas");
    if (edit.replicas !== undefined) {
      const range = replicas?.value?.range;
      if (range === undefined || range === null)
        throw new Error(`datastores.${edit.name}.replicas not found in the YAML`);
      splices.push({ start: range[0], end: trimmed(range[1]), text: `${edit.replicas}` });
    }
    const leaders = pairOf("leaders");
    const leadersRange = leaders?.value?.range;
    if (edit.leaders !== undefined && leaders?.key.range && leadersRange)
      splices.push({
        start: leaders.key.range[1],
        end: trimmed(leadersRange[1]),
        text: `: [${edit.leaders.join(", ")}]`,
      });
    if (edit.leader === undefined) continue;
    const leader = pairOf("leader");
    const range = leader?.value?.range;
    if (range !== undefined && range !== null)
      splices.push({ start: range[0], end: trimmed(range[1]), text: edit.leader });
    // A flow mapping (`a: { replication: …, placement: { … } }`): one more entry after the placement.
    else if (store.flow) splices.push({ start: valueEnd, end: valueEnd, text: `, leader: ${edit.leader}` });
    else {
      // A new `leader:` line after the placement's line (after its comment, if any), same indent.
      const keyStart = placement.key.range![0];
      const indent = keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1);
      const at = lineEnd(valueEnd);
      splices.push({ start: at, end: at, text: `\n${" ".repeat(indent)}leader: ${edit.leader}` });
    }
  }
  let out = text;
  for (const splice of splices.sort((a, b) => b.start - a.start))
    out = out.slice(0, splice.start) + splice.text + out.slice(splice.end);
  return out;
}

/**
 * A block-map placement rewritten as a block map, entry by entry, keeping its comments: a region
 * that stays keeps its trailing comment and the comment lines above it; a region the solver drops
 * stays visible as a comment line (with its comment). A multi-line entry (`{ voters, readOnly }`
 * as a block) the edit leaves as it was keeps its text, inner comments and all; a changed or
 * dropped one keeps its inner comments as lines below it. The file's line ends are kept.
 */
function blockPlacement(
  text: string,
  map: YAMLMap<Node, Node>,
  placement: Readonly<Record<string, Entry>>,
): { start: number; end: number; text: string } {
  const start = map.range![0];
  const pad = " ".repeat(start - (text.lastIndexOf("\n", start - 1) + 1));
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const trailing = (comment: string | null | undefined) => (comment ? ` #${comment}` : "");
  const lines: string[] = [];
  const seen = new Set<string>();
  let end = start;
  for (const pair of map.items) {
    const region = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = pair.value;
    end = Math.max(end, value?.range?.[1] ?? pair.key.range?.[1] ?? end);
    if (region === undefined) continue;
    seen.add(region);
    for (const line of pair.key.commentBefore?.split("\n") ?? []) lines.push(`${pad}#${line}`);
    const comment = trailing(value?.comment ?? pair.key.comment);
    const entry = placement[region];
    const old = value?.toJSON() as unknown;
    const nested =
      isMap(value) && !value.flow && value.range ? text.slice(pair.key.range![0], value.range[1]) : undefined;
    const inner = nested?.split(/\r?\n/).flatMap((line) => line.match(/#.*$/)?.[0] ?? []) ?? [];
    if (entry !== undefined && nested !== undefined && JSON.stringify(old) === JSON.stringify(entry)) {
      lines.push(...`${pad}${nested.trimEnd()}`.split(/\r?\n/));
      continue;
    }
    lines.push(
      entry === undefined
        ? `${pad}# ${region}: ${JSON.stringify(old ?? null)}${comment} (removed by topoplan solve)`
        : `${pad}${region}: ${entryLiteral(entry)}${comment}`,
    );
    for (const c of inner) lines.push(`${pad}  ${c}`);
  }
  for (const [region, entry] of Object.entries(placement))
    if (!seen.has(region)) lines.push(`${pad}${region}: ${entryLiteral(entry)}`);
  // Through the last entry's trailing comment, not the line break after it.
  const last = map.items[map.items.length - 1]?.value?.range?.[2];
  if (last !== undefined) end = Math.max(end, last);
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end, text: lines.join(eol).slice(pad.length) };
}
