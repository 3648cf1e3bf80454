/**
 * Opens a model from a path (file or directory) by sniffing its format. Each format has its own
 * loader module; this file only decides which one to call.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { EsdlabError } from '../core/errors';
import type { Model } from './model';
import { openKeras } from './keras';
import { openNpyModel, openNpz } from './npz';
import { openOnnx } from './onnx';
import { openPytorch, openPytorchIndex } from './pytorch';
import { openSafetensors, openSafetensorsDir, openSafetensorsIndex } from './safetensors';
import { openTfjs } from './tfjs';
import { openTflite } from './tflite';
import { openWwFlatFiles } from './wwFlatFiles';

/** A format-specific opener, registered by name. */
export type ModelOpener = (file: string) => Promise<Model>;

const openers = new Map<string, ModelOpener>();

/**
 * Registers (or replaces) the opener of a format name, e.g. `pytorch`, `onnx`, `npz`. Loaders that live in
 * their own modules register themselves here, so this file needs no change when one is added.
 */
export function registerModelFormat(name: string, opener: ModelOpener): void {
  openers.set(name, opener);
}

registerModelFormat('safetensors', openSafetensors);
registerModelFormat('safetensors-index', openSafetensorsIndex);
registerModelFormat('safetensors-dir', openSafetensorsDir);
registerModelFormat('tfjs', openTfjs);
registerModelFormat('npz', (f) => openNpz(f));
registerModelFormat('npy', openNpyModel);
registerModelFormat('ww-flatfiles', openWwFlatFiles);
registerModelFormat('pytorch', (f) => openPytorch(f));
registerModelFormat('pytorch-index', (f) => openPytorchIndex(f));
registerModelFormat('onnx', openOnnx);
registerModelFormat('keras', openKeras);
registerModelFormat('tflite', openTflite);

async function magic(file: string): Promise<Uint8Array> {
  const h = await fsp.open(file, 'r');
  try {
    const b = new Uint8Array(8);
    const { bytesRead } = await h.read(b, 0, 8, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

const startsWith = (b: Uint8Array, s: number[]): boolean => s.every((v, i) => b[i] === v);

/** A detected format: the opener's name and the file to hand it (inside a directory, when `p` is one). */
export interface DetectedFormat {
  format: string;
  file: string;
}

/** Guesses the format of a file or directory (a key of the opener registry) and the file to open. */
export async function detectFormat(p: string): Promise<DetectedFormat> {
  let st;
  try {
    st = await fsp.stat(p);
  } catch {
    throw new EsdlabError('NOT_FOUND', 'no such file or directory', { file: p });
  }
  if (st.isDirectory()) {
    const names = await fsp.readdir(p);
    if (names.includes('model.safetensors.index.json')) return { format: 'safetensors-index', file: path.join(p, 'model.safetensors.index.json') };
    if (names.some((n) => n.endsWith('.safetensors'))) return { format: 'safetensors-dir', file: p };
    if (names.includes('ww_config.json')) return { format: 'ww-flatfiles', file: p };
    if (names.includes('model.json')) return { format: 'tfjs', file: path.join(p, 'model.json') };
    if (names.includes('pytorch_model.bin.index.json')) return { format: 'pytorch-index', file: path.join(p, 'pytorch_model.bin.index.json') };
    const bin = names.filter((n) => /^pytorch_model.*\.bin$/.test(n) || /\.(pt|pth)$/.test(n));
    if (bin.length === 1) return { format: 'pytorch', file: path.join(p, bin[0]) };
    const one = names.filter((n) => /\.(onnx|h5|keras|tflite|npz)$/.test(n));
    if (one.length === 1) return detectFormat(path.join(p, one[0]));
    throw new EsdlabError('UNSUPPORTED_FORMAT', 'directory holds no recognized model files (safetensors shards, ww_config.json, model.json, pytorch_model*.bin, one .onnx/.h5/.keras/.tflite/.npz)', { file: p });
  }
  const lower = p.toLowerCase();
  if (lower.endsWith('.safetensors.index.json')) return { format: 'safetensors-index', file: p };
  if (lower.endsWith('.bin.index.json')) return { format: 'pytorch-index', file: p };
  if (lower.endsWith('.safetensors')) return { format: 'safetensors', file: p };
  if (lower.endsWith('.json')) return { format: 'tfjs', file: p };
  if (lower.endsWith('.onnx')) return { format: 'onnx', file: p };
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5') || lower.endsWith('.keras')) return { format: 'keras', file: p };
  if (lower.endsWith('.tflite')) return { format: 'tflite', file: p };
  const m = await magic(p);
  if (startsWith(m, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return { format: 'npy', file: p };
  if (startsWith(m, [0x50, 0x4b, 0x03, 0x04]) || startsWith(m, [0x50, 0x4b, 0x05, 0x06])) return { format: lower.endsWith('.npz') ? 'npz' : 'pytorch', file: p };
  if (startsWith(m, [0x89, 0x48, 0x44, 0x46])) return { format: 'keras', file: p };
  if (startsWith(m, [0x80]) && /\.(pt|pth|bin|ckpt)$/.test(lower)) return { format: 'pytorch-legacy', file: p };
  if (lower.endsWith('.npy')) return { format: 'npy', file: p };
  if (lower.endsWith('.npz')) return { format: 'npz', file: p };
  if (/\.(pt|pth|bin|ckpt)$/.test(lower)) return { format: 'pytorch', file: p };
  throw new EsdlabError('UNSUPPORTED_FORMAT', 'unrecognized model file (by extension and magic bytes)', { file: p });
}

/** Options of {@link openModel}. */
export interface OpenModelOptions {
  /** Force a format name instead of detecting it (see {@link detectFormat}). */
  format?: string;
}

/**
 * Opens a model file or directory: safetensors (single/sharded), TF.js model.json, and every format
 * whose loader has been registered (`.npy`/`.npz`, WeightWatcher flat files, PyTorch, ONNX, Keras,
 * TFLite). Only headers are read here. Close the model when done.
 */
export async function openModel(p: string, options: OpenModelOptions = {}): Promise<Model> {
  const { format: name, file: target } = options.format !== undefined ? { format: options.format, file: p } : await detectFormat(p);
  if (name === 'pytorch-legacy') {
    throw new EsdlabError('UNSUPPORTED_FORMAT', 'legacy (pre-1.6, non-zip) PyTorch serialization is not supported: re-save with torch.save(obj, f) in a current PyTorch, or convert to safetensors', { file: p });
  }
  const opener = openers.get(name);
  if (!opener) throw new EsdlabError('UNSUPPORTED_FORMAT', `no loader for format '${name}' in this build`, { file: p });
  return opener(target);
}
