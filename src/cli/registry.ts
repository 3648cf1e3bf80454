/** All CLI sub-commands, in the order `esdlab --help` lists them. Add one import + entry per command. */
import type { Command } from './command';
import { analyzeCommand } from './commands/analyze';
import { describeCommand } from './commands/describe';
import { esdCommand } from './commands/esd';
import { fitCommand } from './commands/fit';
import { kernelCommand } from './commands/kernel';
import { installKernelCommand } from './commands/install-kernel';

export const commands: Command[] = [analyzeCommand, describeCommand, esdCommand, fitCommand, installKernelCommand, kernelCommand];
