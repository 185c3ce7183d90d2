// One control for one scenario key, labelled with the real configuration key
// (`pool_size`, `preload_app`...). It writes to the page's scenario store; a
// value the schema refuses is not applied, and the reason is shown beside it.
import { useId, useState } from 'react';
import { FIELD_BY_PATH } from '../../scenario/fields';
import { getAtPath } from '../../state/key-path';
import { pageScenarioStore } from '../../state/scenario-store';
import { usePageScenario } from '../../state/use-page-scenario';

export interface FieldControlProps {
  /** Key path in the scenario, e.g. `pool.pool_size`. */
  path: string;
  /** Upper end of the slider, when the field's full range is too wide to slide through. */
  sliderMax?: number;
}

export function FieldControl({ path, sliderMax }: FieldControlProps) {
  const field = FIELD_BY_PATH.get(path);
  const value = usePageScenario((s) => getAtPath(s.scenario, path));
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const id = useId();
  if (!field) throw new Error(`FieldControl: no scenario field ${path}`);

  const commit = (next: unknown) => {
    const errors = pageScenarioStore().getState().setField(path, next);
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
  const max = Math.min(field.max ?? 100, sliderMax ?? Infinity);
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
