/**
 * `esdlab fit FILE [--xmin X | --xmin LO,HI] [--xmax X] [--xmax-mode exact|powerlaw-1.5]
 * [--discrete] [--discrete-method estimate|exact|powerlaw-1.5] [--compare] [--ww] [--json]`:
 * power-law fit of the numbers in FILE (one per line). `--ww` selects WeightWatcher's conventions
 * (WWFit candidates incl. duplicates and its small-N rule, values ≤ 1e-5 dropped). `--json` prints one
 * object `{alpha, xmin, xmax, D, sigma, nTail, n, status, noiseFlag, options, comparisons?}`.
 * Bad input exits non-zero with one line naming the file and line.
 */
import { EsdlabError, isEsdlabError } from '../../core/errors';
import { compareAll } from '../../core/compare';
import { fitPowerLaw, powerLawTail, type PowerLawFit, type PowerLawFitOptions } from '../../core/powerlaw';
import { readNumberList, type NumberList } from '../../io/numberList';
import type { CliIO, Command } from '../command';

/** Parsed `fit` arguments. */
export interface FitArgs {
  /** Input file. */
  file: string;
  /** Fit options assembled from the flags. */
  options: PowerLawFitOptions;
  /** Compare with the alternative distributions. */
  compare: boolean;
  /** JSON output. */
  json: boolean;
}

/** WeightWatcher's eigenvalue floor (EVALS_THRESH). */
export const WW_FLOOR = 1e-5;

function num(s: string | undefined, flag: string): number {
  if (s === undefined || s.startsWith('--')) throw new EsdlabError('INVALID_ARGUMENT', `${flag} needs a value`);
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v)) throw new EsdlabError('INVALID_ARGUMENT', `${flag} needs a finite number, got '${s}'`);
  return v;
}

/** Parses `fit` arguments; INVALID_ARGUMENT on anything unknown or malformed. */
export function parseFitArgs(argv: string[]): FitArgs {
  let file: string | null = null;
  const options: PowerLawFitOptions = {};
  let compare = false, json = false;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    switch (t) {
      case '--xmin': {
        const v = argv[i + 1];
        if (v !== undefined && v.includes(',')) {
          const parts = v.split(',');
          if (parts.length !== 2) throw new EsdlabError('INVALID_ARGUMENT', `--xmin range must be LO,HI, got '${v}'`);
          options.xmin = [num(parts[0], '--xmin LO'), num(parts[1], '--xmin HI')];
        } else options.xmin = num(v, t);
        i++;
        break;
      }
      case '--xmax': options.xmax = num(argv[i + 1], t); i++; break;
      case '--xmax-mode': {
        const v = argv[++i];
        if (v !== 'exact' && v !== 'powerlaw-1.5') throw new EsdlabError('INVALID_ARGUMENT', `--xmax-mode must be exact or powerlaw-1.5, got '${v ?? ''}'`);
        options.xmaxMode = v;
        break;
      }
      case '--discrete': options.discrete = true; break;
      case '--discrete-method': {
        const v = argv[++i];
        if (v !== 'estimate' && v !== 'exact' && v !== 'powerlaw-1.5') throw new EsdlabError('INVALID_ARGUMENT', `--discrete-method must be estimate, exact or powerlaw-1.5, got '${v ?? ''}'`);
        options.discreteMethod = v;
        options.discrete = true;
        break;
      }
      case '--ww': options.candidates = 'ww'; options.floor = WW_FLOOR; break;
      case '--compare': compare = true; break;
      case '--json': json = true; break;
      default:
        if (t.startsWith('-') && t !== '-') throw new EsdlabError('INVALID_ARGUMENT', `unknown option '${t}' (see esdlab --help)`);
        if (file !== null) throw new EsdlabError('INVALID_ARGUMENT', `only one FILE expected, got '${file}' and '${t}'`);
        file = t;
    }
  }
  if (file === null) throw new EsdlabError('INVALID_ARGUMENT', 'missing FILE (one number per line)');
  return { file, options, compare, json };
}

