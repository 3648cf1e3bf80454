/**
 * WeightWatcher's flat-file model directory (its `WW_FLATFILES` input): `ww_config.json` =
 * `{weights_dir, layers: {id: {name, longname, weightfile, biasfile, type, dims}}}` with one `.npy`
 * per weight. Layer types come from the config (`dense`, `conv1d`, `conv2d`, `norm`…); conv weights
 * are in PyTorch layout. Files are read one at a time when asked for.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { EsdlabError } from '../core/errors';
import type { DenseTensor } from '../core/matrix';
import type { TensorEntry, TypeHint } from '../core/modelLayers';
import type { Model } from './model';
import { readNpy } from './npy';

const TYPES: Record<string, TypeHint> = { dense: 'dense', linear: 'dense', conv1d: 'conv1d', conv2d: 'conv2d', embedding: 'embedding', norm: 'norm' };

function parseDims(d: unknown, file: string, tensor: string): number[] {
  const arr = typeof d === 'string' ? (() => { try { return JSON.parse(d.replace(/\(/g, '[').replace(/\)/g, ']').replace(/,\s*\]/g, ']')) as unknown; } catch { return null; } })() : d;
  if (!Array.isArray(arr) || !arr.every((x) => Number.isSafeInteger(x) && x >= 0)) throw new EsdlabError('INVALID_SHAPE', `invalid dims ${JSON.stringify(d)}`, { file, tensor });
  return arr as number[];
}

/** Opens a WeightWatcher flat-file directory (or its `ww_config.json`). */
export async function openWwFlatFiles(dirOrConfig: string): Promise<Model> {
  const config = dirOrConfig.endsWith('.json') ? dirOrConfig : path.join(dirOrConfig, 'ww_config.json');
  const dir = path.dirname(config);
  let json: unknown;
  try {
    json = JSON.parse(await fsp.readFile(config, 'utf8'));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new EsdlabError('NOT_FOUND', 'file not found', { file: config });
    throw new EsdlabError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file: config });
  }
  const layers = (json as { layers?: unknown } | null)?.layers;
  if (typeof layers !== 'object' || layers === null) throw new EsdlabError('PARSE_ERROR', 'ww_config.json has no layers object', { file: config });
  const wdRaw = (json as { weights_dir?: unknown }).weights_dir;
  // weights_dir is often an absolute path on the machine that wrote it; files are looked up beside the config
  const local = (f: string, tensor: string): string => {
    if (f.includes('\0') || path.isAbsolute(f) || f.split(/[\\/]/).includes('..')) throw new EsdlabError('FORBIDDEN', `weight file ${JSON.stringify(f)} must be a relative path inside the model directory`, { file: config, tensor });
    const sub = typeof wdRaw === 'string' && !path.isAbsolute(wdRaw) && !wdRaw.split(/[\\/]/).includes('..') ? wdRaw : '.';
    return path.join(dir, sub, f);
  };
  const ids = Object.keys(layers).sort((a, b) => Number(a) - Number(b));
  const tensors: TensorEntry[] = [];
  const files = new Map<string, string>();
  for (const id of ids) {
    const l = (layers as Record<string, unknown>)[id] as { name?: unknown; longname?: unknown; weightfile?: unknown; type?: unknown; dims?: unknown } | null;
    const name = typeof l?.longname === 'string' ? l.longname : typeof l?.name === 'string' ? l.name : `layer${id}`;
    if (typeof l?.weightfile !== 'string') continue;
    if (files.has(name)) throw new EsdlabError('PARSE_ERROR', 'two layers with the same name', { file: config, tensor: name });
    const type = typeof l.type === 'string' ? TYPES[l.type.toLowerCase()] : undefined;
    tensors.push({ name, shape: parseDims(l.dims, config, name), dtype: 'npy', ...(type ? { typeHint: type } : {}) });
    files.set(name, local(l.weightfile, name));
  }
  return {
    format: 'ww-flatfiles', source: dir, convLayout: 'pytorch', tensors,
    readTensor(name: string): Promise<DenseTensor> {
      const f = files.get(name);
      if (!f) return Promise.reject(new EsdlabError('NOT_FOUND', 'no such tensor', { file: config, tensor: name }));
      try {
        const t = readNpy(f);
        const want = tensors.find((x) => x.name === name)!.shape;
        if (t.shape.join(',') !== want.join(',')) throw new EsdlabError('INVALID_SHAPE', `ww_config dims [${want.join(', ')}] but the .npy holds [${t.shape.join(', ')}]`, { file: f, tensor: name });
        return Promise.resolve({ data: t.data, shape: t.shape });
      } catch (e) {
        return Promise.reject(e);
      }
    },
    close: () => Promise.resolve(),
  };
}
