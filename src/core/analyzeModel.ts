/**
 * Model-level analysis: runs a per-layer analyzer (normally `analyzeLayer`) over the layers of any
 * {@link LayerSource}, one layer in memory at a time, with WeightWatcher-style filters, base-model
 * deltas (W − W_base), progress reports, and one row per layer. A layer whose weights hold NaN/Inf or
 * are all zero, or whose analysis fails on bad input, gets a row with `status: 'failed'` and a
 * `reason`; the analysis goes on. Pure code: the Node loaders provide the source.
 */
import { EsdlabError, isEsdlabError } from './errors';
import { filterLayers, resolveLayerFilter, type LayerFilterOptions, type ResolvedLayerFilter, type SkippedLayer } from './layerFilter';
import { firstNonFinite, firstNonzero, unravelIndex, type DenseTensor, type NumericArray } from './matrix';
import type { LayerInfo } from './modelLayers';

/** Where layers come from: a list plus a lazy reader (a loaded model, or anything else). */
export interface LayerSource {
  /** Label of the model (path, URL, `memory`). */
  source: string;
  /** Format name (`safetensors`, `tfjs-graph`, …). */
  format: string;
  /** All layers, in order. */
  layers: LayerInfo[];
  /**
   * Reads one layer's weight tensor (the only copy of it held during its analysis). `reuse` is the
   * previous layer's array, no longer needed: a reader may decode into it instead of allocating.
   */
  read(layer: LayerInfo, reuse?: NumericArray | null): Promise<DenseTensor>;
}

/** Identity columns every row starts with. */
export interface LayerIdentity {
  layer_id: number;
  name: string;
  longname: string;
  layer_type: string;
  /** Attention projection role from the name (q, k, v, o, qkv) or null. */
  attention: string | null;
  shape: number[];
  /** Stored dtype. */
  dtype: string;
  /** Dequantization applied when reading, or null. */
  dequantized: string | null;
  /** True when the row analyzes W − W_base. */
  delta: boolean;
  /** LoRA rank r when the row analyzes a product B·A (absent otherwise). */
  lora_rank?: number;
}

/** One result row: identity + whatever the layer analyzer returns (WeightWatcher column names). */
export type ModelRow = LayerIdentity & Record<string, unknown> & { status: string; reason?: string };

/** The per-layer analyzer: one weight tensor → one row (e.g. `analyzeLayer`). */
export type LayerAnalyzer = (W: DenseTensor, options: Record<string, unknown>) => Record<string, unknown>;

/** A progress report (sent before and after each layer). */
export interface ProgressEvent {
  /** `start` before reading a layer, `done` after its row is made. */
  stage: 'start' | 'done';
  /** 1-based position among the selected layers. */
  index: number;
  /** Number of selected layers. */
  total: number;
  layer_id: number;
  name: string;
  /** Milliseconds since the analysis began. */
  elapsedMs: number;
  /** Estimated milliseconds left (from the work done so far, weighted by layer size), or null at first. */
  etaMs: number | null;
}

/** Options of {@link analyzeModel}. */
export interface AnalyzeModelOptions extends LayerFilterOptions {
  /** Options passed to the layer analyzer for every layer (normalize, preset, fit options…). */
  layerOptions?: Record<string, unknown>;
  /** Called before and after each layer. */
  onProgress?: (e: ProgressEvent) => void;
  /** A base model: every layer is analyzed as W − W_base (matched by full name and shape). */
  base?: LayerSource;
  /** Let the reader decode each layer into the previous layer's array (default true; the analyzer must not keep W). */
  reuseBuffers?: boolean;
  /** Ask the analyzer for each layer's eigenvalues and keep them in the row as `eigenvalues` (default false: rows stay small). */
  keepEigenvalues?: boolean;
}

/** The result of {@link analyzeModel}: plain JSON. */
export interface ModelAnalysis {
  source: string;
  format: string;
  /** One row per selected layer, in model order. */
  layers: ModelRow[];
  /** Layers not analyzed, with reasons. */
  skipped: SkippedLayer[];
  /** Options used (filter after defaults, layer options, base model). */
  options: { filter: ResolvedLayerFilter; layerOptions: Record<string, unknown>; base: string | null };
  /** Number of rows per status. */
  counts: Record<string, number>;
}

function workOf(l: LayerInfo): number {
  return l.rf * (l.N * l.M * l.M + 2 * l.M * l.M * l.M) + 1;
}

/**
 * Checks weights; returns a reason string for NaN/Inf/all-zero weights, else null. The analysis runs
 * only the cheap all-zero part up front (the spectrum engine detects NaN/Inf itself, and this full
 * scan then names the element).
 */
export function weightProblem(t: DenseTensor): string | null {
  const i = firstNonFinite(t.data);
  if (i >= 0) {
    return `weights contain ${Number.isNaN(t.data[i]) ? 'NaN' : 'Inf'} (first at [${unravelIndex(i, t.shape).join(', ')}])`;
  }
  return firstNonzero(t.data) >= 0 ? null : 'all weights are zero';
}

