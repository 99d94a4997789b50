// Breakdown of the selected container's usage: a stacked bar and a table (anon and its LRU lists, file active /
// inactive, shmem, kernel and its parts, the remainder). The selected category's explanation is pinned below.
import { formatBytes, formatPercent } from '../../core/quantity.js';
import type { ContainerAnalysis } from '../../core/types.js';
import { PART_GLYPH, shortener } from '../../render/layout.js';
import {
  BLANK,
  containerReason,
  line,
  titled,
  pad,
  padLeft,
  para,
  proportionalCells,
  seg,
  type Line,
  type Tone,
} from '../format.js';
import { selectedRow, type ScreenModel, type ScreenProps } from './model.js';
import { ScreenView } from './view.js';

export interface CategoryInfo {
  title: string;
  what: string;
  reclaim: string;
  causes: string;
}

/** What each category is, whether the kernel can take it back, and what usually makes it grow. */
export const CATEGORY_INFO: Record<string, CategoryInfo> = {
  anon: {
    title: 'anon (anonymous memory)',
    what: 'Memory with no file behind it: heap, stacks, malloc and mmap(MAP_ANONYMOUS). Counted in the working set.',
    reclaim: 'No: only the program frees it, or swap (rarely enabled on Kubernetes nodes).',
    causes: 'Heap growth, caches held in the process, leaks, large JVM/Go heaps, many threads.',
  },
  active_anon: {
    title: 'active_anon (LRU list)',
    what: 'The kernel’s list of anonymous pages used recently. Note: it also holds shmem/tmpfs pages, so it is not a part of anon alone.',
    reclaim: 'No without swap.',
    causes: 'A process touching its heap; tmpfs files being written or read.',
  },
  inactive_anon: {
    title: 'inactive_anon (LRU list)',
    what: 'Anonymous (and shmem) pages not used lately: the first to go to swap, if there is swap.',
    reclaim: 'No without swap.',
    causes: 'Idle heap, idle tmpfs / emptyDir (medium: Memory) content.',
  },
  file_active: {
    title: 'active_file (page cache, used recently)',
    what: 'File data read or written recently and kept in memory. Counted in the working set, so kubectl top shows it.',
    reclaim: 'Yes, but only after it ages to the inactive list: the kernel demotes it under pressure.',
    causes: 'Reading the same files repeatedly: databases, log shippers, indexes, image layers, mmap’d files.',
  },
  file_inactive: {
    title: 'inactive_file (page cache, not used lately)',
    what: 'File data not used lately. Subtracted from usage to get the working set.',
    reclaim: 'Yes, first: the kernel drops it before anything else.',
    causes: 'Files read once (backups, log rotation, large copies).',
  },
  shmem: {
    title: 'shmem (tmpfs, /dev/shm)',
    what: 'Files in memory-backed filesystems: tmpfs, /dev/shm, emptyDir with medium: Memory, SysV shared memory.',
    reclaim: 'No without swap: deleting the files frees it. Counted in the working set and in the limit.',
    causes: 'Writing to an emptyDir with medium: Memory, /dev/shm (browsers, PostgreSQL, PyTorch data loaders).',
  },
  kernel: {
    title: 'kernel memory',
    what: 'Memory the kernel allocates on behalf of the cgroup: slab (dentries, inodes), kernel stacks, page tables, socket buffers.',
    reclaim: 'Partly: slab_reclaimable can be reclaimed; the rest lives as long as its owner.',
    causes:
      'Many files or directories (dentry/inode cache), many threads (stacks), large address spaces (page tables), many connections (sockets).',
  },
  other: {
    title: 'other (remainder)',
    what: 'usage − (anon + file + shmem + kernel): what the listed parts do not explain.',
    reclaim: 'Unknown.',
    causes:
      'Per-CPU accounting batches (v1 usage is batched, so this may even be negative), unevictable or mlocked pages.',
  },
  slab_reclaimable: {
    title: 'slab_reclaimable',
    what: 'Kernel caches that can be dropped: mostly dentries and inodes of files the cgroup looked at.',
    reclaim: 'Yes, under pressure.',
    causes: 'Walking many files and directories (find, du, builds, node_modules).',
  },
  slab_unreclaimable: {
    title: 'slab_unreclaimable',
    what: 'Kernel objects in use that cannot be dropped (network, file handles, …).',
    reclaim: 'No: freed when their owners are.',
    causes: 'Many open files, sockets, epoll instances.',
  },
  kernel_stack: {
    title: 'kernel_stack',
    what: 'One kernel stack per thread (16Ki on x86-64).',
    reclaim: 'No: freed when threads exit.',
    causes: 'Many threads.',
  },
  pagetables: {
    title: 'pagetables',
    what: 'The tables mapping virtual to physical memory for the cgroup’s processes.',
    reclaim: 'No.',
    causes: 'Large heaps, many processes mapping much memory.',
  },
  sec_pagetables: {
    title: 'sec_pagetables',
    what: 'Secondary page tables (KVM, IOMMU).',
    reclaim: 'No.',
    causes: 'Virtual machines or devices in the container.',
  },
  percpu: {
    title: 'percpu',
    what: 'Per-CPU kernel counters of the cgroup.',
    reclaim: 'No.',
    causes: 'Many CPUs; many cgroups.',
  },
  sock: {
    title: 'sock (socket buffers)',
    what: 'Network buffers charged to the cgroup (counted in usage, not in the kernel counter).',
    reclaim: 'No: freed when the data is read or sent.',
    causes: 'Many connections, slow readers, large TCP windows.',
  },
  vmalloc: {
    title: 'vmalloc',
    what: 'Kernel virtual allocations charged to the cgroup.',
    reclaim: 'No.',
    causes: 'eBPF maps, some drivers.',
  },
  kmem: {
    title: 'kmem (cgroup v1 kernel memory)',
    what: 'All kernel memory charged to the cgroup (memory.kmem.usage_in_bytes): slab, stacks, page tables.',
    reclaim: 'Partly (the reclaimable slab).',
    causes: 'Many files, threads, sockets.',
  },
};

