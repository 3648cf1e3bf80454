/**
 * `esdlab analyze [PATH|URL|hf:org/model] [--json|--csv] [--html report.html] [--layers …]
 * [--normalize N|none] [--ww] [--min-evals K] [--max-evals K] [--max-N K] [--base PATH]
 * [--lora product|separate] [--format NAME] [--no-progress]`: one row per layer on stdout (text table, JSON or CSV), a
 * progress bar on stderr, optionally a self-contained HTML report. With no PATH it analyzes the
 * embedded default model (see src/io/defaultModel.ts).
 */
import { promises as fsp } from 'fs';
import { analyze, type AnalysisResult, type AnalyzeOptions } from '../../analysis/analyze';
import { EsdlabError } from '../../core/errors';
import { installDefaultSpectrumBackend } from '../../engine/install';
import { DEFAULT_MODEL, defaultModelPath } from '../../io/defaultModel';
import { renderReportHtml } from '../../report/renderReport';
import type { CliIO, Command } from '../command';
import { progressBar } from '../progressBar';
import { csv, textTable } from '../rowsFormat';

/** Parsed `analyze`/`describe` arguments. */
export interface ModelArgs {
  path: string | null;
  output: 'text' | 'json' | 'csv';
  html: string | null;
  layers: Array<number | string>;
  normalize: 'N' | 'none' | null;
  ww: boolean;
  min_evals?: number;
  max_evals?: number;
  max_N?: number;
  base: string | null;
  format: string | null;
  progress: boolean;
  lora: 'product' | 'separate';
}

