/**
 * Small general-purpose vega-lite v5 chart builders for notebooks: histograms (linear or log-binned),
 * line and scatter plots with several named series, on linear or log axes. Pure functions from
 * plain numbers to a JSON spec; {@link VegaLiteSpec} is what `show()` displays.
 * @packageDocumentation
 */
import type { VegaLiteSpec } from './types';
import { VEGA_LITE_V5_SCHEMA } from './esdSpec';

/** One named series of (x, y) points. */
export interface Series {
  /** Legend name. */
  name: string;
  /** x values. */
  x: ArrayLike<number>;
  /** y values (same length as x). */
  y: ArrayLike<number>;
  /** 'line' (default for curves) or 'point'. */
  mark?: 'line' | 'point';
}

/** Axis and layout options shared by the chart builders. */
export interface ChartOptions {
  /** Chart title. */
  title?: string;
  /** x-axis title. */
  xTitle?: string;
  /** y-axis title. */
  yTitle?: string;
  /** Logarithmic x axis. */
  logX?: boolean;
  /** Logarithmic y axis. */
  logY?: boolean;
  /** Width in pixels (default 420). */
  width?: number;
  /** Height in pixels (default 260). */
  height?: number;
}

function base(options: ChartOptions): VegaLiteSpec {
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_V5_SCHEMA,
    width: options.width ?? 420,
    height: options.height ?? 260,
  };
  if (options.title !== undefined) spec.title = options.title;
  return spec;
}

function axis(field: string, title: string | undefined, log: boolean | undefined): { [k: string]: unknown } {
  return { field, type: 'quantitative', title: title ?? field, scale: log ? { type: 'log' } : { zero: false } };
}

/**
 * Line/scatter plot of several series. Non-finite points, and non-positive ones on a log axis, are
 * dropped (a log axis cannot show them).
 */
export function seriesChart(series: Series[], options: ChartOptions = {}): VegaLiteSpec {
  const values: { x: number; y: number; series: string; mark: string }[] = [];
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      const x = s.x[i], y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if ((options.logX && x <= 0) || (options.logY && y <= 0)) continue;
      values.push({ x, y, series: s.name, mark: s.mark ?? 'line' });
    }
  }
  const enc = {
    x: axis('x', options.xTitle, options.logX),
    y: axis('y', options.yTitle, options.logY),
    color: { field: 'series', type: 'nominal', title: null },
  };
  return {
    ...base(options),
    data: { values },
    layer: [
      { transform: [{ filter: "datum.mark === 'line'" }], mark: { type: 'line', clip: true }, encoding: enc },
      { transform: [{ filter: "datum.mark === 'point'" }], mark: { type: 'point', filled: true, size: 28, clip: true }, encoding: enc },
    ],
  };
}

/** A histogram bin: [x0, x1) with a density (integrates to 1 over all bins). */
export interface HistogramBin {
  /** Left edge. */
  x0: number;
  /** Right edge. */
  x1: number;
  /** Count / (n · width). */
  density: number;
}

/**
 * Density histogram with `bins` bins, linear (default) or logarithmic (`log: true`, positive values
 * only) widths. Values outside [lo, hi] (default: min, max) are ignored.
 */
export function histogramBins(values: ArrayLike<number>, bins = 60, options: { log?: boolean; lo?: number; hi?: number } = {}): HistogramBin[] {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && (!options.log || v > 0)) xs.push(v);
  }
  if (xs.length === 0 || bins < 1) return [];
  let lo = options.lo ?? Math.min(...xs);
  let hi = options.hi ?? Math.max(...xs);
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 1e-9);
  const t = options.log ? Math.log : (v: number): number => v;
  const ti = options.log ? Math.exp : (v: number): number => v;
  if (options.log) lo = Math.max(lo, Number.MIN_VALUE);
  const a = t(lo), b = t(hi), w = (b - a) / bins;
  const counts = new Float64Array(bins);
  let n = 0;
  for (const v of xs) {
    if (v < lo || v > hi) continue;
    const k = Math.min(bins - 1, Math.floor((t(v) - a) / w));
    counts[k]++;
    n++;
  }
  const out: HistogramBin[] = [];
  for (let k = 0; k < bins; k++) {
    const x0 = ti(a + k * w), x1 = ti(a + (k + 1) * w);
    out.push({ x0, x1, density: n > 0 ? counts[k] / (n * (x1 - x0)) : 0 });
  }
  return out;
}

/**
 * Density histogram of `values` (bars), with optional overlaid curves (e.g. the Marchenko–Pastur
 * density). With `logX`/`logY` the bins are logarithmic and empty bins are left out.
 */
export function histogramChart(values: ArrayLike<number>, options: ChartOptions & { bins?: number; curves?: Series[]; name?: string } = {}): VegaLiteSpec {
  const hist = histogramBins(values, options.bins ?? 60, { log: options.logX });
  const bars = hist.filter((h) => !options.logY || h.density > 0).map((h) => ({ ...h, series: options.name ?? 'ESD' }));
  const layer: unknown[] = [{
    data: { values: bars },
    mark: { type: 'rect', opacity: 0.55, clip: true },
    encoding: {
      x: axis('x0', options.xTitle ?? 'λ', options.logX),
      x2: { field: 'x1' },
      y: { ...axis('density', options.yTitle ?? 'density', options.logY), ...(options.logY ? {} : { scale: { zero: true } }) },
      color: { field: 'series', type: 'nominal', title: null },
    },
  }];
  if (options.curves && options.curves.length) {
    const line = seriesChart(options.curves, { ...options, xTitle: options.xTitle ?? 'λ', yTitle: options.yTitle ?? 'density' });
    const lv = (line.data as { values: unknown[] }).values;
    for (const l of line.layer as { encoding: { y: { [k: string]: unknown } }; [k: string]: unknown }[]) {
      // share the bars' y scale (zero-based on a linear axis): conflicting `zero` settings make vega warn
      const encoding = options.logY ? l.encoding : { ...l.encoding, y: { ...l.encoding.y, scale: { zero: true } } };
      layer.push({ ...l, encoding, data: { values: lv } });
    }
  }
  return { ...base(options), layer };
}
