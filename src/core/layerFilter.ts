/**
 * WeightWatcher-style layer selection: the `layers` filter (ids, names, types, `-name` exclusions)
 * and the size limits `min_evals`, `max_evals`, `max_N`. Unlike WeightWatcher 0.7.5.5 (max_evals
 * 15000, max_N 50000) there is no default upper limit: big layers are analyzed unless the user sets
 * one. Every layer left out gets a reason, so nothing is skipped silently.
 */
import { EsdlabError } from './errors';
import type { LayerInfo } from './modelLayers';

/** Layer selection options (WeightWatcher names). */
export interface LayerFilterOptions {
  /**
   * Which layers: non-negative ids keep those ids; all-negative ids (−id) skip them; strings are layer
   * types (`dense`, `conv1d`, `conv2d`, `embedding`) to keep, `-name` to skip a layer, or names
   * (short or full) to keep. Empty / absent: all layers.
   */
  layers?: Array<number | string>;
  /** Skip layers with fewer than this many eigenvalues (M·rf). Default 10, as WeightWatcher. */
  min_evals?: number;
  /** Skip layers with more eigenvalues than this. Default: no limit. */
  max_evals?: number | null;
  /** Skip layers whose N exceeds this. Default: no limit. */
  max_N?: number | null;
}

/** The filter after defaults, as recorded in results. */
export interface ResolvedLayerFilter {
  layers: Array<number | string>;
  min_evals: number;
  max_evals: number | null;
  max_N: number | null;
}

/** A layer left out, and why. */
export interface SkippedLayer {
  layer_id: number;
  name: string;
  layer_type: string;
  reason: string;
}

const TYPES = new Set(['dense', 'conv1d', 'conv2d', 'embedding']);

/** Validates the filter options and fills in defaults. */
export function resolveLayerFilter(o: LayerFilterOptions = {}): ResolvedLayerFilter {
  const layers = o.layers ?? [];
  if (!Array.isArray(layers) || !layers.every((x) => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'string')) {
    throw new EsdlabError('INVALID_ARGUMENT', 'layers must be an array of integer ids and/or strings');
  }
  const ids = layers.filter((x): x is number => typeof x === 'number');
  if (ids.some((x) => x < 0) && ids.some((x) => x >= 0)) {
    throw new EsdlabError('INVALID_ARGUMENT', 'layers: mix of positive (keep) and negative (skip) ids is ambiguous');
  }
  const num = (v: unknown, name: string, dflt: number | null): number | null => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !(v >= 0)) throw new EsdlabError('INVALID_ARGUMENT', `${name} must be a non-negative number or null`);
    return v;
  };
  return { layers: layers.slice(), min_evals: num(o.min_evals, 'min_evals', 10) as number, max_evals: num(o.max_evals, 'max_evals', null), max_N: num(o.max_N, 'max_N', null) };
}

/** Splits `all` into the layers to analyze and the skipped ones (with reasons), keeping order. */
export function filterLayers(all: readonly LayerInfo[], f: ResolvedLayerFilter): { selected: LayerInfo[]; skipped: SkippedLayer[] } {
  const keepIds = f.layers.filter((x): x is number => typeof x === 'number' && x >= 0);
  const skipIds = f.layers.filter((x): x is number => typeof x === 'number' && x < 0).map((x) => -x);
  const strs = f.layers.filter((x): x is string => typeof x === 'string');
  const keepTypes = strs.filter((s) => TYPES.has(s));
  const skipNames = strs.filter((s) => s.startsWith('-')).map((s) => s.slice(1));
  const keepNames = strs.filter((s) => !TYPES.has(s) && !s.startsWith('-'));
  const selected: LayerInfo[] = [];
  const skipped: SkippedLayer[] = [];
  for (const l of all) {
    const skip = (reason: string): void => { skipped.push({ layer_id: l.layer_id, name: l.name, layer_type: l.layer_type, reason }); };
    const named = (n: string): boolean => n === l.name || n === l.longname;
    if (keepIds.length && !keepIds.includes(l.layer_id)) { skip('not in layers filter'); continue; }
    if (skipIds.includes(l.layer_id)) { skip('excluded by layers filter'); continue; }
    if (keepTypes.length && !keepTypes.includes(l.layer_type)) { skip(`type ${l.layer_type} not in layers filter`); continue; }
    if (keepNames.length && !keepNames.some(named)) { skip('name not in layers filter'); continue; }
    if (skipNames.some(named)) { skip('excluded by layers filter'); continue; }
    if (l.num_evals < f.min_evals) { skip(`num_evals ${l.num_evals} < min_evals ${f.min_evals}`); continue; }
    if (f.max_evals !== null && l.num_evals > f.max_evals) { skip(`num_evals ${l.num_evals} > max_evals ${f.max_evals}`); continue; }
    if (f.max_N !== null && l.N > f.max_N) { skip(`N ${l.N} > max_N ${f.max_N}`); continue; }
    selected.push(l);
  }
  return { selected, skipped };
}
