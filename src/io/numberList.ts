/**
 * One-number-per-line text files (the input of `esdlab fit`). Blank lines and lines starting with
 * `#` are skipped; every other line must hold exactly one decimal number (`1`, `-2.5`, `3e-4`, …).
 * Errors name the file and the 1-based line: PARSE_ERROR for anything that is not a number,
 * NON_FINITE for `nan`/`inf` spellings, NOT_FOUND / IO_ERROR for unreadable files, TOO_FEW_POINTS
 * for a file without any number.
 */
import { readFileSync } from 'fs';
import { EsdlabError, isEsdlabError } from '../core/errors';

/** Parsed numbers plus the line each came from. */
export interface NumberList {
  /** The values in file order. */
  values: Float64Array;
  /** `lines[i]` is the 1-based line number of `values[i]`. */
  lines: Int32Array;
  /** Where the numbers came from (file path or a label). */
  source: string;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Parses text holding one number per line.
 * @param text file contents
 * @param source file name used in error messages
 */
export function parseNumberList(text: string, source = '<input>'): NumberList {
  const values: number[] = [];
  const lines: number[] = [];
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i].trim();
    if (s === '' || s.startsWith('#')) continue;
    const line = i + 1;
    if (NON_FINITE.test(s)) throw new EsdlabError('NON_FINITE', `'${s}' is not a finite number`, { file: source, line });
    if (!DECIMAL.test(s)) {
      const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
      throw new EsdlabError('PARSE_ERROR', `not a number: '${shown}' (expected one number per line)`, { file: source, line });
    }
    const v = Number(s);
    if (!Number.isFinite(v)) throw new EsdlabError('NON_FINITE', `'${s}' overflows to ${v}`, { file: source, line });
    values.push(v);
    lines.push(line);
  }
  if (values.length === 0) throw new EsdlabError('TOO_FEW_POINTS', 'no numbers in the file (empty?)', { file: source });
  return { values: Float64Array.from(values), lines: Int32Array.from(lines), source };
}

/**
 * Reads and parses a one-number-per-line file.
 * @param path file path
 */
export function readNumberList(path: string): NumberList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (isEsdlabError(e)) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new EsdlabError('NOT_FOUND', 'no such file', { file: path });
    if (code === 'EISDIR') throw new EsdlabError('IO_ERROR', 'is a directory, expected a file', { file: path });
    throw new EsdlabError('IO_ERROR', `cannot read: ${(e as Error).message}`, { file: path });
  }
  return parseNumberList(text, path);
}
