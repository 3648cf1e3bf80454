/**
 * The {@link Model} abstraction every loader returns: a lazily readable list of named tensors plus
 * what the file says about layers (types from its graph, the framework's conv layout). Reading a
 * model lists tensors only; values are read one tensor at a time by {@link Model.readTensor}.
 */
import { EsdlabError } from '../core/errors';
import { toTensor, type DenseTensor, type NumericArray, type TensorInput } from '../core/matrix';
import type { ConvLayout } from '../core/layerMatrices';
import type { LayerSource } from '../core/analyzeModel';
import { loraProduct, pairLoraLayers } from '../core/lora';
import { extractLayers, type LayerInfo, type TensorEntry } from '../core/modelLayers';

/** A model opened by a loader. */
export interface Model {
  /** Format name, e.g. `safetensors`, `tfjs-graph`, `npz`, `ww-flatfiles`, `memory`. */
  format: string;
  /** Path, URL or label the model came from. */
  source: string;
  /** Conv kernel layout of the framework that wrote the file. */
  convLayout: ConvLayout;
  /** Every tensor in file order (names, shapes, stored dtypes, type hints). */
  tensors: TensorEntry[];
  /**
   * Reads and decodes one tensor (dequantized if the file stores it quantized). Loaders that read
   * straight into memory may honor `options.reuse` (see {@link ReadOptions}).
   */
  readTensor(name: string, options?: ReadOptions): Promise<DenseTensor>;
  /** Releases open files. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link layersOf} and {@link asLayerSource}. */
export interface LayersOfOptions {
  /** LoRA adapters: `product` (default) analyzes each B·A pair as one layer `X.lora_BA`; `separate` lists A and B as they are. */
  lora?: 'product' | 'separate';
}

/** Options of {@link Model.readTensor}. */
export interface ReadOptions {
  /**
   * An array the caller no longer needs: a loader may decode into its memory (returning a view) instead
   * of allocating, which keeps peak memory at one tensor when tensors are analyzed one after another.
   */
  reuse?: NumericArray | null;
}

/** The layers of a model (see {@link extractLayers}), numbered from 0 in file order. */
export function layersOf(model: Model, options: LayersOfOptions = {}): LayerInfo[] {
  const layers = extractLayers(model.tensors, { convLayout: model.convLayout });
  return (options.lora ?? 'product') === 'product' ? pairLoraLayers(layers) : layers;
}

/** The model as a {@link LayerSource} for `analyzeModel` / `describeModel` (layers read lazily). */
export function asLayerSource(model: Model, options: LayersOfOptions = {}): LayerSource {
  return {
    source: model.source,
    format: model.format,
    layers: layersOf(model, options),
    read: async (layer: LayerInfo, reuse?: NumericArray | null) => {
      if (!layer.lora) return model.readTensor(layer.longname, { reuse });
      return loraProduct(await model.readTensor(layer.lora.B), await model.readTensor(layer.lora.A), layer.name);
    },
  };
}

/** Options of {@link modelFromTensors}. */
export interface MemoryModelOptions {
  /** Conv layout of 3-D/4-D tensors (default `pytorch`: out, in, kh, kw). */
  convLayout?: ConvLayout;
  /** Label used as the model's source (default `memory`). */
  source?: string;
}

function isTfjsTensor(x: unknown): x is { shape: number[]; dataSync(): Float32Array | Int32Array | Uint8Array } {
  return typeof x === 'object' && x !== null && Array.isArray((x as { shape?: unknown }).shape) &&
    typeof (x as { dataSync?: unknown }).dataSync === 'function';
}

/**
 * Wraps in-memory tensors as a {@link Model}: a record or Map from names to typed-array tensors
 * (`{data, shape}`), ml-matrix matrices, nested arrays, or TensorFlow.js tensors (anything with
 * `shape` and `dataSync()`).
 */
export function modelFromTensors(tensors: Record<string, unknown> | Map<string, unknown>, options: MemoryModelOptions = {}): Model {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const values = new Map<string, DenseTensor>();
  const list: TensorEntry[] = [];
  for (const [name, v] of entries) {
    let t: DenseTensor;
    if (isTfjsTensor(v)) {
      const d = v.dataSync();
      t = toTensor({ data: d instanceof Float32Array ? d : Float32Array.from(d), shape: v.shape.slice() }, name);
    } else {
      t = toTensor(v as TensorInput, name);
    }
    values.set(name, t);
    list.push({ name, shape: t.shape.slice(), dtype: t.data instanceof Float64Array ? 'F64' : 'F32' });
  }
  return {
    format: 'memory',
    source: options.source ?? 'memory',
    convLayout: options.convLayout ?? 'pytorch',
    tensors: list,
    readTensor(name: string): Promise<DenseTensor> {
      const t = values.get(name);
      if (!t) return Promise.reject(new EsdlabError('NOT_FOUND', 'no such tensor', { tensor: name }));
      return Promise.resolve(t);
    },
    close: () => Promise.resolve(),
  };
}
