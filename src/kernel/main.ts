/**
 * Entry point of esdlab's Jupyter kernel: `node dist/kernel/main.js --config-path <connection file>`
 * (what `esdlab install-kernel` writes into kernel.json; `esdlab kernel --config-path …` is the same).
 *
 * Start-up mirrors tslab's own `startKernel` (converters, executor, handler, ZeroMQ server) without
 * its "delegate to a tslab found near the notebook" step, after a self-check of the tslab internals.
 * SIGINT (Jupyter's interrupt, `interrupt_mode: signal`) interrupts the running cell and aborts its
 * interrupt signal; `shutdown_request` closes the sockets and exits.
 * @packageDocumentation
 */
import * as fs from 'fs';
import { isEsdlabError, EsdlabError } from '../core/errors';
import { setCommManager, type InterruptSignal } from './protocol';
import { assertTslab, checkConnectionInfo, type TslabModules } from './selfCheck';

/** Options of {@link startKernel}. */
export interface StartKernelOptions {
  /** Path of the Jupyter connection file. */
  configPath: string;
  /** Start a JavaScript kernel instead of TypeScript. Default false. */
  js?: boolean;
  /** Log sink (default: the process's stderr as it was at start-up). */
  log?: (line: string) => void;
  /** Exit the process after `shutdown_request` (default true). */
  exitOnShutdown?: boolean;
}

/** A running kernel. */
export interface RunningKernel {
  /** Stops the kernel (closes sockets) without exiting the process. */
  close(): void;
}

function loadTslab(): TslabModules {
  /* eslint-disable @typescript-eslint/no-var-requires */
  return {
    pkg: require('tslab/package.json') as { version?: unknown },
    jupyter: require('tslab/dist/jupyter') as Record<string, unknown>,
    executor: require('tslab/dist/executor') as Record<string, unknown>,
    converter: require('tslab/dist/converter') as Record<string, unknown>,
  };
}

/** Parses `--config-path P` / `--config-path=P` and `--js`; throws on anything else. */
export function parseKernelArgs(argv: string[]): { configPath: string; js: boolean } {
  let configPath: string | null = null;
  let js = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config-path' || a === '-f') configPath = argv[++i] ?? null;
    else if (a.startsWith('--config-path=')) configPath = a.slice('--config-path='.length);
    else if (a === '--js') js = true;
    else throw new EsdlabError('INVALID_ARGUMENT', `unknown kernel option '${a}' (usage: esdlab kernel --config-path FILE [--js])`);
  }
  if (!configPath) throw new EsdlabError('INVALID_ARGUMENT', 'missing --config-path FILE (the Jupyter connection file)');
  return { configPath, js };
}

/**
 * Starts the kernel. Resolves once the sockets are bound. Throws an {@link EsdlabError} for an
 * unreadable connection file or changed tslab internals.
 */
export async function startKernel(options: StartKernelOptions): Promise<RunningKernel> {
  const rawStderr = process.stderr.write.bind(process.stderr);
  const log = options.log ?? ((line: string) => { rawStderr(`[esdlab-kernel] ${line}\n`); });
  const mods = loadTslab();
  const check = assertTslab(mods);
  if (check.versionWarning) log(`warning: ${check.versionWarning}`);

  let info: unknown;
  try {
    info = JSON.parse(fs.readFileSync(options.configPath, 'utf8'));
  } catch (e) {
    throw new EsdlabError('IO_ERROR', `cannot read connection file: ${(e as Error).message}`, { file: options.configPath });
  }
  checkConnectionInfo(info, options.configPath);

  // Deferred so that importing this file (e.g. for parseKernelArgs) does not load tslab/zeromq.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { CommZmqServer, TrackingHandler } = require('./server') as typeof import('./server');
  const { createConverter } = mods.converter as unknown as typeof import('tslab/dist/converter');
  const { createExecutor } = mods.executor as unknown as typeof import('tslab/dist/executor');
  const jupyter = mods.jupyter as unknown as typeof import('tslab/dist/jupyter');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const esdlabVersion = (require('../../package.json') as { version: string }).version;
  const tslabVersion = String(mods.pkg.version);

  const isJs = options.js === true;
  type Conv = ReturnType<typeof createConverter>;
  let node: Conv | null = null;
  let browser: Conv | null = null;
  const convs = {
    get node(): Conv { return (node ??= createConverter({ isJS: isJs, isBrowser: false })); },
    get browser(): Conv { return (browser ??= createConverter({ isJS: isJs, isBrowser: true })); },
    close(): void { node?.close(); browser?.close(); },
  };
  void convs.node; // warm up the TypeScript service before the first cell
  const executor = createExecutor(process.cwd(), convs, { log: console.log, error: console.error });

  let abort = new AbortController();
  const handler = new TrackingHandler(executor, isJs, { implementation: 'esdlab', version: esdlabVersion, tslabVersion });
  const interrupt = (): void => {
    abort.abort();
    executor.interrupt();
  };
  const server = new CommZmqServer(handler, options.configPath, {
    log,
    kernel: `esdlab ${esdlabVersion} (tslab ${tslabVersion})`,
    interrupt,
    interruptSignal: (): InterruptSignal => abort.signal,
    onShutdown: (restart) => {
      setCommManager(null);
      log(`shutdown (restart=${restart})`);
      if (options.exitOnShutdown !== false) setTimeout(() => process.exit(0), 20);
    },
  });

  // The executor runs a cell's code only when tslab's queue reaches it; that is when tslab installs
  // the cell's display sink, which maps back to the execute request.
  const execute = executor.execute.bind(executor);
  executor.execute = (src: string): Promise<boolean> => {
    const h = handler.sinkHeaders.get(jupyter.lastWriteDisplayData);
    if (h) server.executeParent = h;
    abort = new AbortController();
    return execute(src);
  };

  process.on('SIGINT', interrupt);
  process.on('uncaughtException', (err) => log(`uncaught exception: ${err?.stack ?? String(err)}`));
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`));

  setCommManager(server.manager);
  await server.init();
  log(`ready: ${server.manager.kernel}, cwd ${process.cwd()}`);
  try {
    require.resolve('esdlab/package.json', { paths: [process.cwd()] });
  } catch {
    log(`note: cells here cannot import 'esdlab' (not in any node_modules above ${process.cwd()}): in the esdlab repo run 'bash setup.sh' (links node_modules/esdlab), elsewhere 'npm install esdlab @types/node'`);
  }
  return { close: () => { setCommManager(null); server.close(); } };
}

/** CLI entry: parses argv, starts the kernel; on failure prints one line and exits 1. */
export async function kernelMain(argv: string[]): Promise<void> {
  try {
    const { configPath, js } = parseKernelArgs(argv);
    await startKernel({ configPath, js });
  } catch (e) {
    const msg = isEsdlabError(e) ? e.message : (e as Error)?.stack ?? String(e);
    process.stderr.write(`esdlab kernel: ${msg}\n`);
    process.exit(1);
  }
}

if (require.main === module) void kernelMain(process.argv.slice(2));
