/** `esdlab kernel --config-path FILE`: runs esdlab's Jupyter kernel (started by Jupyter from kernel.json). */
import type { Command } from '../command';

/** The command. */
export const kernelCommand: Command = {
  name: 'kernel',
  usage: 'esdlab kernel --config-path FILE [--js]',
  summary: 'run the esdlab Jupyter kernel (tslab with Jupyter comms/widgets); Jupyter starts it via kernel.json',
  async run(argv) {
    // Loaded lazily: the other commands must not pull in tslab and ZeroMQ.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { parseKernelArgs, startKernel } = require('../../kernel/main') as typeof import('../../kernel/main');
    const { configPath, js } = parseKernelArgs(argv);
    await startKernel({ configPath, js });
    return 0; // the sockets keep the process alive until shutdown_request
  },
};
