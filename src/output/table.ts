// Plain-text tables through cli-table3: no borders, two spaces between columns, headers in bold when
// colour is on. cli-table3's own styles are emptied (they would colour headers and borders even when
// piped); every colour comes from the chalk instance passed in, so NO_COLOR and pipes are honoured.
// Only listing commands import this module, so `collect` never loads cli-table3.

import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: 'left' | 'right';
  /** Colour a cell (cli-table3 measures the text without its colour codes). */
  style?: (text: string, row: Row) => string;
  /** Longer cells are cut with an ellipsis. */
  maxWidth?: number;
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

// Cut here rather than with cli-table3's colWidths, which would also pad every cell to that width.
function truncate(text: string, max: number | undefined): string {
  if (max === undefined || [...text].length <= max) return text;
  return `${[...text].slice(0, Math.max(1, max - 1)).join('')}…`;
}

export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], chalk: ChalkInstance): string {
  const table = new Table({
    head: columns.map((column) => chalk.bold(column.header)),
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colAligns: columns.map((column) => column.align ?? 'left'),
  });
  for (const row of rows) {
    table.push(
      columns.map((column) => {
        const text = truncate(column.value(row), column.maxWidth);
        return column.style ? column.style(text, row) : text;
      }),
    );
  }
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}
