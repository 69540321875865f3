/** Plain aligned columns (no borders), measured without colour codes. */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

export interface TableOptions {
  indent?: string;
  /** Columns aligned to the right (numbers). */
  right?: readonly number[];
  gap?: string;
}

export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell))));
  const gap = options.gap ?? '  ';
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      if (i === row.length - 1 && !options.right?.includes(i)) return cell;
      const pad = ' '.repeat((widths[i] ?? 0) - visibleWidth(cell));
      return options.right?.includes(i) ? pad + cell : cell + pad;
    });
    return `${options.indent ?? ''}${cells.join(gap)}`.trimEnd();
  });
}
