/**
 * Progress of a model analysis in a notebook: an `onProgress` callback for `analyze()` /
 * `analyzeModel()` that shows one updating progress output (layer i of n, current layer, time left)
 * and makes the analysis interruptible — when the user presses Jupyter's interrupt button while
 * the analysis runs, the next progress event throws {@link InterruptedError}, which stops the loop
 * between two layers.
 *
 * ```ts
 * const res = await analyze('model.safetensors', { onProgress: notebookProgress() });
 * ```
 * @packageDocumentation
 */
import type { ProgressEvent } from '../core/analyzeModel';
import { currentInterruptSignal, getCommManager } from '../kernel/protocol';
import { ProgressDisplay } from './progress';
import { findTslabSink } from './tslabSink';

/** Thrown from a progress callback when the running cell was interrupted. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted by the user') {
    super(message);
    this.name = 'InterruptedError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** True when code runs in a notebook kernel (esdlab's, or stock tslab) where displays are shown. */
export function inNotebook(): boolean {
  return getCommManager() !== null || findTslabSink() !== null;
}

/** Options of {@link notebookProgress}. */
export interface NotebookProgressOptions {
  /** Label before the bar. Default `layers`. */
  label?: string;
  /** Minimum time between two display updates, ms. Default 200. */
  minIntervalMs?: number;
  /** Throw {@link InterruptedError} once the cell is interrupted. Default true. */
  interruptible?: boolean;
}

function seconds(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

/** An `onProgress` callback showing an updating progress output (see the file comment). */
export function notebookProgress(options: NotebookProgressOptions = {}): (e: ProgressEvent) => void {
  const signal = currentInterruptSignal();
  let display: ProgressDisplay | null = null;
  return (e: ProgressEvent) => {
    if (options.interruptible !== false && signal.aborted) throw new InterruptedError(`interrupted by the user before layer ${e.index}/${e.total} (${e.name})`);
    display ??= new ProgressDisplay({ total: e.total, label: options.label ?? 'layers', minIntervalMs: options.minIntervalMs });
    if (e.stage === 'start') {
      display.update(e.index - 1, e.name);
    } else if (e.index >= e.total) {
      display.finish(`done in ${seconds(e.elapsedMs)}`);
    } else {
      const eta = seconds(e.etaMs);
      display.update(e.index, eta ? `${e.name} (about ${eta} left)` : e.name);
    }
  };
}
