// A panel of controls for the page's scenario: one per key path given.
// Every other widget on the page reads the same store, so they all follow.
import { ScenarioScope } from '../state/use-page-scenario';
import { FieldControl } from './parts/FieldControl';
import { useReadyMarks } from './parts/use-mounted';
import './widgets.css';

export interface ConfigControlsProps {
  /** A heading for the panel, read by screen readers as the group's name. */
  title: string;
  /** Key paths to offer, e.g. `['app.workers', 'pool.pool_size']`. */
  fields: string[];
  /** Slider ends for fields whose full range is too wide to slide through. */
  sliderMax?: Record<string, number>;
  scope?: string;
  preset?: string;
}

export default function ConfigControls({
  title,
  fields,
  sliderMax = {},
  scope,
  preset,
}: ConfigControlsProps) {
  const readyMarks = useReadyMarks();
  return (
    <ScenarioScope scope={scope} preset={preset}>
      <fieldset className="poollab-widget poollab-controls not-content" {...readyMarks}>
        <legend>{title}</legend>
        {fields.map((path) => (
          <FieldControl key={path} path={path} sliderMax={sliderMax[path]} />
        ))}
      </fieldset>
    </ScenarioScope>
  );
}
