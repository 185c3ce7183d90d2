// Before and after, side by side: two scenarios (as in production, and with the
// fix) run by the engine with the same load and seed, figure by figure, the
// better side of each difference marked. The link carries both scenarios; the
// Markdown report is the one `poollab compare` prints.
import { useEffect, useId, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import {
  alignAfter,
  compareReports,
  formatComparison,
  type ComparisonRow,
} from '../report/compare';
import { PRESETS } from '../scenario/presets/index';
import { compareQuery, startCompareSync, type Side } from '../state/compare-sync';
import { scenarioStore } from '../state/scenario-store';
import { ScenarioScope, useScenario, useScenarioScope } from '../state/use-page-scenario';
import { POOL_LAB_VERSION } from '../version';
import type { Report } from '../engine/index';
import { LatencyChart, TimeSeriesChart } from './charts/index';
import { ControlGroups } from './LabControls';
import { ConfigPaste } from './parts/ConfigPaste';
import { LinkNotices } from './parts/LinkNotices';
import { PrintButton, PrintHead } from './parts/PrintReport';
import { RunStatus } from './parts/RunStatus';
import { useMounted, useReadyMarks } from './parts/use-mounted';
import { useSimulation } from './parts/use-simulation';
import './widgets.css';

export interface CompareProps {
  before?: string;
  after?: string;
}

export default function Compare({
  before = 'memo-no-post-fork',
  after = 'memo-production',
}: CompareProps) {
  const [stores] = useState(() => ({
    before: scenarioStore('before'),
    after: scenarioStore('after'),
  }));
  useEffect(() => startCompareSync(stores, { before, after }), [stores, before, after]);
  const readyMarks = useReadyMarks();
  return (
    <section
      className="poollab-widget poollab-compare not-content"
      aria-label="Before and after"
      {...readyMarks}
    >
      <LinkNotices />
      <div className="poollab-compare__sides">
        <ScenarioScope scope="before" urlSync={false}>
          <SideEditor side="before" title="Before: as in production" />
        </ScenarioScope>
        <ScenarioScope scope="after" urlSync={false}>
          <SideEditor side="after" title="After: with the fix" />
        </ScenarioScope>
      </div>
      <Results />
    </section>
  );
}

function SideEditor({ side, title }: { side: Side; title: string }) {
  const { store } = useScenarioScope();
  const basePreset = useScenario((s) => s.basePreset);
  const id = useId();
  return (
    <div className="poollab-compare__side" role="group" aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`} className="poollab-widget__title">
        {title}
      </p>
      <label htmlFor={`${id}-preset`} className="poollab-field__label">
        Preset
      </label>{' '}
      <select
        id={`${id}-preset`}
        value={basePreset ?? ''}
        onChange={(e) =>
          e.currentTarget.value && store.getState().loadPreset(e.currentTarget.value)
        }
      >
        <option value="">(own configuration)</option>
        {PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.title}
          </option>
        ))}
      </select>
      <ConfigPaste />
      <ControlGroups open={[]} />
      {side === 'after' && (
        <p className="poollab-field__hint">
          The after run takes the load, duration and seed of the before run.
        </p>
      )}
    </div>
  );
}

function Results() {
  const before = useStoreScenario('before');
  const afterAsSet = useStoreScenario('after');
  const after = useMemo(() => alignAfter(before, afterAsSet), [before, afterAsSet]);
  const runBefore = useSimulation(before, false);
  const runAfter = useSimulation(after, false);
  const [status, setStatus] = useState('');
  const mounted = useMounted();
  const b = runBefore.result?.report;
  const a = runAfter.result?.report;
  if (!b || !a) {
    return (
      <>
        <RunStatus run={runBefore} />
        <RunStatus run={runAfter} />
      </>
    );
  }
  // While either run for the latest change is on its way, the copies would not match the link.
  const settling = runBefore.stale || runAfter.stale;
  const rows = compareReports(b, a);
  const link = () => {
    const stores = { before: scenarioStore('before'), after: scenarioStore('after') };
    return new URL(`${window.location.pathname}?${compareQuery(stores)}`, window.location.href)
      .href;
  };
  const copy = async (text: string, done: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus(done);
    } catch {
      setStatus('The clipboard is not available here; select the text on the page instead.');
    }
  };
  return (
    <div className="poollab-compare__results">
      <PrintHead
        title="Pool Lab: before and after"
        runs={[
          { title: 'Before', report: b },
          { title: 'After', report: a },
        ]}
        link={mounted ? link() : ''}
      />
      <table>
        <caption>
          Both runs: seed {b.sim.seed}, the same load. The better side of each difference is marked.
        </caption>
        <thead>
          <tr>
            <th scope="col">figure</th>
            <th scope="col">before</th>
            <th scope="col">after</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <ResultRow key={r.label} row={r} />
          ))}
        </tbody>
      </table>
      <CompareCharts before={b} after={a} />
      <p className="poollab-field__row">
        {settling && <span className="poollab-stale" data-stale="" />}
        <button type="button" disabled={settling} onClick={() => copy(link(), 'Link copied.')}>
          Copy link to this comparison
        </button>
        <button
          type="button"
          disabled={settling}
          onClick={() =>
            copy(
              formatComparison(b, a, { shareUrl: link(), version: POOL_LAB_VERSION }),
              'Comparison copied as Markdown.',
            )
          }
        >
          Copy comparison as Markdown
        </button>
        <PrintButton label="Print comparison" />
        <span role="status" className="poollab-copylink__status">
          {status}
        </span>
      </p>
    </div>
  );
}

function useStoreScenario(scope: Side) {
  const [store] = useState(() => scenarioStore(scope));
  return useStore(store, (s) => s.scenario);
}

const cell = (x: number | null) =>
  x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: 2 });

function ResultRow({ row }: { row: ComparisonRow }) {
  const mark = (side: 'before' | 'after') =>
    row.better === side
      ? 'poollab-compare__better'
      : row.better
        ? 'poollab-compare__worse'
        : undefined;
  return (
    <tr>
      <th scope="row">{row.label.trim()}</th>
      <td className={mark('before')}>
        {cell(row.before)}
        {row.better === 'before' && <span className="poollab-visually-hidden"> (better)</span>}
      </td>
      <td className={mark('after')}>
        {cell(row.after)}
        {row.better === 'after' && <span className="poollab-visually-hidden"> (better)</span>}
      </td>
    </tr>
  );
}

/** The two runs drawn over each other: latency, and connections at PostgreSQL. */
function CompareCharts({ before, after }: { before: Report; after: Report }) {
  const end = Math.max(before.sim.virtual_s, after.sim.virtual_s);
  // The after run takes the before's load and duration, so their buckets line up;
  // the longer run's times carry both.
  const t =
    after.series.t_s.length > before.series.t_s.length ? after.series.t_s : before.series.t_s;
  const bucketMs = Math.round(before.series.bucket_s * 1000);
  const limit = before.scenario.postgres.max_connections;
  const peak = Math.max(before.postgres.connections_peak, after.postgres.connections_peak);
  return (
    <div className="poollab-compare__charts">
      <LatencyChart
        runs={[
          { key: 'before', label: 'before', latency: before.latency_ms, color: 6, dashed: true },
          { key: 'after', label: 'after', latency: after.latency_ms, color: 1 },
        ]}
      />
      <TimeSeriesChart
        title="PostgreSQL connections"
        t={t}
        end={end}
        series={[
          {
            key: 'before',
            label: 'before',
            values: before.series.postgres_connections,
            color: 6,
            dashed: true,
          },
          { key: 'after', label: 'after', values: after.series.postgres_connections, color: 1 },
        ]}
        y={{ label: 'PostgreSQL connections' }}
        rules={peak * 2 >= limit ? [{ value: limit, label: 'max_connections' }] : []}
        note={`The highest count in each ${bucketMs} ms bucket.`}
      />
    </div>
  );
}
