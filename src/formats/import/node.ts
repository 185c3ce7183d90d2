// `poollab import <file>...` for Node: reads each file (never more than the import's size
// limit), imports them together and returns what to print. The Lab page does not load this
// module; it uses importToScenario on pasted text directly.
import { open } from 'node:fs/promises';
import { MAX_BYTES, textFromBytes } from './guard';
import { importToScenario, type ImportFile } from './index';
import { formatImport } from './report';
import type { ScenarioInput } from '../../scenario/types';

export interface CommandResult {
  /** The scenario JSON. */
  stdout: string;
  /** What was recognised, ignored and refused, file by file. */
  stderr: string;
  /** 0: a scenario; 2: no valid scenario, or nothing recognised; 1: a file could not be read. */
  status: 0 | 1 | 2;
}

/** Reads at most MAX_BYTES + 1 bytes, so a huge file is refused without being loaded. */
async function readFile(path: string): Promise<ImportFile | { error: string }> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = new Uint8Array(MAX_BYTES + 1);
    let size = 0;
    while (size < buffer.length) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
      if (bytesRead === 0) break;
      size += bytesRead;
    }
    const decoded = textFromBytes(buffer.subarray(0, size));
    return decoded.ok
      ? { text: decoded.text, fileName: path }
      : { error: `${path}: ${decoded.message}` };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { error: `${path}: cannot read it${code ? ` (${code})` : ''}` };
  } finally {
    await handle?.close();
  }
}

export interface ImportCommandOptions {
  /** Print the whole normalised scenario instead of only what the files set. */
  full?: boolean;
  base?: ScenarioInput;
}

export async function runImport(
  paths: string[],
  options: ImportCommandOptions = {},
): Promise<CommandResult> {
  if (paths.length === 0) {
    return { stdout: '', stderr: 'usage: poollab import <file>...\n', status: 2 };
  }
  const read = await Promise.all(paths.map(readFile));
  const failures = read.flatMap((r) => ('error' in r ? [r.error] : []));
  if (failures.length) return { stdout: '', stderr: failures.join('\n') + '\n', status: 1 };
  const result = importToScenario(read as ImportFile[], options.base);
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
