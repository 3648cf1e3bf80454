/**
 * The Node-side model API: `describe(model)` and `analyze(model, options)` accept a path, URL,
 * an opened {@link Model}, or in-memory tensors, open what needs opening, run the pure
 * `analyzeModel` with `analyzeLayer` on every layer, add the model summary, and close what they
 * opened.
 */
import { analyzeLayer } from '../core/analyzeLayer';
import { analyzeModel, describeModel, type AnalyzeModelOptions, type LayerAnalyzer, type ModelAnalysis, type ModelDescription } from '../core/analyzeModel';
import type { LayerFilterOptions } from '../core/layerFilter';
import { modelSummary, type ModelSummary } from '../core/metrics';
import { ProgressDisplay } from '../display/progress';
import { asLayerSource, modelFromTensors, type LayersOfOptions, type Model } from '../io/model';
import { openModelOrUrl, type OpenOptions } from './openAny';

/** What {@link analyze} and {@link describe} accept as a model. */
export type ModelInput = string | Model | Record<string, unknown> | Map<string, unknown>;

function isModel(x: unknown): x is Model {
  return typeof x === 'object' && x !== null && typeof (x as Model).readTensor === 'function' && Array.isArray((x as Model).tensors);
}

async function withModel<T>(input: ModelInput, open: OpenOptions, fn: (m: Model) => Promise<T>): Promise<T> {
  if (isModel(input)) return fn(input);
  const m = typeof input === 'string' ? await openModelOrUrl(input, open) : modelFromTensors(input);
  try {
    return await fn(m);
  } finally {
    await m.close();
  }
}

/** Options of {@link analyze}: layer filters, per-layer options, progress, base model, download options. */
export interface AnalyzeOptions extends Omit<AnalyzeModelOptions, 'base' | 'layerOptions'>, OpenOptions, LayersOfOptions {
  /**
   * Options for every layer's `analyzeLayer` call (e.g. `{normalize: 'none'}`, `{preset: 'ww'}`,
   * fit options). Recorded in the result and in every row.
   */
  layerOptions?: Record<string, unknown>;
  /** A base model (path, URL, Model or tensors): rows analyze W − W_base. */
  base?: ModelInput;
  /**
   * In a notebook (esdlab kernel), show one updating progress line (layer i/n, name, ETA); default
   * true. Silent outside a kernel. `onProgress` is called either way.
   */
  display?: boolean;
}

/** {@link analyze}'s result: the rows, skipped layers, options, and the WeightWatcher-style summary (means). */
export interface AnalysisResult extends ModelAnalysis {
  summary: ModelSummary;
}

/**
 * Analyzes every layer of a model (see the module docs for the accepted inputs). One layer's weights
 * are in memory at a time.
 */
export async function analyze(input: ModelInput, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const { base, display, onProgress, ...rest } = options;
  let bar: ProgressDisplay | null = null;
  const progress = (e: Parameters<NonNullable<AnalyzeOptions['onProgress']>>[0]): void => {
    if (display !== false) {
      bar ??= new ProgressDisplay({ total: e.total, label: 'layers' });
      const eta = e.etaMs === null ? '' : `, ETA ${Math.round(e.etaMs / 1000)} s`;
      if (e.stage === 'start') bar.update(e.index - 1, `${e.name}${eta}`);
      else if (e.index === e.total) bar.finish(`done in ${(e.elapsedMs / 1000).toFixed(1)} s`);
    }
    onProgress?.(e);
  };
  const run = async (m: Model, b: Model | null): Promise<AnalysisResult> => {
    const res = await analyzeModel(asLayerSource(m, options), analyzeLayer as unknown as LayerAnalyzer, { ...rest, onProgress: progress, ...(b ? { base: asLayerSource(b, options) } : {}) });
    const ok = res.layers.filter((r) => r.status === 'success');
    return { ...res, summary: modelSummary(ok as Parameters<typeof modelSummary>[0]) };
  };
  return withModel(input, options, (m) => (base === undefined ? run(m, null) : withModel(base, options, (b) => run(m, b))));
}

/** Lists a model's layers (names, types, shapes, N, M, rf, num_evals) as {@link analyze} would select them, without computing spectra. */
export async function describe(input: ModelInput, options: LayerFilterOptions & OpenOptions & LayersOfOptions = {}): Promise<ModelDescription> {
  return withModel(input, options, async (m) => describeModel(asLayerSource(m, options), options));
}
