/**
 * Colours and words for phases, and the α-only heavy-tail class used where the full phase
 * classifier cannot run (the kernel-free vega fallback). One table, used by the TypeScript function
 * and by the generated vega expression alike, so the two can never disagree.
 * @packageDocumentation
 */

/** Colour of each phase in every chart (colour-blind-safe palette, Okabe–Ito). */
export const PHASE_COLORS: { readonly [phase: string]: string } = {
  'random-like': '#56B4E9',
  'bleeding-out': '#009E73',
  'bulk+spikes': '#0072B2',
  'bulk-decay': '#E69F00',
  'heavy-tailed': '#D55E00',
  'rank-collapse': '#CC79A7',
  'undetermined': '#999999',
};

/** Phase names in the order of the 5+1 phases of training (legend order). */
export const PHASE_ORDER: readonly string[] = [
  'random-like', 'bleeding-out', 'bulk+spikes', 'bulk-decay', 'heavy-tailed', 'rank-collapse', 'undetermined',
];

/**
 * α cut points of the heavy-tailed classes (SETOL table / WeightWatcher constants, see
 * shared/science/phases-and-theory.md §6 and §9): α < 2 very heavy-tailed, 2–4 fat-tailed
 * (typical of well-trained layers), 4–6 weakly heavy-tailed, > 6 no usable power-law tail.
 * `upTo` is exclusive except for the last finite bound (α = 6 is still weakly heavy-tailed).
 */
export const ALPHA_CLASSES: readonly { readonly upTo: number; readonly key: string; readonly label: string }[] = [
  { upTo: 2, key: 'very-heavy', label: 'very heavy-tailed (α < 2)' },
  { upTo: 4, key: 'fat', label: 'fat-tailed, typical of well-trained (2 ≤ α < 4)' },
  { upTo: 6, key: 'weakly', label: 'weakly heavy-tailed (4 ≤ α ≤ 6)' },
  { upTo: Infinity, key: 'no-tail', label: 'no power-law tail to speak of (α > 6)' },
];

/** The α-only class of a fitted exponent (see {@link ALPHA_CLASSES}); `undetermined` for a non-finite α. */
export function alphaClass(alpha: number): { key: string; label: string } {
  if (!Number.isFinite(alpha)) return { key: 'undetermined', label: 'undetermined (no fit)' };
  for (let i = 0; i < ALPHA_CLASSES.length; i++) {
    const c = ALPHA_CLASSES[i];
    const inside = i === 2 ? alpha <= c.upTo : alpha < c.upTo;
    if (inside) return { key: c.key, label: c.label };
  }
  return { key: 'no-tail', label: ALPHA_CLASSES[3].label };
}

/** The same classification as a vega expression over the expression `alphaExpr` (returns the label). */
export function alphaClassExpr(alphaExpr: string): string {
  const a = `(${alphaExpr})`;
  const q = (s: string): string => JSON.stringify(s);
  return `!isFinite(${a}) ? ${q('undetermined (no fit)')} : ${a} < 2 ? ${q(ALPHA_CLASSES[0].label)} : ` +
    `${a} < 4 ? ${q(ALPHA_CLASSES[1].label)} : ${a} <= 6 ? ${q(ALPHA_CLASSES[2].label)} : ${q(ALPHA_CLASSES[3].label)}`;
}

/** Colour of a phase name (grey for unknown names). */
export function phaseColor(phase: string | null | undefined): string {
  return (phase && PHASE_COLORS[phase]) || PHASE_COLORS['undetermined'];
}
