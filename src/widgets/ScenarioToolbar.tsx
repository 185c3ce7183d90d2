// The Lab's scenario toolbar: start from a preset, export the scenario as the
// JSON file `poollab simulate` reads, import such a file (checked, with each
// error naming its key, value and range), and copy the share link.
import { useId, useState } from 'react';
import { PRESETS } from '../scenario/presets/index';
import { formatReport } from '../report/markdown';
import { shareUrl } from '../state/url-sync';
import { useScenario, useScenarioScope } from '../state/use-page-scenario';
import { POOL_LAB_VERSION } from '../version';
import { ConfigPaste } from './parts/ConfigPaste';
import { PrintButton, PrintHead } from './parts/PrintReport';
import { RunStatus } from './parts/RunStatus';
import { useMounted } from './parts/use-mounted';
import { useSimulation } from './parts/use-simulation';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

const MAX_IMPORT_BYTES = 256 * 1024;

export default function ScenarioToolbar(props: WidgetProps) {
  return (
    <WidgetFrame title="Scenario" className="poollab-toolbar" {...props}>
      <PresetPicker />
      <ConfigPaste />
      <ExportImport />
      <MarkdownReport />
    </WidgetFrame>
  );
}

function PresetPicker() {
  const { store } = useScenarioScope();
  const [chosen, setChosen] = useState('');
  const id = useId();
  const preset = PRESETS.find((p) => p.id === chosen);
  return (
    <div className="poollab-field">
      <label htmlFor={id} className="poollab-field__label">
        Start from a preset
      </label>
      <div className="poollab-field__row">
        <select id={id} value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
          <option value="">Choose a preset…</option>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={!preset}
          onClick={() => {
            if (preset) store.getState().loadPreset(preset.id);
          }}
        >
          Load
        </button>
      </div>
      <p className="poollab-field__hint">
        {preset ? preset.description : 'Every preset is a scenario file in src/scenario/presets.'}
      </p>
    </div>
  );
}

function ExportImport() {
  const { store } = useScenarioScope();
  const scenario = useScenario((s) => s.scenario);
  const [text, setText] = useState('');
  const [messages, setMessages] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const id = useId();
  const json = `${JSON.stringify(scenario, null, 2)}\n`;

  const load = (source: string) => {
    if (source.length > MAX_IMPORT_BYTES) {
      setMessages([
        `The file is larger than ${MAX_IMPORT_BYTES / 1024} KiB; a scenario file is a few hundred bytes.`,
      ]);
      return;
    }
    let input: unknown;
    try {
      input = JSON.parse(source);
    } catch (err) {
      setMessages([`Not JSON: ${err instanceof Error ? err.message : String(err)}`]);
      return;
    }
    const errors = store.getState().replace(input);
    setMessages(errors.map((e) => e.message));
    setStatus(errors.length ? '' : 'Scenario loaded.');
  };

  return (
    <div className="poollab-exportimport">
      <p className="poollab-field__row">
        <a
          className="poollab-button"
          href={`data:application/json;charset=utf-8,${encodeURIComponent(json)}`}
          download="scenario.json"
        >
          Export scenario.json
        </a>
        <span className="poollab-field__hint">
          The file <code>npm run simulate -- scenario.json</code> reads.
        </span>
      </p>
      <details>
        <summary>Import a scenario file</summary>
        <div className="poollab-field">
          <label htmlFor={`${id}-file`}>Choose a .json file</label>{' '}
          <input
            id={`${id}-file`}
            type="file"
            accept="application/json,.json"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (!file) return;
              if (file.size > MAX_IMPORT_BYTES) {
                setMessages([`${file.name} is larger than ${MAX_IMPORT_BYTES / 1024} KiB.`]);
                return;
              }
              load(await file.text());
            }}
          />
        </div>
        <div className="poollab-field">
          <label htmlFor={`${id}-text`}>or paste its JSON</label>
          <textarea
            id={`${id}-text`}
            rows={6}
            value={text}
            spellCheck={false}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <button type="button" onClick={() => load(text)}>
            Load pasted JSON
          </button>
        </div>
      </details>
      <div role="status" className="poollab-importstatus">
        {messages.length > 0 ? (
          <>
            <p>The scenario was not changed:</p>
            <ul>
              {messages.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ul>
          </>
        ) : (
          status
        )}
      </div>
    </div>
  );
}

/** The postmortem report: the same text `poollab simulate --format markdown` prints. */
function MarkdownReport() {
  const { scope, store } = useScenarioScope();
  const scenario = useScenario((s) => s.scenario);
  const run = useSimulation(scenario, false);
  const [status, setStatus] = useState('');
  const [manual, setManual] = useState<string | null>(null);
  // Not while the run for the latest change is on its way: the report and its link must match.
  const report = run.stale ? undefined : run.result?.report;
  // In the browser only, so that the server's HTML and the hydrating render agree.
  const link = useMounted()
    ? new URL(shareUrl(scope, store, window.location, ''), window.location.href).href
    : '';
  const copy = async () => {
    if (!report) return;
    const text = formatReport(report, {
      format: 'markdown',
      shareUrl: link,
      version: POOL_LAB_VERSION,
    });
    try {
      await navigator.clipboard.writeText(text);
      setManual(null);
      setStatus('Report copied as Markdown.');
    } catch {
      setManual(text);
      setStatus('Copy the report below.');
    }
  };
  return (
    <div className="poollab-report">
      <p className="poollab-field__row">
        <button type="button" onClick={copy} disabled={!report}>
          Copy report as Markdown
        </button>
        <PrintButton />
        <span role="status" className="poollab-copylink__status">
          {status}
        </span>
      </p>
      {!report && <RunStatus run={run} />}
      {report && <PrintHead title="Pool Lab report" runs={[{ report }]} link={link} />}
      {manual !== null && (
        <textarea aria-label="Report as Markdown" readOnly rows={12} value={manual} />
      )}
    </div>
  );
}
