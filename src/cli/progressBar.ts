/**
 * The CLI's progress display for model analysis, on stderr: on a terminal a single updating line
 * (`[ 3/29] ██████░░░░ conv_pw_3  ETA 12s`); otherwise one plain line per finished layer.
 */
import type { ProgressEvent } from '../core/analyzeModel';
import { printable } from './rowsFormat';

/** Formats milliseconds as `42s`, `3m05s` or `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A progress callback writing to `write` (stderr); `tty` selects the updating single line. */
export function progressBar(write: (s: string) => void, tty: boolean, width = 20): (e: ProgressEvent) => void {
  let lastLen = 0;
  return (e) => {
    const done = e.stage === 'done' ? e.index : e.index - 1;
    const eta = e.etaMs === null ? '…' : formatDuration(e.etaMs);
    const count = `[${String(e.index).padStart(String(e.total).length)}/${e.total}]`;
    const name = printable(e.name.length > 40 ? `…${e.name.slice(-39)}` : e.name);
    if (tty) {
      const filled = Math.round((width * done) / Math.max(1, e.total));
      const line = `${count} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${name}  ETA ${eta}`;
      write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
      lastLen = line.length;
      if (e.stage === 'done' && e.index === e.total) write(`\r${' '.repeat(lastLen)}\r`);
    } else if (e.stage === 'done') {
      write(`${count} ${name}  elapsed ${formatDuration(e.elapsedMs)}  ETA ${eta}\n`);
    }
  };
}