/** Parses the shared model-command arguments; INVALID_ARGUMENT on anything unknown or malformed. */
export function parseModelArgs(argv: string[], command: string): ModelArgs {
  const a: ModelArgs = { path: null, output: 'text', html: null, layers: [], normalize: null, ww: false, base: null, format: null, progress: true, lora: 'product' };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new EsdlabError('INVALID_ARGUMENT', `${flag} needs a value`);
    return v;
  };
  const count = (s: string, flag: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new EsdlabError('INVALID_ARGUMENT', `${flag} needs a non-negative integer, got '${s}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    switch (t) {
      case '--json': a.output = 'json'; break;
      case '--csv': a.output = 'csv'; break;
      case '--html': a.html = value(i, t); i++; break;
      case '--layers':
        for (const s of value(i, t).split(',').map((x) => x.trim()).filter(Boolean)) a.layers.push(/^-?\d+$/.test(s) ? Number(s) : s);
        i++;
        break;
      case '--normalize': {
        const v = value(i, t);
        if (v !== 'N' && v !== 'none') throw new EsdlabError('INVALID_ARGUMENT', `--normalize must be N or none, got '${v}'`);
        a.normalize = v;
        i++;
        break;
      }
      case '--ww': a.ww = true; break;
      case '--min-evals': a.min_evals = count(value(i, t), t); i++; break;
      case '--max-evals': a.max_evals = count(value(i, t), t); i++; break;
      case '--max-N': a.max_N = count(value(i, t), t); i++; break;
      case '--base': a.base = value(i, t); i++; break;
      case '--format': a.format = value(i, t); i++; break;
      case '--no-progress': a.progress = false; break;
      case '--lora': {
        const v = value(i, t);
        if (v !== 'product' && v !== 'separate') throw new EsdlabError('INVALID_ARGUMENT', `--lora must be product or separate, got '${v}'`);
        a.lora = v;
        i++;
        break;
      }
      default:
        if (t.startsWith('--')) throw new EsdlabError('INVALID_ARGUMENT', `unknown option ${t} (see esdlab --help)`);
        if (a.path !== null) throw new EsdlabError('INVALID_ARGUMENT', `${command} takes one model PATH, got '${a.path}' and '${t}'`);
        a.path = t;
    }
  }
  return a;
}

/** Columns of the text table. */
export const TABLE_COLUMNS = ['layer_id', 'name', 'layer_type', 'N', 'M', 'num_evals', 'alpha', 'D', 'lambda_max', 'log_norm', 'alpha_weighted', 'phase', 'warning', 'status'] as const;

function summaryForReport(res: AnalysisResult): { [k: string]: number | string | null } {
  const out: { [k: string]: number | string | null } = {};
  for (const [k, v] of Object.entries(res.summary)) if (typeof v === 'number' || v === null) out[k] = v;
  return out;
}

function textOutput(res: AnalysisResult, label: string): string {
  const rows = res.layers.map((r) => ({ ...r, phase: typeof r.phase === 'object' && r.phase !== null ? (r.phase as { phase?: unknown }).phase : r.phase, status: r.status === 'success' ? 'ok' : `${r.status}${r.reason ? `: ${r.reason}` : ''}` }));
  const parts = [`${label} (${res.format}): ${res.layers.length} layers analyzed, ${res.skipped.length} skipped\n`, textTable(rows, TABLE_COLUMNS)];
  const s = Object.entries(res.summary).filter(([k, v]) => typeof v === 'number' && k !== 'num_layers').map(([k, v]) => `${k}=${(v as number).toPrecision(4)}`);
  parts.push(`summary (means over ${res.summary.num_layers} layers): ${s.join('  ')}\n`);
  if (res.skipped.length) {
    const reasons = new Map<string, number>();
    for (const k of res.skipped) {
      const key = k.reason.replace(/^(num_evals|N) \d+ /, '$1 ');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    parts.push(`skipped: ${[...reasons].map(([r, n]) => `${n} × ${r}`).join('; ')} (--json lists them)\n`);
  }
  const deq = res.layers.find((r) => r.dequantized);
  if (deq) parts.push(`note: quantized weights were dequantized (${String(deq.dequantized).replace(/ \(.*$/, '')}); see the dequantized column in --json/--csv\n`);
  return parts.join('');
}

/** Builds the analyze options from parsed arguments. */
export function analyzeOptionsOf(a: ModelArgs): AnalyzeOptions {
  const layerOptions: Record<string, unknown> = {};
  if (a.ww) layerOptions.preset = 'ww';
  if (a.normalize) layerOptions.normalize = a.normalize;
  return {
    layers: a.layers, layerOptions, lora: a.lora,
    ...(a.min_evals !== undefined ? { min_evals: a.min_evals } : {}),
    ...(a.max_evals !== undefined ? { max_evals: a.max_evals } : {}),
    ...(a.max_N !== undefined ? { max_N: a.max_N } : {}),
    ...(a.base ? { base: a.base } : {}),
    ...(a.format ? { format: a.format } : {}),
  };
}

/** `esdlab analyze`. */
export const analyzeCommand: Command = {
  name: 'analyze',
  usage: 'esdlab analyze [PATH|URL|hf:org/model] [--json|--csv] [--html report.html] [--layers IDS,NAMES,TYPES] [--normalize N|none] [--ww] [--min-evals K] [--max-evals K] [--max-N K] [--base PATH] [--lora product|separate] [--format NAME] [--no-progress]',
  summary: 'analyze every layer of a model (safetensors, PyTorch, ONNX, Keras, TF.js, TFLite, .npz, WeightWatcher flat files); no PATH = the embedded default model',
  async run(argv: string[], io: CliIO): Promise<number> {
    const a = parseModelArgs(argv, 'analyze');
    installDefaultSpectrumBackend(); // the WebAssembly engine unless ESDLAB_SPECTRUM_BACKEND=ts
    const target = a.path ?? defaultModelPath();
    if (a.path === null) io.err(`esdlab analyze: no PATH given, analyzing the default model: ${DEFAULT_MODEL.description} [${DEFAULT_MODEL.licence}]\n`);
    const opts = analyzeOptionsOf(a);
    if (a.progress) {
      opts.onProgress = progressBar(io.err, !!process.stderr.isTTY);
      opts.onDownload = (p) => {
        if (process.stderr.isTTY) io.err(`\rdownloading ${p.url}: ${(p.received / 1e6).toFixed(1)}${p.total ? `/${(p.total / 1e6).toFixed(1)}` : ''} MB`);
      };
    }
    if (a.html) opts.keepEigenvalues = true;
    const res = await analyze(target, opts);
    if (a.html) {
      const esds = res.layers.map((r) => (Array.isArray(r.eigenvalues) ? (r.eigenvalues as number[]) : null));
      const rows = res.layers.map((r) => {
        const { eigenvalues: _e, ...rest } = r;
        return { ...rest, type: r.layer_type };
      });
      const html = renderReportHtml({ title: `esdlab: ${target}`, source: target, layers: rows, summary: summaryForReport(res), esds });
      await fsp.writeFile(a.html, html);
      for (const r of res.layers) delete r.eigenvalues;
      io.err(`esdlab analyze: wrote ${a.html}\n`);
    }
    if (a.output === 'json') io.out(JSON.stringify(res, null, 1) + '\n');
    else if (a.output === 'csv') io.out(csv(res.layers));
    else io.out(textOutput(res, target));
    return 0;
  },
};
