/**
 * An example of a team's own rule, loaded with `topoplan check <spec> --rules policies/examples/require-three-zones.ts`.
 * A rule is a plain object: a stable id, a title, a default severity, docs, and a pure `check` that
 * returns findings (path + message with the numbers + fix). Users import the types from "topoplan".
 */
import type { Rule } from "../types.js";

const rule: Rule = {
  id: "require-three-zones",
  title: "Every datastore spreads its replicas over at least three zones",
  severity: "error",
  settings: { minZones: { default: 3, description: "Zones each partition's replicas must span." } },
  docs: {
    why: "Our platform standard: a partition must keep a quorum through the loss of any one zone, and maintenance drains one zone at a time.",
    how: "Counts the distinct zones holding the replicas of each placement group.",
    fix: "Allow more zones (`zones:`) or add replicas so they land in three zones.",
  },
  check(model, _analysis, settings) {
    const minZones = Number(settings.minZones);
    return model.datastores.flatMap((store) => {
      const zones = [...new Set(store.groups.flatMap((g) => g.replicas.map((r) => r.zone)))].sort();
      if (zones.length >= minZones) return [];
      return [
        {
          path: `${store.path}.placement`,
          message: `replicas of ${store.path} use ${zones.length} zones (${zones.join(", ")}); this team requires ${minZones}`,
          fix: `allow at least ${minZones} zones in ${store.path}.zones, or add replicas in another region`,
        },
      ];
    });
  },
};

export default rule;
