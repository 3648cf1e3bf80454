/**
 * The ESD explorer as a vega-lite v5 spec: log-log histogram of the eigenvalues (log-binned density,
 * or the CCDF), the fitted power law over [xmin, xmax], the Marchenko–Pastur density with λ± marked,
 * spikes highlighted, and a stats line (α ± σ, D, n_tail) with the α-class label.
 *
 * Three interaction modes share one layout (see {@link InteractionMode}): in `vega` mode the spec's own
 * log-scale sliders recompute the closed-form fit (the transforms are the twin of
 * {@link closedFormFit}); in `host` mode the page sets the signals after refitting with the core.
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';
import { closedFormFit, WINDOW_TOLERANCE } from './closedFormFit';
import { ccdfPoints, logBinnedDensity, mpCurve, mpViewEdges, positiveSorted } from './esdRows';
import { alphaClassExpr, phaseColor } from './phaseStyle';
import type { EsdSpecOptions, EsdViewData, VegaLiteSpec } from './types';

/** Schema URL of the specs built here (JupyterLab 4 renders vega-lite v5 only). */
export const VEGA_LITE_V5_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Names of the signals a `host`-mode page sets (all numbers). */
export const HOST_SIGNALS = ['xmin', 'xmax', 'fitAlpha', 'fitNTail', 'fitNAbove', 'fitD', 'fitSigma'] as const;

/** Fit colour (the fitted line and the α text). */
const FIT_COLOR = '#D55E00';
/** Name of the dataset holding the slider-independent rows (histogram, CCDF, MP, spikes). */
const STATIC_DATA = 'esdStatic';
const MP_COLOR = '#0072B2';
const SPIKE_COLOR = '#CC0033';

/** The starting state of the sliders, resolved from the data and the given fit. */
export interface ExplorerStart {
  /** Smallest positive eigenvalue. */
  minEv: number;
  /** Largest eigenvalue. */
  maxEv: number;
  /** Number of positive eigenvalues (the density normalization). */
  nEv: number;
  /** Initial xmin. */
  xmin: number;
  /** Initial xmax (maxEv when the fit has none). */
  xmax: number;
}

/** Resolves the initial window: the fit's bounds, or the top tenth of the values when there is no fit. */
export function explorerStart(sorted: Float64Array, data: EsdViewData): ExplorerStart {
  const n = sorted.length;
  if (n < 2) throw new EsdlabError('TOO_FEW_POINTS', `layer '${data.name}': the explorer needs at least 2 positive eigenvalues (got ${n})`, { tensor: data.name });
  const minEv = sorted[0];
  const maxEv = sorted[n - 1];
  const fit = data.fit;
  const clamp = (v: number): number => Math.min(maxEv, Math.max(minEv, v));
  const xmin = fit && fit.xmin > 0 && Number.isFinite(fit.xmin) ? clamp(fit.xmin) : sorted[Math.floor(0.9 * (n - 1))];
  const xmax = fit && fit.xmax !== null && Number.isFinite(fit.xmax) ? clamp(Math.max(fit.xmax, xmin)) : maxEv;
  return { minEv, maxEv, nEv: n, xmin, xmax };
}

/**
 * Builds the ESD explorer spec for one layer.
 * @param data - eigenvalues, fit, MP overlay, spikes, phase (plain JSON).
 * @param options - interaction mode, view, sizes.
 * @returns a vega-lite v5 spec (plain JSON).
 */
