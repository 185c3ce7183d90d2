// One control for one scenario key, labelled with the real configuration key
// (`pool_size`, `preload_app`...). It writes to its scope's scenario store; a
// value the schema refuses is not applied, and the reason is shown beside it.
import { useId, useState } from 'react';
import { FIELD_BY_PATH } from '../../scenario/fields';
import { getAtPath } from '../../state/key-path';
import { useScenario, useScenarioScope } from '../../state/use-page-scenario';

/** Slider ends where a field's full range is too wide to slide through; the number box takes the full range. */
const SLIDER_MAX: Record<string, number> = {
  'app.workers': 32,
  'app.threads': 64,
  'app.cores': 64,
  'app.timeout_s': 120,
  'app.max_requests': 10_000,
  'app.max_requests_jitter': 1_000,
  'app.request.app_ms': 200,
  'app.request.queries': 20,
  'app.request.query_ms': 500,
  'pool.pool_size': 100,
  'pool.max_overflow': 100,
  'pool.pool_timeout': 60,
  'pool.pool_recycle': 7200,
  'pgbouncer.max_client_conn': 2000,
  'pgbouncer.default_pool_size': 200,
  'pgbouncer.min_pool_size': 200,
  'pgbouncer.reserve_pool_size': 100,
  'pgbouncer.reserve_pool_timeout': 30,
  'pgbouncer.max_db_connections': 1000,
  'pgbouncer.query_wait_timeout': 300,
  'pgbouncer.server_idle_timeout': 3600,
  'postgres.max_connections': 1000,
  'postgres.superuser_reserved_connections': 20,
  'postgres.cores': 64,
  'network.rtt_ms': 20,
  'network.connect_ms': 100,
  'network.pgbouncer_connect_ms': 20,
  'load.concurrency': 500,
  'load.requests': 100_000,
  'load.rate_per_s': 2_000,
  duration_s: 300,
};

export interface FieldControlProps {
  /** Key path in the scenario, e.g. `pool.pool_size`. */
  path: string;
  /** Upper end of the slider, when the field's full range is too wide to slide through. */
  sliderMax?: number;
}

export function FieldControl({ path, sliderMax }: FieldControlProps) {
  const field = FIELD_BY_PATH.get(path);
  const { store } = useScenarioScope();
  const value = useScenario((s) => getAtPath(s.scenario, path));
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const id = useId();
  if (!field) throw new Error(`FieldControl: no scenario field ${path}`);

  const commit = (next: unknown) => {
    const errors = store.getState().setField(path, next);
    setError(errors.length ? errors.map((e) => e.message).join('; ') : null);
  };
  const label = (
    <label id={`${id}-label`} htmlFor={`${id}-input`} className="poollab-field__label">
      <code>{field.label}</code>
      {field.unit && <span className="poollab-field__unit"> ({field.unit})</span>}
    </label>
  );
  const hint = (
    <p id={`${id}-hint`} className="poollab-field__hint">
      {error ? <span role="alert">{error}</span> : field.meaning}
    </p>
  );

  if (field.type === 'boolean') {
    return (
      <div className="poollab-field poollab-field--inline">
        <input
          id={`${id}-input`}
          type="checkbox"
          checked={value === true}
          aria-describedby={`${id}-hint`}
          onChange={(e) => commit(e.currentTarget.checked)}
        />
        {label}
        {hint}
      </div>
    );
  }
  if (field.type === 'enum') {
    return (
      <div className="poollab-field">
        {label}
        <select
          id={`${id}-input`}
          value={String(value)}
          aria-describedby={`${id}-hint`}
          onChange={(e) => commit(e.currentTarget.value)}
        >
          {field.options?.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
        {hint}
      </div>
    );
  }
  const min = field.min ?? 0;
  const max = Math.min(field.max ?? 100, sliderMax ?? SLIDER_MAX[path] ?? Infinity);
  const numeric = typeof value === 'number' ? value : min;
  return (
    <div className="poollab-field">
      {label}
      <div className="poollab-field__row">
        <input
          id={`${id}-input`}
          type="range"
          min={min}
          max={Math.max(max, numeric)}
          step={field.step ?? 1}
          value={numeric}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setDraft(null);
            commit(Number(e.currentTarget.value));
          }}
        />
        <input
          type="number"
          aria-labelledby={`${id}-label`}
          inputMode={field.type === 'int' ? 'numeric' : 'decimal'}
          step={field.step ?? 1}
          value={draft ?? String(numeric)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            const text = e.currentTarget.value;
            setDraft(text);
            if (text.trim() === '' || !Number.isFinite(Number(text))) {
              setError(`${path}: ${JSON.stringify(text)} is not a number`);
            } else commit(Number(text));
          }}
          onBlur={() => {
            setDraft(null);
            setError(null);
          }}
        />
      </div>
      {hint}
    </div>
  );
}
