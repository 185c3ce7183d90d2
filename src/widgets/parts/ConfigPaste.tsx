// Paste real configuration (gunicorn.conf.py or its command line,
// SQLALCHEMY_ENGINE_OPTIONS / create_engine(...), pgbouncer.ini,
// postgresql.conf lines or SHOW output): it is parsed as text, never run, and
// the scenario takes the settings the model knows. The reader sees what was
// recognised, what was ignored and why. Everything shown is text, never HTML.
import { useId, useState } from 'react';
import type { ScenarioImport } from '../../formats/import/index';
import { useScenarioScope } from '../../state/use-page-scenario';

const SHOWN = 30;

export function ConfigPaste() {
  const { store } = useScenarioScope();
  const [text, setText] = useState('');
  const [result, setResult] = useState<ScenarioImport | null>(null);
  const id = useId();

  const read = async () => {
    // The parsers (a Python grammar among them) load when first needed, not with the page.
    const { importToScenario } = await import('../../formats/import/index');
    const imported = importToScenario([{ text }], store.getState().scenario);
    setResult(imported);
    if (imported.ok && imported.scenario) store.getState().replace(imported.scenario);
  };

  return (
    <details className="poollab-configpaste">
      <summary>Paste your configuration</summary>
      <label htmlFor={id} className="poollab-field__hint">
        gunicorn.conf.py or its command line, SQLALCHEMY_ENGINE_OPTIONS or create_engine(...),
        pgbouncer.ini, postgresql.conf lines or the output of SHOW max_connections. It is read as
        text, never run.
      </label>
      <textarea
        id={id}
        rows={8}
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
      />
      <button type="button" onClick={read} disabled={text.trim() === ''}>
        Read configuration
      </button>
      <div role="status" className="poollab-importstatus">
        {result && <ImportSummary result={result} />}
      </div>
    </details>
  );
}

function ImportSummary({ result }: { result: ScenarioImport }) {
  const recognised = result.files.flatMap((f) => f.recognised);
  const ignored = result.files.flatMap((f) => f.ignored);
  const errors = [...result.files.flatMap((f) => f.errors.map((e) => e.message)), ...result.errors];
  const notes = [...result.files.flatMap((f) => f.notes.map((n) => n.message)), ...result.notes];
  const kind = result.files[0]?.kind;
  return (
    <>
      <p>
        {result.ok && recognised.length > 0
          ? `Read as ${kind ?? 'configuration'}: ${recognised.length} setting${recognised.length === 1 ? '' : 's'} applied.`
          : 'Nothing was applied.'}
      </p>
      {recognised.length > 0 && (
        <ul className="poollab-import__recognised" aria-label="Recognised">
          {recognised.slice(0, SHOWN).map((r, i) => (
            <li key={i}>
              line {r.line}: <code>{r.key}</code> → <code>{r.path}</code> ={' '}
              <code>{JSON.stringify(r.value)}</code>
              {r.note ? ` (${r.note})` : ''}
            </li>
          ))}
        </ul>
      )}
      {ignored.length > 0 && (
        <ul className="poollab-import__ignored" aria-label="Ignored">
          {ignored.slice(0, SHOWN).map((r, i) => (
            <li key={i}>
              line {r.line}: <code>{r.key}</code> ignored: {r.reason}
            </li>
          ))}
          {ignored.length > SHOWN && <li>and {ignored.length - SHOWN} more</li>}
        </ul>
      )}
      {[...result.rejected, ...errors, ...notes].length > 0 && (
        <ul aria-label="Messages">
          {[...result.rejected, ...errors, ...notes].slice(0, SHOWN).map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </>
  );
}
