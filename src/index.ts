/**
 * esdlab: spectral diagnostics of neural-network weights.
 * The public API: the pure core plus the Node-only parts (loaders, engine, kernel, CLI helpers).
 * @packageDocumentation
 */
export * from './core';
export * from './viz';
export * from './kernel/protocol';
export * from './kernel/buffers';
export * from './kernel/widgetModel';
export * from './display/display';
export * from './display/progress';
export * from './display/show';
export * from './report';
export * from './io/npy';
export * from './analysis/analyze';
export * from './analysis/openAny';
export { type Model, type MemoryModelOptions, layersOf, asLayerSource, modelFromTensors } from './io/model';
export { openModel, detectFormat, registerModelFormat, type OpenModelOptions, type DetectedFormat, type ModelOpener } from './io/openModel';
export { fetchModelFiles, downloadFile, cacheDirOf, type DownloadOptions, type DownloadProgress } from './io/download';
export { DEFAULT_MODEL, defaultModelPath } from './io/defaultModel';
export { openSafetensors, openSafetensorsIndex, openSafetensorsDir, parseSafetensorsHeader } from './io/safetensors';
export { openTfjs } from './io/tfjs';
export { openNpz, openNpyModel } from './io/npz';
export { openWwFlatFiles } from './io/wwFlatFiles';
export { openPytorch, openPytorchIndex } from './io/pytorch';
export { readPickle, type PickledTensor, type PickledStorage, type PickleOptions } from './io/pickle';
export { openOnnx } from './io/onnx';
export { openKeras, type KerasOptions } from './io/keras';
export { type ReadOptions, type LayersOfOptions } from './io/model';
export * from './io/numberList';
export * from './widgets';
export * from './display/notebookProgress';
export * from './engine';
import { installDefaultSpectrumBackend } from './engine/install';
installDefaultSpectrumBackend();
export { openTflite } from './io/tflite';
