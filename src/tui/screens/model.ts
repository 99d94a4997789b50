// What every screen produces: rows of styled text, which of them can be selected, and rows pinned below the
// scrolling part. Pure; the Ink side is screens/view.tsx.
import type { Analysis } from '../../core/types.js';
import type { Line } from '../format.js';
import type { NavState } from '../navigation.js';
import type { Samples } from '../sparkline.js';

/** What a screen gets: the analysis and its view state, and the room it has. */
export interface ScreenProps {
  analysis: Analysis;
  nav: NavState;
  /** Columns for content (the selection gutter excluded). */
  width: number;
  /** Rows for the body. */
  height: number;
  /** Live-watch samples, when watch has run. */
  samples?: Samples;
}

export interface ScreenModel {
  /** Shown in the title bar, after the screen's name (e.g. the container). */
  subtitle?: string;
  lines: Line[];
  /** List screens: the index in `lines` of each selectable row. Absent: a text screen that scrolls. */
  rows?: number[];
  /** Rows kept at the bottom of the body whatever the scroll (the explanation of the selected row). */
  pinned?: Line[];
}

/** How many rows the scrolling part has. */
export function viewHeight(model: ScreenModel, height: number): number {
  return Math.max(1, height - (model.pinned?.length ?? 0));
}

/** How many positions the selection can take: list rows, or scroll offsets. */
export function rowCount(model: ScreenModel, height: number): number {
  if (model.rows) return model.rows.length;
  return Math.max(1, model.lines.length - viewHeight(model, height) + 1);
}

export interface Viewport {
  /** First line shown. */
  offset: number;
  /** Lines shown. */
  size: number;
  /** The line of the selected row, null on text screens. */
  cursor: number | null;
  total: number;
}

/**
 * Which lines are visible. Lists keep the cursor in view with one row of look-ahead below it; text screens
 * scroll by `selected`.
 */
export function viewport(model: ScreenModel, height: number, selected: number): Viewport {
  const size = viewHeight(model, height);
  const total = model.lines.length;
  const maxOffset = Math.max(0, total - size);
  if (model.rows) {
    if (model.rows.length === 0) return { offset: 0, size, cursor: null, total };
    const sel = Math.min(Math.max(0, selected), model.rows.length - 1);
    const cursor = model.rows[sel]!;
    const isLast = sel === model.rows.length - 1;
    const want = cursor - size + (isLast ? 1 : 2);
    return { offset: Math.min(maxOffset, Math.max(0, want)), size, cursor, total };
  }
  return { offset: Math.min(maxOffset, Math.max(0, selected)), size, cursor: null, total };
}

/** The selected row index clamped to the model (screens use it to show the selected row's details). */
export function selectedRow(model: { rows?: number[] }, selected: number): number {
  const n = model.rows?.length ?? 0;
  return n === 0 ? 0 : Math.min(Math.max(0, selected), n - 1);
}
