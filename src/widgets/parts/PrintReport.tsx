// What a printed report page starts with: which run this is (Pool Lab and model
// versions, seed, trace hash), the scenario in the words of the Markdown report,
// and the link that reproduces it. Shown only on paper; the screen has the
// controls instead. The "Print" button opens the browser's print dialog.
import type { Report } from '../../engine/index';
import { describeScenario } from '../../report/markdown';
import { MODEL_VERSION, POOL_LAB_VERSION } from '../../version';

export function PrintButton({ label = 'Print report' }: { label?: string }) {
  return (
    <button type="button" className="poollab-print-button" onClick={() => window.print()}>
      {label}
    </button>
  );
}

export interface PrintedRun {
  /** A heading for this run ("Before", "After"); none for a single run. */
  title?: string;
  report: Report;
}

export function PrintHead({
  title,
  runs,
  link,
}: {
  title: string;
  runs: readonly PrintedRun[];
  /** The address that reproduces the page (empty until known in the browser). */
  link: string;
}) {
  const first = runs[0]?.report;
  return (
    <div className="poollab-print-only poollab-printhead">
      <p className="poollab-printhead__title">{title}</p>
      <p>
        Pool Lab {POOL_LAB_VERSION}, model {MODEL_VERSION}
        {first && <>, seed {first.sim.seed}</>}.
        {link && (
          <>
            {' '}
            Reproduce: <span className="poollab-printhead__link">{link}</span>
          </>
        )}
      </p>
      {runs.map((run, i) => {
        // The first run in full; each later one by what differs from it.
        const lines = i === 0 ? describeScenario(run.report) : changedLines(run.report, first);
        return (
          <div key={run.title ?? 'run'}>
            {run.title && (
              <p>
                <strong>{run.title}</strong> (trace hash <code>{run.report.sim.trace_hash}</code>)
                {i > 0 &&
                  (lines.length === 0
                    ? ': the same scenario.'
                    : `: as ${runs[0]?.title?.toLowerCase() ?? 'above'}, except`)}
              </p>
            )}
            <ul>
              {lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            {!run.title && (
              <p>
                Trace hash <code>{run.report.sim.trace_hash}</code>.
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** The lines describing `report`'s scenario that are not in `first`'s. */
function changedLines(report: Report, first: Report | undefined): string[] {
  const before = new Set(first ? describeScenario(first) : []);
  return describeScenario(report).filter((line) => !before.has(line));
}
