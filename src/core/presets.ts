/**
 * Named option presets. `ww` selects every WeightWatcher 0.7.5.5 convention at once, so that
 * `analyzeLayer(W, {preset: 'ww'})` reproduces WeightWatcher's default `analyze()` columns:
 * - `normalize: 'none'` — λ = σ² (no 1/N),
 * - `conv2dScale: 'ww'` — its conv2d_norm (×√(1/2) on pooled conv2d slices, ×√(kh·kw/2) per slice),
 * - `candidates: 'ww'` — WWFit's xmin candidates (every sorted data point but the last, ties included),
 * - `evalsThresh: 1e-5` — its EVALS_THRESH: only λ > 1e-5 enter the power-law fit.
 * Explicit options given next to a preset override the preset's values.
 */
import { EsdlabError } from './errors';

/** Names of the available presets. */
export type PresetName = 'ww';

/** The option values a preset sets. */
export interface PresetOptions {
  /** Eigenvalue normalization. */
  normalize: 'N' | 'none';
  /** Conv2D scaling rule. */
  conv2dScale: 'none' | 'ww';
  /** Power-law xmin candidates. */
  candidates: 'unique' | 'ww';
  /** Only λ above this enter the power-law fit. */
  evalsThresh: number;
}

/** All presets by name. */
export const PRESETS: Readonly<Record<PresetName, Readonly<PresetOptions>>> = {
  ww: { normalize: 'none', conv2dScale: 'ww', candidates: 'ww', evalsThresh: 1e-5 },
};

/**
 * Merges a preset under explicit options: `{...PRESETS[preset], ...options}` (explicit wins). Options
 * without `preset` are returned unchanged (as a copy).
 * @throws EsdlabError INVALID_ARGUMENT for an unknown preset name.
 */
export function applyPreset<T extends { preset?: PresetName | null }>(options: T): T {
  const name = options.preset;
  if (name === undefined || name === null) return { ...options };
  const p = (PRESETS as Record<string, PresetOptions>)[name];
  if (!p) throw new EsdlabError('INVALID_ARGUMENT', `unknown preset '${String(name)}' (available: ${Object.keys(PRESETS).join(', ')})`);
  const out: Record<string, unknown> = { ...p };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
  return out as T;
}
