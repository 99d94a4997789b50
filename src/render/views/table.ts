// A kubectl-style table: columns separated by three spaces, padded by visible width, the last column never
// cut (so `| grep` finds what it shows), numbers right-aligned.
import { pad, padLeft } from '../layout.js';

export interface Column<R> {
  header: string;
  cell: (row: R) => string;
  align?: 'left' | 'right';
}

export function table<R>(rows: R[], columns: Array<Column<R>>): string[] {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => [...(row[i] ?? '')].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) =>
        i === values.length - 1 ? v : columns[i]!.align === 'right' ? padLeft(v, widths[i]!) : pad(v, widths[i]!),
      )
      .join('   ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}
