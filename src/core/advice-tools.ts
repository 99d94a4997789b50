// What krr and VPA would recommend for memory on the same numbers memwhy reads. Pure; constants are the
// tools' defaults, each named after where it is defined upstream (see README "Sizing advice").

const Mi = 2 ** 20;

/** robusta-dev/krr robusta_krr/strategies/simple.py, SimpleStrategySettings.memory_buffer_percentage (15). */
export const KRR_MEMORY_BUFFER = 0.15;

/** kubernetes/autoscaler vertical-pod-autoscaler pkg/recommender/logic/recommender.go, --recommendation-margin-fraction. */
export const VPA_SAFETY_MARGIN = 0.15;
/** Same file, --pod-recommendation-min-memory-mb (250), split evenly over the pod's containers. */
export const VPA_POD_MIN_MEMORY_BYTES = 250 * Mi;
/** pkg/recommender/model (container.go, RecordOOM): OOMBumpUpRatio 1.2 and OOMMinBumpUp 100 * 1024 * 1024. */
export const VPA_OOM_BUMP_RATIO = 1.2;
export const VPA_OOM_MIN_BUMP_BYTES = 100 * Mi;
/** pkg/recommender/model/aggregations_config.go memoryHistogramOptions: first bucket 1e7 bytes, ratio 1 + 0.05. */
const VPA_FIRST_BUCKET_BYTES = 1e7;
const VPA_BUCKET_RATIO = 1.05;

/**
 * krr `simple`: request = limit = max(container_memory_working_set_bytes over the history) × (1 + 15%).
 * memwhy has one working set (or the live watch's samples): that is the max it can apply the formula to.
 */
export function krrMemoryBytes(maxWorkingSetBytes: number | null): number | null {
  if (maxWorkingSetBytes === null) return null;
  return Math.ceil(maxWorkingSetBytes * (1 + KRR_MEMORY_BUFFER));
}

/** The end of the VPA memory-histogram bucket holding `bytes` (histogram.go Percentile returns the bucket's end). */
export function vpaBucketEnd(bytes: number): number {
  const r = VPA_BUCKET_RATIO;
  const f = VPA_FIRST_BUCKET_BYTES;
  const bucket = bytes < f ? 0 : Math.floor(Math.log((bytes * (r - 1)) / f + 1) / Math.log(r));
  return (f * (r ** (bucket + 1) - 1)) / (r - 1);
}

/** VPA's artificial OOM sample: max(used + 100Mi, used × 1.2), used = max(request, the working-set peak). */
export function vpaOomSampleBytes(requestBytes: number | null, workingSetPeakBytes: number | null): number {
  const used = Math.max(requestBytes ?? 0, workingSetPeakBytes ?? 0);
  return Math.max(used + VPA_OOM_MIN_BUMP_BYTES, used * VPA_OOM_BUMP_RATIO);
}

export interface VpaInput {
  /** The working-set peak VPA would have recorded (metrics API working set). */
  workingSetPeakBytes: number | null;
  /** The container's memory request (VPA bumps from max(request, peak) after an OOM). */
  requestBytes: number | null;
  /** The pod status says the container was OOM-killed (what VPA's OOM observer reacts to). */
  oomKilled: boolean;
  /** App containers in the pod: the 250Mi pod minimum is split between them. */
  containers: number;
}

/** How VPA's target comes about on these numbers: the sample it would hold, its bucket's end, the minimum. */
export interface VpaWorking {
  target: number;
  sample: number;
  bucketEnd: number;
  minimum: number;
  bumped: boolean;
}

/**
 * VPA's target for one container with a single daily peak in its histogram (all memwhy can feed it): the
 * 90th percentile of one sample is the end of that sample's bucket; then the 15% margin and the pod minimum.
 */
export function vpaWorking(input: VpaInput): VpaWorking | null {
  if (input.workingSetPeakBytes === null && !input.oomKilled) return null;
  const peak = input.workingSetPeakBytes ?? 0;
  const bump = input.oomKilled ? vpaOomSampleBytes(input.requestBytes, input.workingSetPeakBytes) : 0;
  const sample = Math.max(peak, bump);
  const bucketEnd = vpaBucketEnd(sample);
  const minimum = VPA_POD_MIN_MEMORY_BYTES / Math.max(1, input.containers);
  return {
    target: Math.ceil(Math.max(bucketEnd * (1 + VPA_SAFETY_MARGIN), minimum)),
    sample,
    bucketEnd,
    minimum,
    bumped: bump > peak,
  };
}

export function vpaTargetBytes(input: VpaInput): number | null {
  return vpaWorking(input)?.target ?? null;
}
