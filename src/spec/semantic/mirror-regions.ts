import { formatPath } from "../../diagnostics/diagnostic.js";
import { arrayOf, type CheckContext, componentsOf } from "./context.js";

/**
 * What compiles a stream's `mirrorRegions` on Kubernetes, by engine: a generic image has no
 * mirroring topoplan could configure, yet the analysis would price the mirrored flows and the
 * latency through the mirror.
 */
const KUBERNETES_MIRRORS: Readonly<Record<string, string>> = {
  kafka: "MirrorMaker 2 (Strimzi KafkaMirrorMaker2)",
};

/** `streams.<name>.mirrorRegions` on Kubernetes without an engine that compiles it. */
export function checkMirrorRegions(context: CheckContext): void {
  for (const [name, stream] of componentsOf(context, "streams")) {
    const deploy = stream?.deploy;
    if (deploy?.target !== "kubernetes" || arrayOf(stream.mirrorRegions).length === 0) continue;
    const engine = typeof deploy.engine === "string" ? deploy.engine : undefined;
    if (engine !== undefined && KUBERNETES_MIRRORS[engine] !== undefined) continue;
    const at = formatPath(["streams", name, "mirrorRegions"]);
    context.report({
      code: "spec/mirror-not-compiled",
      path: at,
      message: `${at} lists ${arrayOf(stream.mirrorRegions).join(", ")}, but ${formatPath(["streams", name])} runs ${engine === undefined ? "a generic image" : `engine "${engine}"`} on kubernetes, for which topoplan compiles no mirroring`,
      fix: `set ${formatPath(["streams", name, "deploy", "engine"])} to "kafka" (MirrorMaker 2), or remove mirrorRegions`,
    });
  }
}
