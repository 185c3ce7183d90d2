// What `poollab import` prints for files already read: the scenario JSON on stdout, the
// account of what was recognised, ignored and refused on stderr, and an exit status in the
// command line's convention (0 a scenario, 2 no valid scenario). No Node APIs: the CLI may
// read the files its own way and call this.
import type { ScenarioInput } from '../../scenario/types';
import { importToScenario, type ImportFile } from './index';
import { formatImport } from './report';

export interface CommandResult {
  /** The scenario JSON. */
  stdout: string;
  /** What was recognised, ignored and refused, file by file. */
  stderr: string;
  /** 0: a scenario; 2: no valid scenario, or nothing recognised; 1: a file could not be read. */
  status: 0 | 1 | 2;
}

export interface ImportCommandOptions {
  /** Print the whole normalised scenario instead of only what the files set. */
  full?: boolean;
  /** A scenario the files are read on top of. */
  base?: ScenarioInput;
}

export function importCommand(
  files: ImportFile[],
  options: ImportCommandOptions = {},
): CommandResult {
  const result = importToScenario(files, options.base);
  const stderr = formatImport(result);
  if (!result.ok || !result.scenario) return { stdout: '', stderr, status: 2 };
  if (result.files.every((file) => file.recognised.length === 0)) {
    return {
      stdout: '',
      stderr: `${stderr}error: nothing in these files sets a scenario value\n`,
      status: 2,
    };
  }
  const scenario = options.full ? result.scenario : { version: 1, ...result.input };
  return { stdout: JSON.stringify(scenario, null, 2) + '\n', stderr, status: 0 };
}