export function esdExplorerSpec(data: EsdViewData, options: EsdSpecOptions = {}): VegaLiteSpec {
  const mode = options.interactive ?? 'vega';
  const bins = options.bins ?? 60;
  const curvePoints = options.curvePoints ?? 80;
  const steps = options.sliderSteps ?? 400;
  const sorted = positiveSorted(data.eigenvalues);
  const start = explorerStart(sorted, data);
  const { minEv, maxEv, nEv } = start;

  // Rows that never change with the sliders (own dataset, so a slider move re-runs only the small
  // dynamic dataflow) and rows that do (fitted line, stats; all eigenvalues in `vega` mode).
  const staticRows: Record<string, unknown>[] = [];
  const rows: Record<string, unknown>[] = [];
  const hist = logBinnedDensity(sorted, bins).filter((b) => b.count > 0);
  const floor = hist.reduce((m, b) => Math.min(m, b.density), Infinity) / 3;
  for (const b of hist) staticRows.push({ kind: 'bin', x0: b.x0, x1: b.x1, count: b.count, density: b.density, floor });
  for (const p of ccdfPoints(sorted, options.maxCcdfPoints ?? 1500)) staticRows.push({ kind: 'ccdf', ev: p.ev, ccdf: p.ccdf });
  if (data.mp) {
    for (const p of mpCurve(data.mp, curvePoints)) staticRows.push({ kind: 'mp', x: p.x, density: p.density });
    const e = mpViewEdges(data.mp);
    if (e.lambdaMinus > 0) staticRows.push({ kind: 'mpedge', x: e.lambdaMinus, label: 'λ−' });
    staticRows.push({ kind: 'mpedge', x: e.lambdaPlus, label: 'λ+' });
  }
  for (const s of data.spikes ?? []) if (Number.isFinite(s) && s > 0) staticRows.push({ kind: 'spike', ev: s });
  for (let i = 0; i < curvePoints; i++) rows.push({ kind: 'line', t: i / (curvePoints - 1) });
  rows.push({ kind: 'stats' });
  if (mode === 'vega') {
    // r: index in ascending order; rt: number of values ≤ this one (ties share the last index + 1),
    // so the ECDF inside the window is (rt − i0)/n with i0 the index of the window's first value.
    let j = sorted.length - 1;
    const rts = new Array<number>(sorted.length);
    for (let i = sorted.length - 1; i >= 0; i--) { if (i < j && sorted[i] !== sorted[i + 1]) j = i; rts[i] = j + 1; }
    for (let i = 0; i < sorted.length; i++) rows.push({ kind: 'ev', ev: sorted[i], r: i, rt: rts[i] });
  }

  const lmin = Math.log10(minEv);
  const lmax = Math.log10(maxEv);
  const step = (lmax - lmin) / steps || 1e-3;
  const view = options.view ?? 'density';
  const tol = WINDOW_TOLERANCE;
  const params: Record<string, unknown>[] = [
    { name: 'nEv', value: nEv },
    { name: 'maxEv', value: maxEv },
    // lowest y drawn for the fitted line (a third of the smallest bin density / half of 1/n)
    { name: 'yFloor', value: Number.isFinite(floor) ? floor : 1e-12 },
    { name: 'yFloorC', value: 0.5 / nEv },
  ];
  const transform: Record<string, unknown>[] = [];
  if (mode === 'vega') {
    params.push(
      { name: 'lxmin', value: Math.log10(start.xmin), bind: { input: 'range', min: lmin, max: lmax, step, name: 'log10 xmin ' } },
      { name: 'lxmax', value: Math.log10(start.xmax), bind: { input: 'range', min: lmin, max: lmax, step, name: 'log10 xmax ' } },
      { name: 'xmin', expr: 'pow(10, lxmin)' },
      { name: 'xmax', expr: 'max(pow(10, lxmax), xmin)' },
      { name: 'view', value: view, bind: { input: 'radio', options: ['density', 'ccdf'], name: 'view ' } },
    );
    transform.push(
      { calculate: `datum.kind === 'ev' && datum.ev >= xmin * ${1 - tol} && datum.ev <= xmax * ${1 + tol} ? 1 : 0`, as: 'inTail' },
      { calculate: `datum.kind === 'ev' && datum.ev > xmax * ${1 + tol} ? 1 : 0`, as: 'above' },
      { calculate: 'datum.inTail === 1 ? log(datum.ev / xmin) : 0', as: 'lx' },
      { calculate: 'datum.inTail === 1 ? datum.r : 1e300', as: 'rIn' },
      { joinaggregate: [{ op: 'sum', field: 'inTail', as: 'nTail' }, { op: 'sum', field: 'lx', as: 'slx' }, { op: 'sum', field: 'above', as: 'nAbove' }, { op: 'min', field: 'rIn', as: 'i0' }] },
      { calculate: 'datum.nTail >= 2 && datum.slx > 0 ? 1 + datum.nTail / datum.slx : NaN', as: 'alpha' },
      { calculate: `xmax < maxEv * ${1 - 1e-12} && isFinite(datum.alpha) ? pow(xmax / xmin, 1 - datum.alpha) : 0`, as: 'rtrunc' },
      // ECDF = (window points ≤ λ)/n from the precomputed ranks: no sort on a slider move.
      { calculate: 'datum.inTail === 1 ? abs((datum.rt - datum.i0) / datum.nTail - (1 - pow(datum.ev / xmin, 1 - datum.alpha)) / (1 - datum.rtrunc)) : 0', as: 'dks' },
      { joinaggregate: [{ op: 'max', field: 'dks', as: 'D' }] },
      { calculate: 'isFinite(datum.alpha) ? (datum.alpha - 1) / sqrt(datum.nTail) : NaN', as: 'sigma' },
    );
  } else {
    const fit = data.fit;
    const cf = fit ? null : closedFormFit(sorted, start.xmin, start.xmax >= maxEv ? null : start.xmax);
    const num = (v: number | null | undefined): number => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v);
    params.push(
      { name: 'xmin', value: start.xmin },
      { name: 'xmax', value: start.xmax },
      { name: 'fitAlpha', value: fit ? num(fit.alpha) : num(cf?.alpha) },
      { name: 'fitNTail', value: fit ? fit.nTail : cf?.nTail ?? 0 },
      { name: 'fitNAbove', value: countAbove(sorted, start.xmax) },
      { name: 'fitD', value: fit ? num(fit.D) : num(cf?.D) },
      { name: 'fitSigma', value: fit ? num(fit.sigma) : num(cf?.sigma) },
      { name: 'view', value: view },
    );
    transform.push(
      { calculate: 'fitAlpha', as: 'alpha' },
      { calculate: 'fitNTail', as: 'nTail' },
      { calculate: 'fitNAbove', as: 'nAbove' },
      { calculate: 'fitD', as: 'D' },
      { calculate: 'fitSigma', as: 'sigma' },
      { calculate: `xmax < maxEv * ${1 - 1e-12} && isFinite(datum.alpha) ? pow(xmax / xmin, 1 - datum.alpha) : 0`, as: 'rtrunc' },
    );
  }
  // Curves and labels, common to all modes.
  transform.push(
    { calculate: "datum.kind === 'line' ? xmin * pow(xmax / xmin, datum.t) : null", as: 'fx' },
    {
      calculate: "datum.kind !== 'line' || !isFinite(datum.alpha) ? null : view === 'density' ? " +
        '(datum.nTail / nEv) * (datum.alpha - 1) / xmin * pow(datum.fx / xmin, -datum.alpha) / (1 - datum.rtrunc) : ' +
        '(datum.nAbove + datum.nTail * (pow(datum.fx / xmin, 1 - datum.alpha) - datum.rtrunc) / (1 - datum.rtrunc)) / nEv',
      as: 'fy',
    },
    { calculate: 'xmin', as: 'xminv' },
    { calculate: 'xmax', as: 'xmaxv' },
    {
      calculate: "isFinite(datum.alpha) ? 'α = ' + format(datum.alpha, '.3f') + ' ± ' + format(datum.sigma, '.3f') + ' · D = ' + format(datum.D, '.4f') + ' · n_tail = ' + datum.nTail + ' · xmin = ' + format(xmin, '.4~g') + ' · xmax = ' + format(xmax, '.4~g') : 'no fit: fewer than 2 eigenvalues in [xmin, xmax]'",
      as: 'statsText',
    },
    { calculate: alphaClassExpr('datum.alpha'), as: 'classText' },
  );

  // Fixed domains (from the data, not the fit): a slider move then redraws only the fitted line,
  // rules and text, never the axes or the histogram. The y domain follows the density/CCDF toggle.
  const densMax = hist.reduce((m, b) => Math.max(m, b.density), 0);
  let xLo = minEv, xHi = maxEv;
  if (data.mp) {
    const e = mpViewEdges(data.mp);
    if (e.lambdaMinus > 0) xLo = Math.min(xLo, e.lambdaMinus);
    xHi = Math.max(xHi, e.lambdaPlus);
  }
  const xDom = [xLo / 1.3, xHi * 1.3];
  const yDensity = [Number.isFinite(floor) ? floor / 1.5 : 1e-6, densMax > 0 ? densMax * 2 : 1];
  const yCcdf = [0.5 / nEv, 1.5];
  params.push({ name: 'yDomMin', expr: `view === 'density' ? ${yDensity[0]} : ${yCcdf[0]}` }, { name: 'yDomMax', expr: `view === 'density' ? ${yDensity[1]} : ${yCcdf[1]}` });
  const xEnc = (field: string): Record<string, unknown> => ({ field, type: 'quantitative', scale: { type: 'log', domain: xDom, nice: false }, title: 'eigenvalue λ' });
  const yEnc = (field: string): Record<string, unknown> => ({ field, type: 'quantitative', scale: { type: 'log', domainMin: { expr: 'yDomMin' }, domainMax: { expr: 'yDomMax' }, nice: false }, title: 'density (log-binned) / CCDF' });
  const layer: Record<string, unknown>[] = [
    {
      data: { name: STATIC_DATA },
      transform: [{ filter: "datum.kind === 'bin' && view === 'density'" }],
      mark: { type: 'rect', color: '#9db4c8', stroke: '#6f8ba3', strokeWidth: 0.5 },
      encoding: { x: xEnc('x0'), x2: { field: 'x1' }, y: yEnc('density'), y2: { field: 'floor' }, tooltip: [{ field: 'x0', title: 'from', format: '.4~g' }, { field: 'x1', title: 'to', format: '.4~g' }, { field: 'count' }] },
    },
    {
      data: { name: STATIC_DATA },
      transform: [{ filter: "datum.kind === 'ccdf' && view === 'ccdf'" }],
      mark: { type: 'circle', size: 10, color: '#4c6d8a' },
      encoding: { x: xEnc('ev'), y: yEnc('ccdf') },
    },
    {
      data: { name: STATIC_DATA },
      transform: [{ filter: "datum.kind === 'mp' && view === 'density'" }],
      mark: { type: 'line', color: MP_COLOR, strokeWidth: 1.5, clip: true },
      encoding: { x: xEnc('x'), y: yEnc('density'), order: { field: 'x' } },
    },
    {
      data: { name: STATIC_DATA },
      transform: [{ filter: "datum.kind === 'mpedge'" }],
      mark: { type: 'rule', color: MP_COLOR, strokeDash: [2, 2] },
      encoding: { x: xEnc('x'), tooltip: [{ field: 'label' }, { field: 'x', format: '.4~g' }] },
    },
    {
      data: { name: STATIC_DATA },
      transform: [{ filter: "datum.kind === 'spike'" }],
      mark: { type: 'tick', orient: 'vertical', color: SPIKE_COLOR, thickness: 2, size: 14, yOffset: -7 },
      encoding: { x: xEnc('ev'), y: { value: 'height' }, tooltip: [{ field: 'ev', title: 'spike λ', format: '.4~g' }] },
    },
    {
      transform: [{ filter: "datum.kind === 'line' && isFinite(datum.fy) && datum.fy >= (view === 'density' ? yFloor : yFloorC)" }],
      mark: { type: 'line', color: FIT_COLOR, strokeWidth: 2.5, clip: true },
      encoding: { x: xEnc('fx'), y: yEnc('fy'), order: { field: 't' } },
    },
    {
      transform: [{ filter: "datum.kind === 'stats'" }],
      mark: { type: 'rule', color: FIT_COLOR, strokeDash: [6, 3] },
      encoding: { x: xEnc('xminv') },
    },
    {
      transform: [{ filter: "datum.kind === 'stats'" }],
      mark: { type: 'rule', color: FIT_COLOR, strokeDash: [1, 3] },
      encoding: { x: xEnc('xmaxv') },
    },
    {
      transform: [{ filter: "datum.kind === 'stats'" }],
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 6, dy: 4, fontSize: 12, color: FIT_COLOR, fontWeight: 'bold' },
      encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'statsText' } },
    },
    {
      transform: [{ filter: "datum.kind === 'stats'" }],
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 6, dy: 20, fontSize: 11, color: '#333' },
      encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'classText' } },
    },
  ];
  const phase = data.phase;
  const subtitle: string[] = [];
  if (phase) subtitle.push(`phase at the kernel's fit: ${phase.phase}${phase.subclass ? ` (${phase.subclass})` : ''}`);
  if (mode === 'vega') subtitle.push('sliders: closed-form refit in the chart (no kernel)');
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    description: `ESD explorer for layer ${data.name}`,
    title: { text: `ESD of ${data.name}`, subtitle, subtitleColor: phaseColor(phase?.phase), anchor: 'start' },
    width: options.width ?? 520,
    height: options.height ?? 320,
    data: { name: 'esd', values: rows },
    datasets: { [STATIC_DATA]: staticRows },
    params,
    transform,
    layer,
    config: { view: { stroke: '#ccc' }, axis: { grid: true, gridOpacity: 0.4 } },
    usermeta: { esdlab: { kind: 'esd-explorer', mode, layer: data.name, start } },
  };
}

function countAbove(sorted: Float64Array, xmax: number): number {
  const hi = xmax * (1 + WINDOW_TOLERANCE);
  let c = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i] > hi; i--) c++;
  return c;
}
