/**
 * What the HTML report shows, as plain data: the input rows (WeightWatcher-style column names, as
 * `analyze()` produces them) mapped to dashboard rows and explorer view models. Pure.
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';
import type { DashboardLayer } from '../viz/dashboardSpec';
import type { ComparisonView, EsdViewData, FitView, MpView, PhaseView } from '../viz/types';

/** One layer row (the columns the report reads; any others are ignored). */
export interface ReportLayerRow {
  /** Layer name (escaped wherever shown). */
  name: string;
  /** Layer type, e.g. dense / conv2d. */
  type?: string | null;
  /** Larger dimension. */
  N?: number | null;
  /** Smaller dimension. */
  M?: number | null;
  /** Aspect ratio N/M. */
  Q?: number | null;
  /** Fitted α. */
  alpha?: number | null;
  /** KS distance. */
  D?: number | null;
  /** Tail lower bound. */
  xmin?: number | null;
  /** Tail upper bound (null: none). */
  xmax?: number | null;
  /** Standard error of α. */
  sigma?: number | null;
  /** Eigenvalues in the fitted tail (WeightWatcher's name). */
  num_pl_spikes?: number | null;
  /** Same, esdlab's name (used when num_pl_spikes is absent). */
  nTail?: number | null;
  /** Fitted MP σ (σ² is the bulk variance in the eigenvalues' normalization). */
  sigma_mp?: number | null;
  /** Top of the MP bulk (eigenvalues above are drawn as spikes). */
  bulk_max?: number | null;
  /** Phase: a name (with `phase_subclass`, `phase_summary` columns), or the classifier's object. */
  phase?: string | PhaseView | null;
  /** Heavy-tailed subclass column. */
  phase_subclass?: string | null;
  /** Phase evidence in words. */
  phase_summary?: string | null;
  /** Likelihood-ratio comparisons. */
  comparisons?: { [alternative: string]: ComparisonView } | null;
  /** Row status (`success`, `failed`, …). */
  status?: string | null;
  /** Why the row failed, if it did. */
  reason?: string | null;
  /** WeightWatcher-style warning text. */
  warning?: string | null;
  /** Other columns. */
  [column: string]: unknown;
}

/** Input of the report renderer. */
export interface ReportInput {
  /** Page title (default "esdlab report"). */
  title?: string;
  /** One row per layer, in model order. */
  layers: ReportLayerRow[];
  /** Model summary (e.g. mean α, mean log-norm); shown as a small table. */
  summary?: { [metric: string]: number | string | null } | null;
  /**
   * Eigenvalues per layer: keyed by layer name, or an array parallel to `layers`. Layers without
   * eigenvalues get a table row but no explorer.
   */
  esds?: { [layerName: string]: ArrayLike<number> | null } | (ArrayLike<number> | null | undefined)[] | null;
  /** Where the model came from (file path or id), shown as text. */
  source?: string;
  /** A generation note (e.g. a timestamp); omitted when absent so output is deterministic. */
  generated?: string;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The phase of a row as a {@link PhaseView} (a bare string becomes `{phase}`). */
export function phaseOf(row: ReportLayerRow): PhaseView | null {
  const p = row.phase;
  if (typeof p === 'string' && p) {
    // analyzeLayer's columns: phase, phase_subclass, phase_summary
    const sub = row.phase_subclass, sum = row.phase_summary;
    return { phase: p, subclass: typeof sub === 'string' && sub ? sub : undefined, summary: typeof sum === 'string' && sum ? sum : undefined };
  }
  if (p && typeof p === 'object' && typeof p.phase === 'string') {
    return { phase: p.phase, subclass: typeof p.subclass === 'string' ? p.subclass : undefined, summary: typeof p.summary === 'string' ? p.summary : undefined };
  }
  return null;
}

/** The fit of a row, or null when α/xmin are missing. */
export function fitOf(row: ReportLayerRow): FitView | null {
  const alpha = num(row.alpha), xmin = num(row.xmin);
  if (alpha === null || xmin === null || !(xmin > 0)) return null;
  const nTail = num(row.num_pl_spikes) ?? num(row.nTail) ?? 0;
  return { alpha, xmin, xmax: num(row.xmax), D: num(row.D) ?? NaN, sigma: num(row.sigma) ?? (nTail > 0 ? (alpha - 1) / Math.sqrt(nTail) : NaN), nTail };
}

/** The eigenvalues given for row `i`, or null. */
export function eigenvaluesOf(input: ReportInput, i: number): ArrayLike<number> | null {
  const e = input.esds;
  if (!e) return null;
  const v = Array.isArray(e) ? e[i] : (e as { [k: string]: ArrayLike<number> | null })[input.layers[i].name];
  return v && typeof v.length === 'number' ? v : null;
}

/** Maps row `i` to the explorer's view model (null without eigenvalues or with fewer than 2 positive ones). */
export function explorerDataOf(input: ReportInput, i: number): EsdViewData | null {
  const row = input.layers[i];
  const ev = eigenvaluesOf(input, i);
  if (!ev) return null;
  const values: number[] = [];
  for (let k = 0; k < ev.length; k++) {
    const v = ev[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new EsdlabError('NON_FINITE', `report: eigenvalue ${k} of layer '${row.name}' is not finite`, { tensor: row.name, index: k });
    values.push(v);
  }
  if (values.filter((v) => v > 0).length < 2) return null;
  const sigmaMp = num(row.sigma_mp), Q = num(row.Q);
  const mp: MpView | null = sigmaMp !== null && sigmaMp > 0 && Q !== null && Q >= 1 ? { sigma2: sigmaMp * sigmaMp, Q } : null;
  const bulkMax = num(row.bulk_max);
  const spikes = bulkMax !== null ? values.filter((v) => v > bulkMax) : null;
  const N = num(row.N), M = num(row.M);
  const dims = N !== null && M !== null && N > 0 && M > 0 ? { N: Math.max(N, M), M: Math.min(N, M) } : null;
  return { name: String(row.name), eigenvalues: values, fit: fitOf(row), mp, spikes, phase: phaseOf(row), comparisons: row.comparisons ?? null, dims };
}

/** Dashboard rows (name, α, phase) of the input. */
export function dashboardRows(input: ReportInput): DashboardLayer[] {
  return input.layers.map((r) => {
    const row: DashboardLayer = { name: String(r.name), alpha: num(r.alpha), phase: phaseOf(r)?.phase ?? null };
    // every other finite numeric column can be chosen as the plotted metric
    for (const k of Object.keys(r)) {
      const v = r[k];
      if (!(k in row) && typeof v === 'number' && Number.isFinite(v) && k !== 'layer_id') row[k] = v;
    }
    return row;
  });
}

/** Checks the input's shape; throws a typed error naming the problem. */
export function validateReportInput(input: ReportInput): void {
  if (!input || typeof input !== 'object' || !Array.isArray(input.layers)) {
    throw new EsdlabError('INVALID_ARGUMENT', 'report: input.layers must be an array of layer rows');
  }
  input.layers.forEach((r, i) => {
    if (!r || typeof r !== 'object') throw new EsdlabError('INVALID_ARGUMENT', `report: layer row ${i} is not an object`, { index: i });
  });
  if (Array.isArray(input.esds) && input.esds.length !== input.layers.length) {
    throw new EsdlabError('INVALID_ARGUMENT', `report: esds has ${input.esds.length} entries for ${input.layers.length} layers`);
  }
}
