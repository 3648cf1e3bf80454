/**
 * `esdlab describe [PATH|URL|hf:org/model] [--json|--csv] [--layers …] [--min-evals K] [--max-evals K]
 * [--max-N K] [--format NAME]`: lists the layers `analyze` would analyze (names, types, shapes, N, M,
 * rf, num_evals) without computing any spectrum.
 */
import { describe } from '../../analysis/analyze';
import { EsdlabError } from '../../core/errors';
import { DEFAULT_MODEL, defaultModelPath } from '../../io/defaultModel';
import type { CliIO, Command } from '../command';
import { csv, textTable } from '../rowsFormat';
import { parseModelArgs } from './analyze';

/** Columns of the text table. */
export const DESCRIBE_COLUMNS = ['layer_id', 'name', 'layer_type', 'attention', 'shape', 'dtype', 'N', 'M', 'Q', 'rf', 'num_evals'] as const;

/** `esdlab describe`. */
export const describeCommand: Command = {
  name: 'describe',
  usage: 'esdlab describe [PATH|URL|hf:org/model] [--json|--csv] [--layers IDS,NAMES,TYPES] [--min-evals K] [--max-evals K] [--max-N K] [--format NAME]',
  summary: 'list the layers analyze would analyze (no spectra); no PATH = the embedded default model',
  async run(argv: string[], io: CliIO): Promise<number> {
    const a = parseModelArgs(argv, 'describe');
    if (a.html || a.normalize || a.ww || a.base) throw new EsdlabError('INVALID_ARGUMENT', 'describe takes no --html/--normalize/--ww/--base');
    const target = a.path ?? defaultModelPath();
    if (a.path === null) io.err(`esdlab describe: no PATH given, using the default model: ${DEFAULT_MODEL.description}\n`);
    const d = await describe(target, {
      layers: a.layers, lora: a.lora,
      ...(a.min_evals !== undefined ? { min_evals: a.min_evals } : {}),
      ...(a.max_evals !== undefined ? { max_evals: a.max_evals } : {}),
      ...(a.max_N !== undefined ? { max_N: a.max_N } : {}),
      ...(a.format ? { format: a.format } : {}),
    });
    if (a.output === 'json') io.out(JSON.stringify(d, null, 1) + '\n');
    else if (a.output === 'csv') io.out(csv(d.layers as unknown as Record<string, unknown>[]));
    else {
      io.out(`${target} (${d.format}): ${d.layers.length} layers, ${d.skipped.length} skipped\n`);
      io.out(textTable(d.layers as unknown as Record<string, unknown>[], DESCRIBE_COLUMNS));
      for (const s of d.skipped) io.out(`skipped ${s.layer_id} ${s.name}: ${s.reason}\n`);
    }
    return 0;
  },
};
