/**
 * Start-up self-check of the tslab internals esdlab's kernel builds on. tslab is pinned to an exact
 * version, but a different copy can still be picked up (a hoisting change, a manual upgrade): if any
 * deep-imported module, class or method changed, the kernel refuses to start with one clear message
 * instead of misbehaving later.
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';

/** The tslab version esdlab's kernel was written and tested against. */
export const TSLAB_VERSION = '1.0.22';

/** What the check looks at (the loaded tslab modules). */
export interface TslabModules {
  /** `tslab/package.json`. */
  pkg: { version?: unknown };
  /** `tslab/dist/jupyter`. */
  jupyter: Record<string, unknown>;
  /** `tslab/dist/executor`. */
  executor: Record<string, unknown>;
  /** `tslab/dist/converter`. */
  converter: Record<string, unknown>;
}

/** Result: the problems found (empty when the internals are as expected) and a version note. */
export interface SelfCheckResult {
  /** One line per missing or changed internal. */
  problems: string[];
  /** Set when the version differs from {@link TSLAB_VERSION} (internals may still match). */
  versionWarning: string | null;
}

function hasMethod(cls: unknown, name: string): boolean {
  return typeof cls === 'function' && typeof (cls as { prototype?: Record<string, unknown> }).prototype?.[name] === 'function';
}

/** Inspects the tslab modules without starting anything. */
export function checkTslab(m: TslabModules): SelfCheckResult {
  const problems: string[] = [];
  const { jupyter, executor, converter } = m;
  const Server = jupyter.ZmqServer;
  const Handler = jupyter.JupyterHandlerImpl;
  if (typeof Server !== 'function') problems.push('tslab/dist/jupyter no longer exports ZmqServer');
  else for (const k of ['handleShellMessage', 'handleExecute', 'publishStatus', 'init', 'close']) {
    if (!hasMethod(Server, k)) problems.push(`ZmqServer.prototype.${k} is missing`);
  }
  if (typeof Handler !== 'function') problems.push('tslab/dist/jupyter no longer exports JupyterHandlerImpl');
  else for (const k of ['handleExecute', 'handleKernel', 'handleShutdown', 'close']) {
    if (!hasMethod(Handler, k)) problems.push(`JupyterHandlerImpl.prototype.${k} is missing`);
  }
  if (!('lastWriteDisplayData' in jupyter)) problems.push('tslab/dist/jupyter no longer exports lastWriteDisplayData');
  if (typeof executor.createExecutor !== 'function') problems.push('tslab/dist/executor no longer exports createExecutor');
  if (typeof converter.createConverter !== 'function') problems.push('tslab/dist/converter no longer exports createConverter');
  const v = m.pkg.version;
  const versionWarning = v === TSLAB_VERSION ? null : `tslab ${String(v)} found, esdlab's kernel was built for tslab ${TSLAB_VERSION}`;
  return { problems, versionWarning };
}

/** Throws an {@link EsdlabError} (code `INTERNAL`) listing every problem, if any. */
export function assertTslab(m: TslabModules): SelfCheckResult {
  const r = checkTslab(m);
  if (r.problems.length) {
    throw new EsdlabError('INTERNAL', `tslab internals changed, refusing to start the kernel (${r.versionWarning ?? `tslab ${TSLAB_VERSION}`}): ${r.problems.join('; ')}. Reinstall the pinned version: npm install tslab@${TSLAB_VERSION} --save-exact`);
  }
  return r;
}

/** Checks a Jupyter connection file's content; throws an {@link EsdlabError} if it is unusable. */
export function checkConnectionInfo(info: unknown, file: string): void {
  const bad = (msg: string): never => { throw new EsdlabError('INVALID_ARGUMENT', msg, { file }); };
  if (info === null || typeof info !== 'object') bad('connection file is not a JSON object');
  const c = info as Record<string, unknown>;
  for (const k of ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port']) {
    if (!Number.isInteger(c[k])) bad(`connection file: '${k}' must be an integer port`);
  }
  if (typeof c.ip !== 'string' || typeof c.transport !== 'string') bad("connection file: 'ip' and 'transport' must be strings");
  if (typeof c.key !== 'string') bad("connection file: 'key' must be a string");
  if (c.key !== '' && c.signature_scheme !== 'hmac-sha256') bad(`connection file: unsupported signature_scheme '${String(c.signature_scheme)}' (only hmac-sha256)`);
}