/** Re-raises a fit error about value #i as an error about the file line it came from. */
function locate(e: unknown, list: NumberList): never {
  if (isEsdlabError(e)) {
    const idx = e.location.index;
    if (typeof idx === 'number' && idx >= 0 && idx < list.lines.length) {
      const bare = e.message.replace(/^\[[^\]]*\]\s*/, '').replace(/^fitPowerLaw: /, '');
      throw new EsdlabError(e.code, bare, { file: list.source, line: list.lines[idx] });
    }
    if (e.location.file === undefined) throw e.withLocation({ file: list.source });
  }
  throw e;
}

/** A comparison row as `--json` prints it. */
interface ComparisonRow { R: number | null; p: number | null }

function fmt(v: number | null): string {
  if (v === null) return 'n/a';
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? v.toPrecision(6) : v.toExponential(4);
}

/** The `fit` sub-command. */
export const fitCommand: Command = {
  name: 'fit',
  usage: 'esdlab fit FILE [--xmin X|LO,HI] [--xmax X] [--xmax-mode exact|powerlaw-1.5] [--discrete] [--discrete-method M] [--compare] [--ww] [--json]',
  summary: 'power-law fit (Clauset MLE, xmin by minimum KS distance) of the numbers in FILE (one per line)',
  async run(argv: string[], io: CliIO): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(`usage: ${fitCommand.usage}\n  ${fitCommand.summary}\n` +
        '  --xmin X | LO,HI   fixed xmin, or the range searched\n' +
        '  --xmax X           upper cutoff (exact truncated MLE; --xmax-mode powerlaw-1.5 for powerlaw\'s variant)\n' +
        '  --discrete         integer data: zeta power law (--discrete-method estimate|exact|powerlaw-1.5)\n' +
        '  --compare          log-likelihood ratios vs lognormal, exponential, stretched exp., truncated power law\n' +
        '  --ww               WeightWatcher conventions (WWFit candidates, values <= 1e-5 dropped)\n' +
        '  --json             one JSON object on stdout\n');
      return 0;
    }
    const args = parseFitArgs(argv);
    const list = readNumberList(args.file);
    let fit: PowerLawFit;
    try {
      fit = fitPowerLaw(list.values, args.options);
    } catch (e) {
      locate(e, list);
    }
    let comparisons: Record<string, ComparisonRow> | undefined;
    if (args.compare) {
      const raw = compareAll(powerLawTail(list.values, fit), fit);
      comparisons = {};
      for (const [k, v] of Object.entries(raw)) comparisons[k] = { R: v.R, p: v.p };
    }
    if (args.json) {
      const o: Record<string, unknown> = {
        alpha: fit.alpha, xmin: fit.xmin, xmax: fit.xmax, D: fit.D, sigma: fit.sigma, nTail: fit.nTail, n: fit.n,
        status: fit.status, noiseFlag: fit.noiseFlag, discrete: fit.discrete, options: fit.options,
      };
      if (fit.reason !== undefined) o.reason = fit.reason;
      if (comparisons) o.comparisons = comparisons;
      io.out(`${JSON.stringify(o)}\n`);
      return 0;
    }
    const lines = [
      `file     ${args.file}`,
      `alpha    ${fmt(fit.alpha)}   (sigma ${fmt(fit.sigma)})`,
      `xmin     ${fmt(fit.xmin)}${fit.xminSearched ? `   (min KS over ${fit.nCandidates} candidates, ${fit.options.candidates})` : '   (fixed)'}`,
      `xmax     ${fit.xmax === null ? 'none' : `${fmt(fit.xmax)}   (${fit.options.xmaxMode})`}`,
      `D        ${fmt(fit.D)}`,
      `tail     ${fit.nTail} of ${fit.n} values${fit.nRemoved ? ` (${fit.nRemoved} ≤ ${fit.options.floor} removed)` : ''}${fit.nAboveXmax ? ` (${fit.nAboveXmax} above xmax dropped)` : ''}`,
      `model    ${fit.discrete ? `discrete (${fit.options.discreteMethod})` : 'continuous'}; status ${fit.status}${fit.reason ? ` (${fit.reason})` : ''}`,
    ];
    if (comparisons) {
      lines.push('compare  power law vs   R (normalized)   p');
      for (const [k, v] of Object.entries(comparisons)) lines.push(`         ${k.padEnd(22)} ${fmt(v.R).padStart(10)}   ${fmt(v.p)}`);
      lines.push('         (R > 0 favours the power law; small p = significant)');
    }
    io.out(`${lines.join('\n')}\n`);
    return 0;
  },
};
