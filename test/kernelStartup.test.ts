/** Kernel start-up: tslab self-check, connection-file checks, argument parsing, kernelspec installer. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { parseInstallKernelArgs } from '../src/cli/commands/install-kernel';
import { parseKernelArgs } from '../src/kernel/main';
import { buildKernelSpec, dataDirFor, installKernel, userDataDir } from '../src/kernel/kernelspec';
import { assertTslab, checkConnectionInfo, checkTslab, TSLAB_VERSION, type TslabModules } from '../src/kernel/selfCheck';
import { currentInterruptSignal, setCommManager } from '../src/kernel/protocol';
import { KERNEL_ENTRY, REPO, requireBuiltKernel } from './kernel/harness';

function realTslab(): TslabModules {
  return {
    pkg: require('tslab/package.json'),
    jupyter: require('tslab/dist/jupyter'),
    executor: require('tslab/dist/executor'),
    converter: require('tslab/dist/converter'),
  };
}

describe('tslab self-check', () => {
  test('the pinned tslab passes, and package.json pins it exactly', () => {
    expect(checkTslab(realTslab())).toEqual({ problems: [], versionWarning: null });
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.dependencies.tslab).toBe(TSLAB_VERSION);
  });

  test('a changed internal makes the kernel refuse to start with one clear error', () => {
    const m = realTslab();
    class FakeServer { init(): void { /* no handleShellMessage */ } }
    const changed: TslabModules = { ...m, pkg: { version: '9.9.9' }, jupyter: { ...m.jupyter, ZmqServer: FakeServer }, converter: {} };
    const r = checkTslab(changed);
    expect(r.problems).toEqual(expect.arrayContaining(['ZmqServer.prototype.handleShellMessage is missing', 'ZmqServer.prototype.handleExecute is missing', 'tslab/dist/converter no longer exports createConverter']));
    expect(r.versionWarning).toBe(`tslab 9.9.9 found, esdlab's kernel was built for tslab ${TSLAB_VERSION}`);
    let err: unknown;
    try { assertTslab(changed); } catch (e) { err = e; }
    expect(isEsdlabError(err)).toBe(true);
    expect((err as Error).message).toContain('tslab internals changed, refusing to start the kernel');
  });

  test('connection files are validated', () => {
    const good = { shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5, ip: '127.0.0.1', transport: 'tcp', key: 'k', signature_scheme: 'hmac-sha256' };
    expect(() => checkConnectionInfo(good, 'c.json')).not.toThrow();
    expect(() => checkConnectionInfo({ ...good, signature_scheme: 'hmac-md5' }, 'c.json')).toThrow("[c.json] connection file: unsupported signature_scheme 'hmac-md5' (only hmac-sha256)");
    expect(() => checkConnectionInfo({ ...good, hb_port: 'x' }, 'c.json')).toThrow("'hb_port' must be an integer port");
    expect(() => checkConnectionInfo([], 'c.json')).toThrow();
  });

  test('the kernel entry exits 1 with one line for a bad connection file', () => {
    requireBuiltKernel();
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bad-')), 'conn.json');
    fs.writeFileSync(f, '{ not json');
    const r = spawnSync(process.execPath, [KERNEL_ENTRY, '--config-path', f], { encoding: 'utf8', timeout: 60000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cannot read connection file');
  });
});

test('`esdlab kernel` (the CLI route) reaches the kernel entry (its connection-file check answers)', () => {
  requireBuiltKernel();
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-cli-')), 'conn.json');
  fs.writeFileSync(f, JSON.stringify({ shell_port: 1 }));
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'esdlab.js'), 'kernel', '--config-path', f], { encoding: 'utf8', timeout: 60000 });
  expect(r.status).toBe(1);
  expect(r.stderr.trim()).toBe(`esdlab kernel: [${f}] connection file: 'iopub_port' must be an integer port`);
});

describe('arguments', () => {
  test('kernel arguments', () => {
    expect(parseKernelArgs(['--config-path', '/x.json'])).toEqual({ configPath: '/x.json', js: false });
    expect(parseKernelArgs(['--config-path=/y.json', '--js'])).toEqual({ configPath: '/y.json', js: true });
    expect(() => parseKernelArgs([])).toThrow('missing --config-path');
    expect(() => parseKernelArgs(['--config-path', 'a', '--bogus'])).toThrow("unknown kernel option '--bogus'");
  });

  test('install-kernel arguments', () => {
    expect(parseInstallKernelArgs(['--sys-prefix', '--name', 'k1'])).toEqual({ sysPrefix: true, name: 'k1' });
    expect(parseInstallKernelArgs(['--prefix', '/p', '--display-name', 'TS'])).toEqual({ prefix: '/p', displayName: 'TS' });
    expect(() => parseInstallKernelArgs(['--dir'])).toThrow('--dir needs a value');
    expect(() => parseInstallKernelArgs(['--frob'])).toThrow("unknown option '--frob'");
  });
});

describe('kernelspec installer', () => {
  test('kernel.json: absolute node, absolute entry, signal interrupts, no Python needed', () => {
    const spec = buildKernelSpec();
    expect(spec.argv).toEqual([process.execPath, KERNEL_ENTRY, '--config-path', '{connection_file}']);
    expect(path.isAbsolute(spec.argv[0]) && path.isAbsolute(spec.argv[1])).toBe(true);
    expect(spec.interrupt_mode).toBe('signal');
    expect(spec.language).toBe('typescript');
    expect(buildKernelSpec({ js: true }).argv.slice(-1)).toEqual(['--js']);
  });

  test('destinations: --dir, --prefix, --user (JUPYTER_DATA_DIR / XDG), --sys-prefix (VIRTUAL_ENV)', () => {
    expect(dataDirFor({ dir: '/d' })).toBe('/d');
    expect(dataDirFor({ prefix: '/p' })).toBe('/p/share/jupyter');
    expect(dataDirFor({ user: true, env: { JUPYTER_DATA_DIR: '/jd' } })).toBe('/jd');
    if (process.platform === 'linux') expect(userDataDir({ HOME: '/h' })).toBe('/h/.local/share/jupyter');
    expect(dataDirFor({ sysPrefix: true, env: { VIRTUAL_ENV: '/venv' } })).toBe('/venv/share/jupyter');
    expect(() => dataDirFor({ user: true, prefix: '/p' })).toThrow('choose at most one');
  });

  test('installKernel writes kernels/<name>/kernel.json', () => {
    requireBuiltKernel();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-ks-'));
    const { dir } = installKernel({ prefix: root, name: 'My.Kernel-1' });
    expect(dir).toBe(path.join(root, 'share', 'jupyter', 'kernels', 'my.kernel-1'));
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
    expect(spec.display_name).toBe('TypeScript (esdlab)');
    expect(() => installKernel({ dir: root, name: '../evil' })).toThrow('invalid kernel name');
  });
});

test('currentInterruptSignal: never aborted outside the kernel', () => {
  setCommManager(null);
  expect(currentInterruptSignal().aborted).toBe(false);
});
