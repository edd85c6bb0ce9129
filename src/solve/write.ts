import { parseDocument } from "yaml";
import { REPLICATION } from "../analysis/replication/index.js";
import type { Model } from "../model/types.js";
import type { SpecFormat } from "../spec/load/types.js";
import type { SolveReport } from "./types.js";

/** What `--write` sets per datastore: the placement, and the leader where the model has one. */
export function placementEdits(
  model: Model,
  report: SolveReport,
): { name: string; placement: Record<string, number>; leader?: string }[] {
  return report.datastores.flatMap((s) => {
    if (s.chosen === undefined) return [];
    const ds = model.datastores.find((d) => d.name === s.name)!;
    const declared = model.topology.datastores[s.name]?.leader !== undefined;
    const withLeader = REPLICATION[ds.replication].leaderBased || declared;
    return [
      {
        name: s.name,
        placement: { ...s.chosen.placement },
        ...(withLeader ? { leader: s.chosen.leader } : {}),
      },
    ];
  });
}

/**
 * The spec text with the chosen placements written in. YAML is edited through the `yaml`
 * Document API, so comments, key order and formatting elsewhere stay as they were; JSON is
 * re-serialised (it has no comments to keep). TypeScript cannot be rewritten safely: undefined.
 */
export function rewriteSpec(
  format: SpecFormat,
  text: string,
  edits: ReturnType<typeof placementEdits>,
): string | undefined {
  const WRITERS: Readonly<Record<SpecFormat, (() => string) | undefined>> = {
    yaml: () => {
      const doc = parseDocument(text);
      for (const edit of edits) {
        doc.setIn(["datastores", edit.name, "placement"], doc.createNode(edit.placement));
        if (edit.leader !== undefined) doc.setIn(["datastores", edit.name, "leader"], edit.leader);
      }
      return doc.toString();
    },
    json: () => {
      const data = JSON.parse(text) as { datastores: Record<string, Record<string, unknown>> };
      for (const edit of edits) {
        const store = data.datastores[edit.name]!;
        store.placement = edit.placement;
        if (edit.leader !== undefined) store.leader = edit.leader;
      }
      return `${JSON.stringify(data, null, 2)}\n`;
    },
    typescript: undefined,
  };
  return WRITERS[format]?.();
}

/** The TypeScript to paste: one object literal per datastore. */
export function typescriptSnippet(edits: ReturnType<typeof placementEdits>): string {
  return edits
    .map((edit) => {
      const placement = Object.entries(edit.placement)
        .map(([region, n]) => `${JSON.stringify(region)}: ${n}`)
        .join(", ");
      const leader = edit.leader === undefined ? "" : `\n    leader: ${JSON.stringify(edit.leader)},`;
      return `  // datastores.${edit.name}\n    placement: { ${placement} },${leader}`;
    })
    .join("\n");
}
