/**
 * Input and output types of the vega-lite spec builders (pure data, JSON-serializable).
 *
 * The builders take these small "view models" rather than the core's result objects, so the widget,
 * the kernel-free fallback and the HTML report can all be fed from the same plain JSON.
 * @packageDocumentation
 */
import type { PowerLawFit } from '../core/powerlaw';

/**
 * A vega-lite v5 specification as plain JSON. Typed loosely on purpose: the package must import in a
 * tslab cell (TypeScript 5.0, Node10 resolution) where `vega-lite`'s own types cannot be resolved.
 */
export type VegaLiteSpec = { [key: string]: unknown };

/**
 * The power-law fit shown by the explorer: the core's `PowerLawFit` fields α, xmin, xmax (null when
 * the tail runs to the largest eigenvalue), D, sigma and nTail.
 */
export type FitView = Pick<PowerLawFit, 'alpha' | 'xmin' | 'xmax' | 'D' | 'sigma' | 'nTail'>;

/** Marchenko–Pastur bulk parameters for the overlay (λ = eigenvalues of WᵀW/N, Q = N/M ≥ 1). */
export interface MpView {
  /** Fitted bulk variance σ² (per element of W, in the same normalization as the eigenvalues). */
  sigma2: number;
  /** Aspect ratio Q = N/M ≥ 1. */
  Q: number;
  /** Lower bulk edge λ−; computed from σ² and Q when absent. */
  lambdaMinus?: number;
  /** Upper bulk edge λ+; computed from σ² and Q when absent. */
  lambdaPlus?: number;
}

/** Phase label of a layer (a subset of the core's `classifyPhase` result). */
export interface PhaseView {
  /** Phase name, e.g. `heavy-tailed`, `bulk+spikes`, `random-like`. */
  phase: string;
  /** Heavy-tailed subclass (`very-heavy`, `fat`, `weakly`) where given. */
  subclass?: string;
  /** One-sentence evidence in words. */
  summary?: string;
}

/** A likelihood-ratio comparison of the power law against one alternative. */
export interface ComparisonView {
  /** Log-likelihood ratio (positive favours the power law). */
  R: number;
  /** Significance of the sign of R. */
  p: number;
}

/** Everything the ESD explorer draws for one layer. */
export interface EsdViewData {
  /** Layer name (shown as text; never interpreted as markup). */
  name: string;
  /** Eigenvalues (any order; non-finite values are rejected, values ≤ 0 are not drawn). */
  eigenvalues: ArrayLike<number>;
  /** The fit to draw and start the sliders from; null or absent when none. */
  fit?: FitView | null;
  /** Marchenko–Pastur overlay; null or absent when none. */
  mp?: MpView | null;
  /** Eigenvalues flagged as spikes (drawn highlighted); absent when unknown. */
  spikes?: number[] | null;
  /** Phase label at the kernel's fit. */
  phase?: PhaseView | null;
  /** Likelihood-ratio comparisons keyed by alternative name. */
  comparisons?: { [alternative: string]: ComparisonView } | null;
  /** Matrix dimensions (N ≥ M); with them the browser re-classifies the phase on every refit. */
  dims?: { N: number; M: number } | null;
}

/**
 * How the explorer spec is made interactive.
 * - `vega`: kernel-free. The spec's own slider params recompute the closed-form fit, KS distance and
 *   α-class label with vega transforms (works in any vega-lite v5 renderer: JupyterLab without our
 *   extension, VS Code, nbviewer with JS).
 * - `host`: no bound inputs; the embedding page sets the signals `xmin`, `xmax`, `alpha`, `nTail`,
 *   `D`, `sigma` (the esdlab widget and HTML report do this after refitting with the core).
 * - `static`: like `host` with the given fit frozen (SVG/PNG export).
 */
export type InteractionMode = 'vega' | 'host' | 'static';

/** Options of {@link esdExplorerSpec}. */
export interface EsdSpecOptions {
  /** Interactivity (default `vega`). */
  interactive?: InteractionMode;
  /** Initial view: log-binned density or complementary CDF (default `density`). */
  view?: 'density' | 'ccdf';
  /** Number of logarithmic histogram bins (default 60). */
  bins?: number;
  /** Most CCDF points drawn (log-spaced subsample; default 1500). */
  maxCcdfPoints?: number;
  /** Points on the fitted-line and MP curves (default 80). */
  curvePoints?: number;
  /** Chart width in px (default 520). */
  width?: number;
  /** Chart height in px (default 320). */
  height?: number;
  /** Slider steps per slider (default 400). */
  sliderSteps?: number;
}
