// The part of the kubelet's configuration (`/api/v1/nodes/<node>/proxy/configz`) that sets memory aside:
// kubeReserved, systemReserved and the memory.available eviction thresholds.
import { parseBytes } from '../quantity.js';

export interface KubeletMemoryConfig {
  kubeReservedBytes: number | null;
  systemReservedBytes: number | null;
  /** evictionHard["memory.available"] as bytes; null when given as a percentage we cannot resolve. */
  evictionHardBytes: number | null;
  evictionSoftBytes: number | null;
}

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj | null => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : null);

/** `100Mi`, or `5%` of capacity (the kubelet accepts both for memory.available). */
export function thresholdBytes(value: unknown, capacityBytes: number | null): number | null {
  if (typeof value !== 'string') return null;
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (percent) return capacityBytes === null ? null : Math.round((Number(percent[1]) / 100) * capacityBytes);
  return parseBytes(value);
}

/** The kubelet's default evictionHard memory.available (pkg/kubelet/apis/config/v1beta1 defaults), assumed without configz. */
export const DEFAULT_EVICTION_HARD_BYTES = 100 * 1024 * 1024;

/** Reads configz's `{"kubeletconfig": {...}}`; null when the body is not a kubelet configuration. */
export function parseKubeletConfigz(body: unknown, capacityBytes: number | null): KubeletMemoryConfig | null {
  const config = obj(obj(body)?.kubeletconfig);
  if (!config) return null;
  const memoryOf = (x: unknown) => parseBytes((obj(x)?.memory as string | undefined) ?? null);
  const hard = obj(config.evictionHard);
  const soft = obj(config.evictionSoft);
  const hardValue = hard?.['memory.available'];
  return {
    kubeReservedBytes: memoryOf(config.kubeReserved),
    systemReservedBytes: memoryOf(config.systemReserved),
    // configz is the effective (defaulted) configuration: a missing key means no such threshold.
    evictionHardBytes: hardValue === undefined ? null : thresholdBytes(hardValue, capacityBytes),
    evictionSoftBytes:
      soft?.['memory.available'] === undefined ? null : thresholdBytes(soft['memory.available'], capacityBytes),
  };
}
