/**
 * Writes a Jupyter kernelspec for esdlab's kernel without Python or IPython (tslab's own installer
 * needs IPython). The spec runs the absolute path of the current `node` (GUI-started Jupyter servers
 * often lack `node` on PATH) on the absolute path of `dist/kernel/main.js`, with
 * `interrupt_mode: signal` (SIGINT interrupts the running cell).
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { EsdlabError } from '../core/errors';

/** Default kernel name (`kernels/<name>/kernel.json`). */
export const DEFAULT_KERNEL_NAME = 'esdlab';

/** Where to install (exactly one of `user`, `sysPrefix`, `prefix`, `dir`; none = system dir as root, else user). */
export interface InstallKernelOptions {
  /** The per-user Jupyter data dir (`JUPYTER_DATA_DIR`, else `~/.local/share/jupyter` on Linux). */
  user?: boolean;
  /** The active Python environment's `sys.prefix` + `/share/jupyter` (`VIRTUAL_ENV`/`CONDA_PREFIX`, else asks `python`). */
  sysPrefix?: boolean;
  /** `<prefix>/share/jupyter`. */
  prefix?: string;
  /** A Jupyter data dir given directly (an entry of `JUPYTER_PATH`): the spec goes to `<dir>/kernels/<name>`. */
  dir?: string;
  /** Kernel name (letters, digits, `.`, `_`, `-`). Default `esdlab`. */
  name?: string;
  /** Display name. Default `TypeScript (esdlab)`, or `JavaScript (esdlab)` with `js`. */
  displayName?: string;
  /** Install a JavaScript kernel (tslab's `--js`). */
  js?: boolean;
  /** Python used for `sysPrefix` when no environment variable names the prefix. Default `python3`. */
  python?: string;
  /** Environment (tests). Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The kernel.json content. */
export interface KernelSpec {
  /** Command line; `{connection_file}` is replaced by Jupyter. */
  argv: string[];
  /** Name shown in launchers and kernel pickers. */
  display_name: string;
  /** Language of the kernel. */
  language: string;
  /** How Jupyter interrupts: by SIGINT. */
  interrupt_mode: 'signal';
  /** Extra metadata. */
  metadata: { esdlab: { version: string; entry: string }; debugger: boolean };
}

/** Absolute path of the compiled kernel entry (`<package>/dist/kernel/main.js`). */
export function kernelEntryPath(): string {
  return path.resolve(__dirname, '..', '..', 'dist', 'kernel', 'main.js');
}

/** Builds the kernel.json content. */
export function buildKernelSpec(options: { js?: boolean; displayName?: string; node?: string; entry?: string } = {}): KernelSpec {
  const entry = options.entry ?? kernelEntryPath();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const version = (require('../../package.json') as { version: string }).version;
  const argv = [options.node ?? process.execPath, entry, '--config-path', '{connection_file}'];
  if (options.js) argv.push('--js');
  return {
    argv,
    display_name: options.displayName ?? (options.js ? 'JavaScript (esdlab)' : 'TypeScript (esdlab)'),
    language: options.js ? 'javascript' : 'typescript',
    interrupt_mode: 'signal',
    metadata: { esdlab: { version, entry }, debugger: false },
  };
}

/** The per-user Jupyter data dir, as jupyter_core computes it. */
export function userDataDir(env: Record<string, string | undefined> = process.env): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  const home = env.HOME ?? os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'jupyter');
}

function sysPrefix(options: InstallKernelOptions, env: Record<string, string | undefined>): string {
  if (env.VIRTUAL_ENV) return env.VIRTUAL_ENV;
  if (env.CONDA_PREFIX) return env.CONDA_PREFIX;
  const py = options.python ?? 'python3';
  const r = spawnSync(py, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) {
    throw new EsdlabError('NOT_FOUND', `--sys-prefix: no VIRTUAL_ENV/CONDA_PREFIX set and '${py}' could not report sys.prefix (${r.error?.message ?? r.stderr.trim()})`);
  }
  return r.stdout.trim();
}

/** The Jupyter data dir the options select. */
export function dataDirFor(options: InstallKernelOptions): string {
  const env = options.env ?? process.env;
  const chosen = [options.user, options.sysPrefix, options.prefix !== undefined, options.dir !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new EsdlabError('INVALID_ARGUMENT', 'choose at most one of --user, --sys-prefix, --prefix, --dir');
  if (options.dir !== undefined) return path.resolve(options.dir);
  if (options.prefix !== undefined) return path.resolve(options.prefix, 'share', 'jupyter');
  if (options.sysPrefix) return path.join(sysPrefix(options, env), 'share', 'jupyter');
  if (options.user) return userDataDir(env);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && process.platform !== 'win32') return '/usr/local/share/jupyter';
  return userDataDir(env);
}

/** Installs the kernelspec; returns the directory written and the spec. */
export function installKernel(options: InstallKernelOptions = {}): { dir: string; spec: KernelSpec } {
  const name = options.name ?? DEFAULT_KERNEL_NAME;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new EsdlabError('INVALID_ARGUMENT', `invalid kernel name '${name}' (use letters, digits, '.', '_', '-')`);
  }
  const spec = buildKernelSpec({ js: options.js, displayName: options.displayName });
  if (!fs.existsSync(spec.argv[1])) {
    throw new EsdlabError('NOT_FOUND', `kernel entry ${spec.argv[1]} does not exist: run 'npm run build' first`);
  }
  const dir = path.join(dataDirFor(options), 'kernels', name.toLowerCase());
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  } catch (e) {
    throw new EsdlabError('IO_ERROR', `cannot write kernelspec: ${(e as Error).message}`, { file: dir });
  }
  return { dir, spec };
}