function identity(l: LayerInfo, delta: boolean): LayerIdentity {
  return {
    layer_id: l.layer_id, name: l.name, longname: l.longname, layer_type: l.layer_type, attention: l.attention,
    shape: l.shape.slice(), dtype: l.dtype, dequantized: l.dequantized, delta,
    ...(l.lora ? { lora_rank: l.lora.rank } : {}),
  };
}

/**
 * Analyzes every selected layer of `source` with `analyzer`, one at a time.
 * @throws EsdlabError for bad options; per-layer input problems become failed rows instead.
 */
export async function analyzeModel(source: LayerSource, analyzer: LayerAnalyzer, options: AnalyzeModelOptions = {}): Promise<ModelAnalysis> {
  const filter = resolveLayerFilter(options);
  const layerOptions = { ...(options.layerOptions ?? {}) };
  const { selected, skipped } = filterLayers(source.layers, filter);
  const baseByName = new Map<string, LayerInfo>();
  if (options.base) for (const l of options.base.layers) baseByName.set(l.longname, l);
  const totalWork = selected.reduce((a, l) => a + workOf(l), 0);
  let doneWork = 0;
  const t0 = Date.now();
  const rows: ModelRow[] = [];
  const report = (stage: 'start' | 'done', i: number, l: LayerInfo): void => {
    if (!options.onProgress) return;
    const elapsedMs = Date.now() - t0;
    const etaMs = doneWork > 0 ? (elapsedMs * (totalWork - doneWork)) / doneWork : null;
    options.onProgress({ stage, index: i + 1, total: selected.length, layer_id: l.layer_id, name: l.name, elapsedMs, etaMs });
  };
  // the previous layer's array, handed back to the reader: one tensor-sized buffer for the whole run
  // instead of one dead buffer per layer waiting for the garbage collector (the analyzer keeps no W)
  let spare: NumericArray | null = null;
  for (let i = 0; i < selected.length; i++) {
    const l = selected[i];
    report('start', i, l);
    const id = identity(l, !!options.base);
    let row: ModelRow;
    let checked: DenseTensor | null = null; // the weights being analyzed, for naming a NaN/Inf
    try {
      let W = await source.read(l, options.reuseBuffers === false ? null : spare);
      spare = null;
      const read = W.data;
      if (options.base) {
        const b = baseByName.get(l.longname);
        if (!b) throw new EsdlabError('NOT_FOUND', 'no layer of this name in the base model', { tensor: l.longname });
        const Wb = await options.base.read(b);
        if (Wb.shape.join('x') !== W.shape.join('x')) throw new EsdlabError('INVALID_SHAPE', `base layer shape [${Wb.shape.join(', ')}] differs from [${W.shape.join(', ')}]`, { tensor: l.longname });
        const d = new Float64Array(W.data.length);
        for (let k = 0; k < d.length; k++) d[k] = W.data[k] - Wb.data[k];
        W = { data: d, shape: W.shape.slice() };
      }
      checked = W;
      if (firstNonzero(W.data) < 0) {
        row = { ...id, status: 'failed', reason: 'all weights are zero' };
      } else {
        const r = analyzer(W, {
          ...layerOptions, ...(options.keepEigenvalues ? { keepEigenvalues: true } : {}),
          name: l.name, layerType: l.layer_type, ...(l.layout ? { layout: l.layout } : {}),
        });
        if (!options.keepEigenvalues) delete r.eigenvalues;
        row = { ...id, ...r, ...id, status: typeof r.status === 'string' ? r.status : 'success' } as ModelRow;
      }
      spare = read;
    } catch (e) {
      if (!isEsdlabError(e)) throw e;
      row = { ...id, status: 'failed', reason: (e.code === 'NON_FINITE' && checked ? weightProblem(checked) : null) ?? e.message };
    }
    rows.push(row);
    doneWork += workOf(l);
    report('done', i, l);
  }
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    source: source.source, format: source.format, layers: rows, skipped,
    options: { filter, layerOptions, base: options.base ? options.base.source : null }, counts,
  };
}

/** The result of {@link describeModel}: the layers that would be analyzed (no spectra computed). */
export interface ModelDescription {
  source: string;
  format: string;
  /** Selected layers with names, types, shapes, N, M, Q, rf, num_evals. */
  layers: LayerInfo[];
  /** Layers left out by the filter, with reasons. */
  skipped: SkippedLayer[];
  /** Filter used (after defaults). */
  filter: ResolvedLayerFilter;
}

/** Lists the layers {@link analyzeModel} would analyze with the same filter options, without reading weights. */
export function describeModel(source: Pick<LayerSource, 'source' | 'format' | 'layers'>, options: LayerFilterOptions = {}): ModelDescription {
  const filter = resolveLayerFilter(options);
  const { selected, skipped } = filterLayers(source.layers, filter);
  return { source: source.source, format: source.format, layers: selected, skipped, filter };
}
