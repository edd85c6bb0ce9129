/**
 * Waiting for a ReadIndex round at an etcd leader. etcd's linearizableReadLoop runs one ReadIndex
 * round at a time (etcdserver v3.4/v3.5 `linearizableReadLoop`): a read that arrives while a round
 * is in flight waits for it to end and then for a whole next round, which serves every read that
 * queued meanwhile. With strong reads arriving as a Poisson stream of rate λ at the leader and
 * rounds of length q, a busy period continues after a round with probability 1 − e^(−λq), so it
 * lasts q·e^(λq) on average against an idle gap of 1/λ; a read finds a round in flight with
 * probability B = 1 / (1 + e^(−λq) / (λq)) (PASTA) at a uniform point in it. Its wait is q when
 * the leader is idle, q + U·q (U uniform in [0, 1]) otherwise: P(wait ≤ q(1 + x)) = 1 − B + B·x.
 */
export function readIndexWaitMs(roundMs: number, readsPerSec: number, quantile: number): number {
  if (roundMs <= 0 || readsPerSec <= 0) return roundMs;
  const load = (readsPerSec * roundMs) / 1000;
  const busy = 1 / (1 + Math.exp(-load) / load);
  const x = Math.min(1, Math.max(0, (quantile - (1 - busy)) / busy));
  return roundMs * (1 + x);
}
