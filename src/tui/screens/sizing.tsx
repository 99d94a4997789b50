// Sizing: what request and limit to set per container (and pod-level), the numbers they rest on, what krr and
// VPA would say on the same numbers, and the command, printed and never run. With the live watch, the samples
// taken so far are shown beside the one snapshot the advice was computed from.
import { krrMemoryBytes } from '../../core/advice-tools.js';
import { formatBytes } from '../../core/quantity.js';
import type { SizingAdvice } from '../../core/types.js';
import { BLANK, hardWrap, line, pad, padLeft, para, seg, truncate, type Line } from '../format.js';
import type { ContainerSamples } from '../sparkline.js';
import type { ScreenModel, ScreenProps } from './model.js';
import { ScreenView } from './view.js';

function figureRows(s: SizingAdvice, width: number): Line[] {
  const rows: Array<[string, number | null, string]> = [
    ['floor', s.floorBytes, 'anon + shmem + unreclaimable kernel: cannot be reclaimed'],
    ['active cache', s.activeFileBytes, 'page cache on the active list: reclaimable'],
    ['kernel peak', s.peakBytes, 'memory.peak / memory.max_usage_in_bytes since the cgroup was created'],
    ['spike', s.spikeBytes, 'peak − usage: held at the peak, released since'],
    ['at OOM kill', s.oomUsageBytes, 'the memory in use at the last OOM kill'],
    ['krr', s.krrBytes, 'krr simple: max working set × 1.15 (request = limit)'],
    ['VPA target', s.vpaTargetBytes, 'VPA: working-set peak (OOM-bumped) + 15%, ≥ 250Mi per pod'],
  ];
  return rows.map(([label, v, note]) =>
    line(
      seg(pad(`  ${label}`, 16), { bold: true }),
      padLeft(v === null ? '—' : formatBytes(v), 9),
      '  ',
      seg(truncate(note, Math.max(0, width - 27)), { dim: true }),
    ),
  );
}

function watchLines(samples: ContainerSamples | undefined, width: number): Line[] {
  const ws = (samples?.workingSet ?? []).filter((v): v is number => v !== null);
  if (ws.length < 2) return [];
  const max = Math.max(...ws);
  return para(
    `Live watch: ${ws.length} samples, highest working set ${formatBytes(max)}; krr's formula on them: ${formatBytes(krrMemoryBytes(max))}. The advice above is from one snapshot; the samples are not in it.`,
    width,
    { prefix: '  ', style: { dim: true } },
  );
}

function adviceLines(label: string, s: SizingAdvice, width: number, samples: ContainerSamples | undefined): Line[] {
  const lines: Line[] = [];
  const tone = s.confidence === 'high' ? 'green' : s.confidence === 'medium' ? 'yellow' : 'red';
  const head =
    s.limitBytes === null
      ? seg('no advice', { dim: true })
      : seg(`request ${formatBytes(s.requestBytes)} · limit ${formatBytes(s.limitBytes)}`, {
          bold: true,
          color: 'cyan',
        });
  const conf = s.confidence ? seg(`  confidence ${s.confidence}`, { color: tone }) : null;
  if (label.length + 2 + head.text.length + (conf?.text.length ?? 0) <= width)
    lines.push(line(seg(label, { bold: true }), '  ', head, conf));
  else lines.push(line(seg(label, { bold: true })), line('  ', head), ...(conf ? [line(conf)] : []));
  if (s.limitBytes !== null) lines.push(...figureRows(s, width));
  for (const r of s.reasons) lines.push(...para(r, width, { prefix: '  · ' }));
  for (const c of s.comparison)
    lines.push(...para(c, width, { prefix: '  ≠ ', first: seg('  ≠ ', { color: 'cyan' }) }));
  lines.push(...watchLines(samples, width));
  if (s.command) {
    const rows = hardWrap(s.command, width - 4, 0);
    lines.push(...rows.map((r, i) => line(seg(i === 0 ? '  $ ' : '    ', { color: 'green' }), r)));
  }
  return [...lines, BLANK];
}

export function sizingModel({ analysis: a, width, samples }: ScreenProps): ScreenModel {
  const lines: Line[] = [];
  lines.push(
    ...para(
      'What to set, from the breakdown: the limit covers what cannot be reclaimed, its spikes and the last OOM kill; page cache is left to the kernel. Printed, never applied.',
      width,
      { style: { dim: true } },
    ),
    BLANK,
  );
  const sized = a.containers.filter((c) => c.advice);
  for (const c of sized) lines.push(...adviceLines(`Container ${c.name}`, c.advice!, width, samples?.[c.name]));
  const pod = a.podLevel?.advice;
  if (pod) lines.push(...adviceLines('Pod (pod-level resources)', pod, width, undefined));
  if (sized.length === 0 && !pod) lines.push(line(seg('No container to size.', { dim: true })));
  return { subtitle: sized.length === 1 ? sized[0]!.name : undefined, lines };
}

export function SizingScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={sizingModel(props)}
      height={props.height}
      selected={props.nav.selected.sizing}
      color={props.color}
    />
  );
}
