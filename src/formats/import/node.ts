// `poollab import <file>...` for Node: reads each file (never more than the import's size
// limit, so a huge file is refused without being loaded), imports them together and returns
// what to print. Synchronous, like the rest of the command line. The Lab page does not load
// this module; it calls importToScenario on pasted text.
import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_BYTES, textFromBytes } from './guard';
import { importCommand, type CommandResult, type ImportCommandOptions } from './command';
import type { ImportFile } from './index';

export type { CommandResult, ImportCommandOptions } from './command';

/** One file as the importers take it, or why it cannot be read. */
export function readConfigFile(path: string): ImportFile | { error: string } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = new Uint8Array(MAX_BYTES + 1);
    let size = 0;
    while (size < buffer.length) {
      const read = readSync(fd, buffer, size, buffer.length - size, null);
      if (read === 0) break;
      size += read;
    }
    const decoded = textFromBytes(buffer.subarray(0, size));
    return decoded.ok
      ? { text: decoded.text, fileName: path }
      : { error: `${path}: ${decoded.message}` };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { error: `${path}: cannot read it${code ? ` (${code})` : ''}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function runImport(paths: string[], options: ImportCommandOptions = {}): CommandResult {
  if (paths.length === 0) {
    return { stdout: '', stderr: 'usage: poollab import <file>...\n', status: 2 };
  }
  const read = paths.map(readConfigFile);
  const failures = read.flatMap((r) => ('error' in r ? [r.error] : []));
  if (failures.length) return { stdout: '', stderr: failures.join('\n') + '\n', status: 1 };
  return importCommand(read as ImportFile[], options);
}
