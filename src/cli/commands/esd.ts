/**
 * `esdlab esd FILE.npy [--normalize N|none] [--ww] [--type T] [--layout pytorch|keras] [--per-slice] [--json]`:
 * the eigenvalues of X = WᵀW/N (or WᵀW) of one 2-D, 3-D or 4-D `.npy` weight tensor.
 *
 * `--json` writes one object: `{eigenvalues, N, M, Q, normalize, ...}` (plus the layer facts and the
 * options used); otherwise a short text summary. `--ww` = WeightWatcher's conventions (λ = σ², its
 * conv2d scaling); an explicit `--normalize` overrides that part.
 */
import { esd, type EsdOptions, type EsdResult } from '../../core/esd';
import { EsdlabError } from '../../core/errors';
import type { ConvLayout, LayerType } from '../../core/layerMatrices';
import { readNpy } from '../../io/npy';
import { installDefaultSpectrumBackend } from '../../engine/install';
import type { CliIO, Command } from '../command';

/** Parsed `esdlab esd` arguments. */
export interface EsdArgs {
  file: string;
  normalize?: 'N' | 'none';
  ww: boolean;
  json: boolean;
  perSlice: boolean;
  layerType?: LayerType;
  layout?: ConvLayout;
}

const USAGE = 'esdlab esd FILE.npy [--normalize N|none] [--ww] [--type dense|conv2d|conv1d|embedding] [--layout pytorch|keras] [--per-slice] [--json]';

function bad(msg: string): never {
  throw new EsdlabError('INVALID_ARGUMENT', `${msg} (usage: ${USAGE})`);
}

/** Parses the arguments of `esdlab esd` (throws INVALID_ARGUMENT with the usage line). */
export function parseEsdArgs(argv: string[]): EsdArgs {
  let file: string | undefined;
  const a: Omit<EsdArgs, 'file'> = { ww: false, json: false, perSlice: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) bad(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    const eq = t.indexOf('=');
    const [flag, inline] = t.startsWith('--') && eq > 0 ? [t.slice(0, eq), t.slice(eq + 1)] : [t, undefined];
    const take = (): string => { if (inline !== undefined) return inline; const v = value(i, flag); i++; return v; };
    switch (flag) {
      case '--normalize': {
        const v = take();
        if (v !== 'N' && v !== 'none') bad(`--normalize must be N or none, got '${v}'`);
        a.normalize = v;
        break;
      }
      case '--ww': a.ww = true; break;
      case '--json': a.json = true; break;
      case '--per-slice': a.perSlice = true; break;
      case '--type': {
        const v = take();
        if (!['dense', 'conv2d', 'conv1d', 'embedding'].includes(v)) bad(`--type must be dense, conv2d, conv1d or embedding, got '${v}'`);
        a.layerType = v as LayerType;
        break;
      }
      case '--layout': {
        const v = take();
        if (v !== 'pytorch' && v !== 'keras') bad(`--layout must be pytorch or keras, got '${v}'`);
        a.layout = v;
        break;
      }
      default:
        if (t.startsWith('-')) bad(`unknown option '${t}'`);
        if (file !== undefined) bad(`only one FILE allowed (got '${file}' and '${t}')`);
        file = t;
    }
  }
  if (file === undefined) bad('missing FILE.npy');
  return { file: file!, ...a };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/** The text summary printed without `--json`. */
export function esdSummary(file: string, dtype: string, r: EsdResult): string {
  const ev = r.eigenvalues;
  const n = ev.length;
  const sum = ev.reduce((s, x) => s + x, 0);
  const median = n % 2 ? ev[(n - 1) / 2] : (ev[n / 2 - 1] + ev[n / 2]) / 2;
  const lines = [
    `${file}: ${dtype} [${r.shape.join(', ')}], ${r.layerType}${r.layout ? ` (${r.layout} layout, ${r.slices} slices${r.pool ? ', pooled' : ''})` : ''}`,
    `N=${r.N}  M=${r.M}  Q=${fmt(r.Q)}  normalize=${r.normalize}${r.conv2dScaling !== 1 ? `  conv2d scaling x${fmt(r.conv2dScaling)}` : ''}  backend=${r.backend}`,
    `${n} eigenvalues: min ${fmt(ev[0])}  median ${fmt(median)}  max ${fmt(ev[n - 1])}  sum ${fmt(sum)}`,
  ];
  if (r.perSlice) for (const s of r.perSlice) lines.push(`  slice ${s.slice} [${s.position.join(', ')}]: max ${fmt(s.eigenvalues[s.eigenvalues.length - 1])}`);
  return lines.join('\n') + '\n';
}

/** `esdlab esd`. */
export const esdCommand: Command = {
  name: 'esd',
  usage: USAGE,
  summary: 'eigenvalues of X = WᵀW/N (or WᵀW with --normalize none / --ww) of a 2-D/3-D/4-D .npy weight tensor',
  async run(argv: string[], io: CliIO): Promise<number> {
    const a = parseEsdArgs(argv);
    const t = readNpy(a.file);
    installDefaultSpectrumBackend(); // the WebAssembly engine unless ESDLAB_SPECTRUM_BACKEND=ts
    const opts: EsdOptions = {
      normalize: a.normalize ?? (a.ww ? 'none' : 'N'),
      conv2dScale: a.ww ? 'ww' : 'none',
      pool: !a.perSlice,
      ...(a.layerType ? { layerType: a.layerType } : {}),
      ...(a.layout ? { layout: a.layout } : {}),
    };
    let r: EsdResult;
    try {
      r = esd(t, opts);
    } catch (e) {
      // name the file in input errors (NaN/Inf index, bad shape)
      if (e instanceof EsdlabError && e.location.file === undefined) throw e.withLocation({ file: a.file });
      throw e;
    }
    if (a.json) {
      const { eigenvalues, N, M, Q, normalize, ...rest } = r;
      io.out(JSON.stringify({ eigenvalues, N, M, Q, normalize, file: a.file, dtype: t.dtype, ...rest }) + '\n');
    } else io.out(esdSummary(a.file, t.dtype, r));
    return 0;
  },
};
