import { formatDuration, progressBar } from '../src/cli/progressBar';
import { cell, csv, textTable } from '../src/cli/rowsFormat';

describe('CLI progress bar and row formatting', () => {
  test('TTY: one updating line with i/n, bar, name and ETA; cleared at the end', () => {
    let s = '';
    const bar = progressBar((x) => { s += x; }, true, 10);
    bar({ stage: 'start', index: 1, total: 2, layer_id: 0, name: 'a', elapsedMs: 0, etaMs: null });
    expect(s).toBe('\r[1/2] ░░░░░░░░░░ a  ETA …');
    bar({ stage: 'done', index: 1, total: 2, layer_id: 0, name: 'a', elapsedMs: 1000, etaMs: 65000 });
    expect(s.endsWith('\r[1/2] █████░░░░░ a  ETA 1m05s')).toBe(true);
    bar({ stage: 'done', index: 2, total: 2, layer_id: 1, name: 'b', elapsedMs: 2000, etaMs: 0 });
    expect(s.endsWith('\r')).toBe(true);
    expect(s).not.toContain('\n');
  });
  test('not a TTY: one line per finished layer', () => {
    let s = '';
    const bar = progressBar((x) => { s += x; }, false);
    bar({ stage: 'start', index: 1, total: 1, layer_id: 0, name: 'a', elapsedMs: 0, etaMs: null });
    bar({ stage: 'done', index: 1, total: 1, layer_id: 0, name: 'a', elapsedMs: 3600_000 * 2, etaMs: 0 });
    expect(s).toBe('[1/1] a  elapsed 2h00m  ETA 0s\n');
    expect(formatDuration(59_400)).toBe('59s');
  });
  test('cells, text table, CSV escaping (quotes, commas, formulas)', () => {
    expect([cell(null), cell(3), cell(0.000123456), cell(2.5), cell([2, 3]), cell('a\nb')]).toEqual(['-', '3', '1.235e-4', '2.500', '2x3', 'a b']);
    expect(textTable([{ a: 1, b: 'xy' }], ['a', 'b'])).toBe('a  b\n-  --\n1  xy\n');
    expect(cell('evil\u001b[2Jname')).toBe('evil?[2Jname'); // no terminal escapes from model files
    expect(csv([{ name: '=cmd()', x: 1.5, s: 'a,"b"', options: { k: 1 } }])).toBe('name,x,s\r\n\'=cmd(),1.5,"a,""b"""\r\n');
  });
});
