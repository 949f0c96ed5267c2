// Plain-text tables: no borders, two spaces between columns, headers in bold when colour is on.
// Hand-rolled because cli-table3's default styles emit colour codes even when piped.

import type { ChalkInstance } from 'chalk';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: 'left' | 'right';
  /** Colour a cell after its width is measured. */
  style?: (text: string, row: Row) => string;
  /** Longer cells are cut with an ellipsis. */
  maxWidth?: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

function truncate(text: string, max: number | undefined): string {
  if (max === undefined || [...text].length <= max) return text;
  return `${[...text].slice(0, Math.max(1, max - 1)).join('')}…`;
}

export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], chalk: ChalkInstance): string {
  const cells = rows.map((row) => columns.map((column) => truncate(column.value(row), column.maxWidth)));
  const widths = columns.map((column, i) =>
    Math.max(visibleWidth(column.header), ...cells.map((line) => visibleWidth(line[i]!))),
  );
  const pad = (text: string, i: number, styled: string): string => {
    const gap = ' '.repeat(widths[i]! - visibleWidth(text));
    return columns[i]!.align === 'right' ? gap + styled : styled + gap;
  };
  const header = columns.map((column, i) => pad(column.header, i, chalk.bold(column.header))).join('  ');
  const body = cells.map((line, r) =>
    line
      .map((text, i) => {
        const style = columns[i]!.style;
        return pad(text, i, style ? style(text, rows[r]!) : text);
      })
      .join('  ')
      .trimEnd(),
  );
  return [header.trimEnd(), ...body].join('\n') + '\n';
}
