/**
 * NumPy `.npz` archives (`np.savez`, `np.savez_compressed`) and single `.npy` files as models. Each
 * `NAME.npy` member is a tensor `NAME`, parsed by the `.npy` reader (no pickles). Opening parses each
 * member once to list its shape and dtype; values are read again per tensor on demand.
 */
import * as path from 'path';
import { EsdlabError } from '../core/errors';
import type { DenseTensor } from '../core/matrix';
import type { TensorEntry } from '../core/modelLayers';
import type { Model } from './model';
import { parseNpy, readNpy } from './npy';
import { ZipArchive, type ZipLimits } from './zipArchive';

/** Opens an `.npz` archive as a model (tensors in archive order; PyTorch conv layout assumed). */
export async function openNpz(file: string, limits: ZipLimits = {}): Promise<Model> {
  const zip = await ZipArchive.open(file, limits);
  const tensors: TensorEntry[] = [];
  const members = new Map<string, string>();
  try {
    for (const e of zip.entries) {
      if (!e.name.endsWith('.npy')) continue;
      const name = e.name.slice(0, -4);
      const t = parseNpy(await zip.read(e.name), `${file}:${e.name}`);
      tensors.push({ name, shape: t.shape.slice(), dtype: t.dtype });
      members.set(name, e.name);
    }
  } catch (e) {
    zip.close();
    throw e;
  }
  if (!tensors.length) {
    zip.close();
    throw new EsdlabError('PARSE_ERROR', 'archive holds no .npy members (is this an .npz file?)', { file });
  }
  let closed = false;
  return {
    format: 'npz', source: file, convLayout: 'pytorch', tensors,
    async readTensor(name: string): Promise<DenseTensor> {
      const m = members.get(name);
      if (m === undefined) throw new EsdlabError('NOT_FOUND', 'no such tensor', { file, tensor: name });
      const t = parseNpy(await zip.read(m), `${file}:${m}`);
      return { data: t.data, shape: t.shape };
    },
    close(): Promise<void> {
      if (!closed) zip.close();
      closed = true;
      return Promise.resolve();
    },
  };
}

/** Opens one `.npy` file as a model with a single tensor named after the file. */
export async function openNpyModel(file: string): Promise<Model> {
  const t = readNpy(file);
  const name = path.basename(file).replace(/\.npy$/i, '');
  return {
    format: 'npy', source: file, convLayout: 'pytorch',
    tensors: [{ name, shape: t.shape.slice(), dtype: t.dtype }],
    readTensor: (n: string) => (n === name ? Promise.resolve({ data: t.data, shape: t.shape }) : Promise.reject(new EsdlabError('NOT_FOUND', 'no such tensor', { file, tensor: n }))),
    close: () => Promise.resolve(),
  };
}
