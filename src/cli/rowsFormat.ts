/** Text-table and CSV renderings of analysis rows for the CLI. */

/** Formats one cell: numbers to 4 significant digits (integers as they are), null/undefined as `-`. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toPrecision(4);
  }
  if (Array.isArray(v)) return v.join('x');
  if (typeof v === 'object') return JSON.stringify(v);
  return printable(String(v));
}

/** Replaces control characters (newlines, tabs, terminal escape sequences from model files) by spaces / `?`. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\r\n\t]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** A left-aligned text table of `rows` over `columns`, with a header line. */
export function textTable(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (xs: string[]): string => xs.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.slice()), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

function csvField(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = '';
  else if (typeof v === 'number') s = Number.isFinite(v) ? String(v) : '';
  else if (typeof v === 'object') s = Array.isArray(v) ? v.join('x') : JSON.stringify(v);
  else s = String(v);
  // neutralize spreadsheet formulas in names coming from model files
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of `rows`: every column that appears in any row (first-seen order), `options` left out. */
export function csv(rows: ReadonlyArray<Record<string, unknown>>, exclude: readonly string[] = ['options', 'eigenvalues']): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k) && !exclude.includes(k)) cols.push(k);
  return [cols.map(csvField).join(','), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
}
