/** The shape of one CLI sub-command. Each lives in `src/cli/commands/<name>.ts`. */
export interface CliIO {
  /** Write to stdout. */
  out(s: string): void;
  /** Write to stderr. */
  err(s: string): void;
}

/** One `esdlab <name> …` sub-command. */
export interface Command {
  /** Sub-command name, e.g. `fit`. */
  name: string;
  /** One-line usage, e.g. `esdlab fit FILE [--xmin X] [--json]`. */
  usage: string;
  /** One-line description. */
  summary: string;
  /** Runs the command; resolves to the process exit code. Throw EsdlabError for bad input. */
  run(argv: string[], io: CliIO): Promise<number>;
}
