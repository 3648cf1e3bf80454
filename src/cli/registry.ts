/** All CLI sub-commands, in the order `esdlab --help` lists them. Add one import + entry per command. */
import type { Command } from './command';

export const commands: Command[] = [];