export interface Category {
  id: string;
  label: string;
  bytes: number | null;
  sub: boolean;
  /** In the working set? */
  inWorkingSet: string;
  reclaimable: string;
  char: string;
  tone: Tone;
  source: string | null;
}

/** anon memory and its two LRU lists (sub-parts). */
function anonCategories(c: ContainerAnalysis): Category[] {
  const b = c.breakdown;
  return [
    {
      id: 'anon',
      label: 'anon',
      bytes: b.anonBytes,
      sub: false,
      inWorkingSet: 'yes',
      reclaimable: 'no (swap)',
      char: PART_GLYPH.anon,
      tone: 'magenta',
      source: c.sources.anonBytes ?? null,
    },
    {
      id: 'active_anon',
      label: 'active_anon',
      bytes: b.activeAnonBytes,
      sub: true,
      inWorkingSet: 'yes',
      reclaimable: 'no (swap)',
      char: ' ',
      tone: 'magenta',
      source: c.sources.activeAnonBytes ?? null,
    },
    {
      id: 'inactive_anon',
      label: 'inactive_anon',
      bytes: b.inactiveAnonBytes,
      sub: true,
      inWorkingSet: 'yes',
      reclaimable: 'no (swap)',
      char: ' ',
      tone: 'magenta',
      source: c.sources.inactiveAnonBytes ?? null,
    },
  ];
}

/** Page cache (active, inactive) and shmem. */
function cacheCategories(c: ContainerAnalysis): Category[] {
  const b = c.breakdown;
  return [
    {
      id: 'file_active',
      label: 'file active',
      bytes: b.activeFileBytes,
      sub: false,
      inWorkingSet: 'yes',
      reclaimable: 'yes, later',
      char: PART_GLYPH.fileActive,
      tone: 'blue',
      source: c.sources.activeFileBytes ?? null,
    },
    {
      id: 'file_inactive',
      label: 'file inactive',
      bytes: b.inactiveFileBytes,
      sub: false,
      inWorkingSet: 'no',
      reclaimable: 'yes, first',
      char: PART_GLYPH.fileInactive,
      tone: 'cyan',
      source: c.sources.inactiveFileBytes ?? null,
    },
    {
      id: 'shmem',
      label: 'shmem',
      bytes: b.shmemBytes,
      sub: false,
      inWorkingSet: 'yes',
      reclaimable: 'no (swap)',
      char: PART_GLYPH.shmem,
      tone: 'yellow',
      source: c.sources.shmemBytes ?? null,
    },
  ];
}

/** Kernel memory, then its parts (slab, stacks, …) as sub-parts. */
function kernelCategories(c: ContainerAnalysis): Category[] {
  const b = c.breakdown;
  const out: Category[] = [
    {
      id: 'kernel',
      label: 'kernel',
      bytes: b.kernelBytes,
      sub: false,
      inWorkingSet: 'yes',
      reclaimable: 'partly',
      char: PART_GLYPH.kernel,
      tone: 'red',
      source: c.sources.kernelBytes ?? null,
    },
  ];
  for (const [k, v] of Object.entries(b.kernelParts)) {
    if (k === 'kmem' && Object.keys(b.kernelParts).length === 1) continue; // v1: the same number as kernel.
    out.push({
      id: k,
      label: k,
      bytes: v,
      sub: true,
      inWorkingSet: 'yes',
      reclaimable: k === 'slab_reclaimable' ? 'yes' : 'no',
      char: ' ',
      tone: 'red',
      source: null,
    });
  }
  return out;
}

