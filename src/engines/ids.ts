/**
 * Engine ids (the `deploy.engine` values) and their pinned official images. Kept apart from the
 * catalog so the spec and the model import no compiler.
 */
export const ENGINE_IDS = ["cockroachdb", "postgresql", "etcd", "cassandra", "redis", "kafka"] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

/**
 * Pinned official images, and the image repositories an engine is recognised by when a spec names
 * an image but no engine. Versions: the engines' current stable lines as of 2026-12.
 */
export const ENGINE_IMAGES: Readonly<Record<EngineId, { image: string; repositories: readonly string[] }>> = {
  // https://hub.docker.com/r/cockroachdb/cockroach
  cockroachdb: { image: "cockroachdb/cockroach:v24.3.5", repositories: ["cockroachdb/cockroach"] },
  // CloudNativePG operand images: https://github.com/cloudnative-pg/postgres-containers
  postgresql: {
    image: "ghcr.io/cloudnative-pg/postgresql:16.6",
    repositories: ["ghcr.io/cloudnative-pg/postgresql", "postgres", "library/postgres"],
  },
  // etcd's release images: https://etcd.io/docs/v3.5/install/ (gcr.io/etcd-development/etcd)
  etcd: {
    image: "gcr.io/etcd-development/etcd:v3.5.17",
    repositories: ["gcr.io/etcd-development/etcd", "quay.io/coreos/etcd"],
  },
  // https://hub.docker.com/_/cassandra
  cassandra: { image: "cassandra:4.1.7", repositories: ["cassandra", "library/cassandra"] },
  // https://hub.docker.com/_/redis
  redis: { image: "redis:7.2.7", repositories: ["redis", "library/redis"] },
  // Strimzi runs its own Kafka images; the version is what the Kafka CR asks the operator for.
  kafka: { image: "quay.io/strimzi/kafka:0.45.0-kafka-3.9.0", repositories: ["quay.io/strimzi/kafka"] },
};

/** The engine whose official image `image` is (any tag or digest), if any. */
export function engineOfImage(image: string | undefined): EngineId | undefined {
  if (image === undefined) return undefined;
  const repository = image
    .replace(/@.*$/, "")
    .replace(/:[^/:]*$/, "")
    .replace(/^docker\.io\//, "");
  return ENGINE_IDS.find((id) => ENGINE_IMAGES[id].repositories.includes(repository));
}
