/** `esdlab install-kernel`: writes the Jupyter kernelspec of esdlab's TypeScript kernel (no Python needed). */
import { EsdlabError } from '../../core/errors';
import { installKernel, type InstallKernelOptions } from '../../kernel/kernelspec';
import type { Command } from '../command';

/** Parses install-kernel's options. */
export function parseInstallKernelArgs(argv: string[]): InstallKernelOptions {
  const o: InstallKernelOptions = {};
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new EsdlabError('INVALID_ARGUMENT', `${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--user': o.user = true; break;
      case '--sys-prefix': o.sysPrefix = true; break;
      case '--prefix': o.prefix = value(++i, a); break;
      case '--dir': o.dir = value(++i, a); break;
      case '--name': o.name = value(++i, a); break;
      case '--display-name': o.displayName = value(++i, a); break;
      case '--python': o.python = value(++i, a); break;
      case '--js': o.js = true; break;
      default: throw new EsdlabError('INVALID_ARGUMENT', `unknown option '${a}'`);
    }
  }
  return o;
}

/** The command. */
export const installKernelCommand: Command = {
  name: 'install-kernel',
  usage: 'esdlab install-kernel [--user|--sys-prefix|--prefix P|--dir D] [--name N] [--display-name S] [--js]',
  summary: 'write a Jupyter kernelspec (kernel.json) for the esdlab TypeScript kernel (tslab + comms/widgets)',
  async run(argv, io) {
    const { dir, spec } = installKernel(parseInstallKernelArgs(argv));
    io.out(`installed kernelspec '${spec.display_name}' in ${dir}\n`);
    return 0;
  },
};