/** What the other parts do not explain. */
function otherCategory(c: ContainerAnalysis): Category {
  return {
    id: 'other',
    label: 'other',
    bytes: c.breakdown.otherBytes,
    sub: false,
    inWorkingSet: 'yes',
    reclaimable: '?',
    char: PART_GLYPH.other,
    tone: 'gray',
    source: c.sources.otherBytes ?? null,
  };
}

/** The rows of the table, top-level parts with their sub-parts. Sum of top-level parts = usage. */
export function categories(c: ContainerAnalysis): Category[] {
  return [...anonCategories(c), ...cacheCategories(c), ...kernelCategories(c), otherCategory(c)];
}

export function stackedBar(cats: Category[], usage: number, width: number): Line {
  const top = cats.filter((k) => !k.sub);
  const positive = top.reduce((s, k) => s + (k.bytes !== null && k.bytes > 0 ? k.bytes : 0), 0);
  // Scale to usage, or to the parts' sum when inconsistent files make the parts exceed usage.
  const total = Math.max(usage, positive);
  const cells = proportionalCells(
    top.map((k) => k.bytes),
    Math.round((positive / Math.max(1, total)) * width),
  );
  return top.map((k, i) => seg(k.char.repeat(cells[i] ?? 0), { color: k.tone }));
}

export function breakdownModel({ analysis: a, nav, width }: ScreenProps): ScreenModel {
  const c = a.containers[nav.container];
  if (!c) return { lines: [line('No containers in the pod spec.')], rows: [] };
  const lines: Line[] = [];
  lines.push(
    ...titled(
      `Container ${c.name}`,
      `usage ${formatBytes(c.usageBytes)} = anon + file + shmem + kernel + other`,
      width,
    ),
  );
  if (c.usageBytes === null || c.breakdown.anonBytes === null) {
    const why =
      c.usageBytes === null
        ? containerReason(a, c)
        : 'figures come from the kubelet or metrics API, which give no memory.stat breakdown';
    lines.push(BLANK, ...para(`The breakdown is unknown (?): ${why}.`, width));
    return { subtitle: c.name, lines, rows: [] };
  }
  const cats = categories(c);
  const barW = Math.max(10, Math.min(70, width - 2));
  lines.push(stackedBar(cats, c.usageBytes, barW));
  lines.push(
    line(
      ...cats
        .filter((k) => !k.sub)
        .flatMap((k) => [seg(k.char === ' ' ? '■' : k.char, { color: k.tone }), seg(` ${k.label}  `, { dim: true })]),
    ),
  );
  lines.push(BLANK);
  const labelW = 24;
  lines.push(
    line(
      seg(`${pad('CATEGORY', labelW)}${padLeft('BYTES', 9)}${padLeft('% USAGE', 9)}  ${pad('IN WSET', 9)}RECLAIMABLE`, {
        dim: true,
      }),
    ),
  );
  const rows: number[] = [];
  for (const k of cats) {
    rows.push(lines.length);
    const share = k.bytes === null || c.usageBytes <= 0 ? null : k.bytes / c.usageBytes;
    lines.push(
      line(
        k.sub ? '  ' : seg(`${k.char === ' ' ? '■' : k.char} `, { color: k.tone }),
        seg(pad(k.sub ? `  ${k.label}` : k.label, labelW - 2), { bold: !k.sub, dim: k.sub }),
        padLeft(formatBytes(k.bytes), 9),
        seg(padLeft(share !== null && share > 0 && share < 0.005 ? '<1%' : formatPercent(share), 9), { dim: true }),
        '  ',
        seg(pad(k.inWorkingSet, 9), { color: k.inWorkingSet === 'no' ? 'green' : undefined }),
        seg(k.reclaimable, { color: k.reclaimable.startsWith('yes') ? 'green' : undefined }),
      ),
    );
  }
  const sel = cats[selectedRow({ rows }, nav.selected.breakdown)];
  const pinned: Line[] = [];
  if (sel) {
    const info = CATEGORY_INFO[sel.id] ?? {
      title: sel.label,
      what: 'A part of the cgroup’s kernel memory (memory.stat).',
      reclaim: 'No.',
      causes: '?',
    };
    const short = shortener(a);
    pinned.push(line(seg('─'.repeat(Math.min(width, 80)), { dim: true })));
    pinned.push(
      line(
        seg(`${info.title}: ${formatBytes(sel.bytes)}`, { bold: true }),
        sel.source ? seg(`  [${short(sel.source)}]`, { dim: true }) : '',
      ),
    );
    pinned.push(...para(info.what, width));
    pinned.push(
      ...para(info.reclaim, width, { first: seg('Reclaimable: ', { color: 'green' }), prefix: 'Reclaimable: ' }),
    );
    pinned.push(...para(info.causes, width, { first: seg('Usually: ', { color: 'yellow' }), prefix: 'Usually: ' }));
  }
  return { subtitle: c.name, lines, rows, pinned };
}

export function BreakdownScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={breakdownModel(props)}
      height={props.height}
      selected={props.nav.selected.breakdown}
      color={props.color}
    />
  );
}
