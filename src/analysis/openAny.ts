/**
 * Opens a model from a local path or a remote reference (`https://…` or `hf:org/model`), downloading
 * remote files into the cache first (see src/io/download.ts).
 */
import { fetchModelFiles, isRemote, type DownloadOptions } from '../io/download';
import type { Model } from '../io/model';
import { openModel, type OpenModelOptions } from '../io/openModel';

/** Options for opening a model: download options plus a forced format. */
export interface OpenOptions extends DownloadOptions, OpenModelOptions {}

/** Opens a local path, URL or `hf:` id as a {@link Model}. */
export async function openModelOrUrl(ref: string, options: OpenOptions = {}): Promise<Model> {
  const local = isRemote(ref) ? await fetchModelFiles(ref, options) : ref;
  return openModel(local, options);
}
