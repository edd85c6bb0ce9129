import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { LINK_LOCAL_CIDR } from "../compile/kubernetes/constants.js";

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

/**
 * Egress from `podSelector`'s pods to the Kubernetes API server, under the namespace's default deny:
 * pods an operator runs that talk to the API themselves (Strimzi's entity operator; every
 * CloudNativePG instance, whose instance manager reads and writes its Cluster, Secrets and status).
 * The API server's address is the cluster's own, so any address but link-local (the cloud's
 * metadata service), on 443 and 6443 (the in-cluster `kubernetes` Service and a direct endpoint).
 * Limit: Cilium matches an `ipBlock` against addresses outside the cluster only, so where the API
 * server runs on the cluster's own nodes (kubeadm, self-managed) this rule admits nothing unless
 * Cilium's `policyCIDRMatchMode: nodes` is set (cilium/cilium#20550); managed control planes (EKS,
 * GKE, AKS) sit outside and are matched.
 */
export function apiServerEgress(
  metadata: NonNullable<INetworkPolicy["metadata"]>,
  podSelector: Readonly<Record<string, string>>,
): INetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      podSelector: { matchLabels: { ...podSelector } },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [LINK_LOCAL_CIDR] } }],
          ports: [
            { protocol: "TCP", port: 443 },
            { protocol: "TCP", port: 6443 },
          ],
        },
      ],
    },
  };
}
