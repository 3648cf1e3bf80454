/**
 * A progress display for long computations (used by `analyze()`): one output in the notebook that is
 * replaced in place (`update_display_data`) as work advances, with an HTML bar and a text line.
 * Updates are throttled; outside a kernel it is silent unless an `onText` callback is given (e.g. the
 * CLI printing to stderr).
 * @packageDocumentation
 */
import { UpdatingDisplay, type DisplayRoute } from './display';

/** Options of {@link ProgressDisplay}. */
export interface ProgressOptions {
  /** Number of steps (e.g. layers); must be ≥ 0. */
  total: number;
  /** Label before the bar. Default `progress`. */
  label?: string;
  /** Minimum time between two notebook updates, in ms (the first and the final update are always sent). Default 200. */
  minIntervalMs?: number;
  /** Also receives every text line (throttled the same way). */
  onText?: (line: string) => void;
  /** Clock in ms (tests). Default `Date.now`. */
  now?: () => number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] as string));
}

/** Text line of a progress state, e.g. `layers: 3/10 [######--------------]  30% conv1`. */
export function progressText(label: string, done: number, total: number, message = ''): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const width = 20;
  const filled = Math.round(frac * width);
  const pct = `${Math.round(frac * 100)}%`.padStart(4);
  return `${label}: ${done}/${total} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}${message ? ` ${message}` : ''}`;
}

/** An updating progress output. */
export class ProgressDisplay {
  private readonly out = new UpdatingDisplay();
  private readonly total: number;
  private readonly label: string;
  private readonly minInterval: number;
  private readonly onText?: (line: string) => void;
  private readonly now: () => number;
  private last = -Infinity;
  private doneCount = 0;
  /** Route of the last output sent (`none` until one was sent or outside a kernel). */
  route: DisplayRoute = 'none';

  constructor(options: ProgressOptions) {
    this.total = Number.isFinite(options.total) && options.total >= 0 ? Math.floor(options.total) : 0;
    this.label = options.label ?? 'progress';
    this.minInterval = options.minIntervalMs ?? 200;
    this.onText = options.onText;
    this.now = options.now ?? Date.now;
  }

  /** Reports `done` steps finished (and an optional message, e.g. the current layer name). */
  update(done: number, message = ''): void {
    this.doneCount = done;
    const t = this.now();
    const first = this.last === -Infinity;
    if (!first && t - this.last < this.minInterval && done < this.total) return;
    this.last = t;
    this.render(message);
  }

  /** Marks the work finished (always sent). */
  finish(message = 'done'): void {
    this.doneCount = this.total;
    this.last = this.now();
    this.render(message);
  }

  private render(message: string): void {
    const text = progressText(this.label, this.doneCount, this.total, message);
    this.onText?.(text);
    const pct = this.total > 0 ? Math.min(100, (100 * this.doneCount) / this.total) : 100;
    const html = `<div class="esdlab-progress"><span>${escapeHtml(this.label)}</span> <progress value="${pct.toFixed(1)}" max="100"></progress> <span>${this.doneCount}/${this.total}${message ? ` ${escapeHtml(message)}` : ''}</span></div>`;
    this.route = this.out.show({ html, text }).route;
  }
}
