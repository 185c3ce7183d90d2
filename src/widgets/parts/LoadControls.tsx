// Controls for the load: its kind (closed like `ab -n -c`, or open Poisson
// arrivals), the fields of that kind, and for an open load a small editor of
// phases (rate × duration rows). Every change goes through the scope's store,
// so a refused value is not applied and the reason is shown.
// https://httpd.apache.org/docs/2.4/programs/ab.html
import { useId, useRef, useState } from 'react';
import { DEFAULT_SCENARIO, OPEN_LOAD_DEFAULTS } from '../../scenario/defaults';
import { FIELD_BY_PATH, LIMITS } from '../../scenario/fields';
import type { ClosedLoad, Load, OpenLoad, Phase } from '../../scenario/types';
import { useScenario, useScenarioScope } from '../../state/use-page-scenario';
import { FieldControl } from './FieldControl';

/** The load controls: kind, then the fields that kind has. */
export function LoadControls({ sliderMax = {} }: { sliderMax?: Record<string, number> }) {
  const kind = useScenario((s) => s.scenario.load.kind);
  return (
    <>
      <LoadKindControl />
      {kind === 'closed' ? (
        <>
          <FieldControl path="load.concurrency" sliderMax={sliderMax['load.concurrency']} />
          <FieldControl path="load.requests" sliderMax={sliderMax['load.requests']} />
          <FieldControl path="duration_s" sliderMax={sliderMax['duration_s']} />
        </>
      ) : (
        <>
          <FieldControl path="load.rate_per_s" sliderMax={sliderMax['load.rate_per_s']} />
          <FieldControl path="duration_s" sliderMax={sliderMax['duration_s']} />
          <PhaseEditor />
        </>
      )}
    </>
  );
}

/**
 * `load.kind`: switching replaces the whole load object (a closed load has no
 * rate, an open one no concurrency), keeping what the reader had set for the
 * other kind in this session.
 */
export function LoadKindControl() {
  const { store } = useScenarioScope();
  const load = useScenario((s) => s.scenario.load);
  const remembered = useRef<{ closed: ClosedLoad; open: OpenLoad }>({
    closed: DEFAULT_SCENARIO.load as ClosedLoad,
    open: OPEN_LOAD_DEFAULTS,
  });
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const field = FIELD_BY_PATH.get('load.kind');
  const choose = (kind: Load['kind']) => {
    if (kind === load.kind) return;
    if (load.kind === 'closed') remembered.current.closed = load;
    else remembered.current.open = load;
    const errors = store.getState().setField('load', remembered.current[kind]);
    setError(errors.length ? errors.map((e) => e.message).join('; ') : null);
  };
  return (
    <div className="poollab-field">
      <label htmlFor={`${id}-input`} className="poollab-field__label">
        <code>{field?.label ?? 'kind'}</code>
      </label>
      <select
        id={`${id}-input`}
        value={load.kind}
        aria-describedby={`${id}-hint`}
        onChange={(e) => choose(e.currentTarget.value as Load['kind'])}
      >
        {(field?.options ?? ['closed', 'open']).map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="poollab-field__hint">
        {error ? <span role="alert">{error}</span> : field?.meaning}
      </p>
    </div>
  );
}

type Draft = Record<string, string>;
const cell = (row: number, key: keyof Phase) => `${row}.${key}`;

/**
 * `load.phases`: rows of rate_per_s × duration_s, one after the other. With
 * no rows the load runs at `rate_per_s` for `duration_s`. A cell being typed
 * keeps its text until it is a number the store accepts.
 */
export function PhaseEditor() {
  const { store } = useScenarioScope();
  const phases = useScenario((s) =>
    s.scenario.load.kind === 'open' ? s.scenario.load.phases : [],
  );
  const durationS = useScenario((s) => s.scenario.duration_s);
  const [draft, setDraft] = useState<Draft>({});
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const rate = FIELD_BY_PATH.get('load.phases[].rate_per_s');
  const duration = FIELD_BY_PATH.get('load.phases[].duration_s');

  const commit = (next: Phase[]) => {
    const errors = store.getState().setField('load.phases', next);
    setError(errors.length ? errors.map((e) => e.message).join('; ') : null);
    return errors.length === 0;
  };
  const edit = (row: number, key: keyof Phase, text: string) => {
    setDraft((d) => ({ ...d, [cell(row, key)]: text }));
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) {
      setError(`load.phases[${row}].${key}: ${JSON.stringify(text)} is not a number`);
      return;
    }
    const next = phases.map((p, i) => (i === row ? { ...p, [key]: value } : p));
    if (commit(next))
      setDraft((d) => {
        const rest = { ...d };
        delete rest[cell(row, key)];
        return rest;
      });
  };
  const total = phases.reduce((sum, p) => sum + p.duration_s, 0);
  const last = phases[phases.length - 1];

  return (
    <fieldset className="poollab-phases" aria-describedby={`${id}-hint`}>
      <legend>
        <code>phases</code> (rate_per_s × duration_s)
      </legend>
      {phases.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">
                <code>{rate?.label}</code> ({rate?.unit})
              </th>
              <th scope="col">
                <code>{duration?.label}</code> ({duration?.unit})
              </th>
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {phases.map((p, i) => (
              <tr key={i}>
                <th scope="row">{i + 1}</th>
                {(['rate_per_s', 'duration_s'] as const).map((key) => (
                  <td key={key}>
                    <input
                      type="number"
                      aria-label={`${key}, phase ${i + 1}`}
                      inputMode="decimal"
                      min={FIELD_BY_PATH.get(`load.phases[].${key}`)?.min}
                      max={FIELD_BY_PATH.get(`load.phases[].${key}`)?.max}
                      step={FIELD_BY_PATH.get(`load.phases[].${key}`)?.step}
                      value={draft[cell(i, key)] ?? String(p[key])}
                      onChange={(e) => edit(i, key, e.currentTarget.value)}
                      onBlur={() => {
                        setDraft({});
                        setError(null);
                      }}
                    />
                  </td>
                ))}
                <td>
                  <button
                    type="button"
                    onClick={() => commit(phases.filter((_, j) => j !== i))}
                    aria-label={`Remove phase ${i + 1}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button
        type="button"
        disabled={phases.length >= LIMITS.maxPhases}
        onClick={() =>
          commit([
            ...phases,
            {
              rate_per_s: last?.rate_per_s ?? (rate?.default as number),
              duration_s: last?.duration_s ?? (duration?.default as number),
            },
          ])
        }
      >
        Add a phase
      </button>
      <p id={`${id}-hint`} className="poollab-field__hint">
        {error ? (
          <span role="alert">{error}</span>
        ) : phases.length === 0 ? (
          'No phases: the load runs at rate_per_s for duration_s.'
        ) : total > durationS ? (
          `The phases last ${total} s; the run stops at duration_s = ${durationS} s.`
        ) : (
          `The phases last ${total} s of duration_s = ${durationS} s; no arrivals after them.`
        )}
      </p>
    </fieldset>
  );
}
