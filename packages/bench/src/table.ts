// Plain-text tables for the benchmark's console output: left-aligned text, right-aligned numbers.

/**
 * Renders rows under a header, columns separated by two spaces. A cell that looks like a number
 * (digits, optional sign, decimals, a unit suffix such as `ms`, `MB` or `×`) is right-aligned so
 * columns of figures line up.
 * @example formatTable(['size', 'ms'], [['20', '812'], ['200', '4100']])
 * // 'size    ms\n20     812\n200   4100'
 */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const columns = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const numeric = Array.from({ length: columns }, (_, i) => rows.length > 0 && rows.every((r) => isNumberLike(r[i] ?? '')));
  return all
    .map((row) =>
      Array.from({ length: columns }, (_, i) => {
        const cell = row[i] ?? '';
        const width = widths[i] ?? 0;
        return numeric[i] ? cell.padStart(width) : cell.padEnd(width);
      })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function isNumberLike(cell: string): boolean {
  return cell === 'n/a' || cell === '-' || /^[-+]?\d[\d,]*(\.\d+)?\s*(ms|s|MB|KB|B|×|%)?$/.test(cell);
}

/**
 * A number for a table cell, `n/a` when absent.
 * @example fmt(1234.567, 1) // '1234.6'
 * @example fmt(null) // 'n/a'
 */
export function fmt(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}
