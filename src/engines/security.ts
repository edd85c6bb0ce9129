/**
 * Container settings every engine-made container shares (helpers, exporters, operator-made pods):
 * what the namespace's restricted Pod Security Standard asks
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted), plus a
 * read-only root filesystem.
 */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};

/** Requests and limit of a small helper (setup Job, exporter sidecar). Estimate. */
export const HELPER_RESOURCES = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } };
