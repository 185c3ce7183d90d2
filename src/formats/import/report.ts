// A plain-text account of an import, for the command line's stderr and for logs: per file,
// what was recognised (key as written -> scenario path), what was ignored and why, notes and
// errors; then the values the scenario refused. Plain text only: no markup is produced.
import { show } from './collect';
import { label, type ScenarioImport } from './index';

export function formatImport(result: ScenarioImport): string {
  const out: string[] = [];
  for (const file of result.files) {
    out.push(`${label(file)}${file.kind ? ` (${file.kind})` : ''}`);
    for (const item of file.recognised) {
      const note = item.note ? `  [${item.note}]` : '';
      out.push(`  line ${item.line}: ${item.key} = ${show(item.value)} -> ${item.path}${note}`);
    }
    for (const item of file.ignored) {
      out.push(`  line ${item.line}: ignored ${item.key}: ${item.reason}`);
    }
    for (const note of file.notes) {
      out.push(`  ${note.line ? `line ${note.line}: ` : ''}note: ${note.message}`);
    }
    for (const error of file.errors) {
      out.push(`  ${error.line ? `line ${error.line}: ` : ''}error: ${error.message}`);
    }
  }
  for (const message of result.rejected) out.push(`refused: ${message}`);
  for (const note of result.notes) out.push(`note: ${note}`);
  for (const error of result.errors) out.push(`error: ${error}`);
  return out.join('\n') + '\n';
}
