// The frame every widget shares: its scenario scope, a title, a one-line
// caption of what to watch, the link notice, and "Copy link".
import type { ReactNode } from 'react';
import { ScenarioScope } from '../../state/use-page-scenario';
import { CopyLink } from './CopyLink';
import { LinkNotices } from './LinkNotices';
import { useReadyMarks } from './use-mounted';
import '../widgets.css';

export interface WidgetProps {
  /** Preset whose scenario this widget starts from (see src/scenario/presets). */
  preset?: string;
  /** Widgets with the same scope share one scenario; the default is the page's. */
  scope?: string;
  /** One line under the title: what to watch. */
  caption?: string;
  /** Preset to load when the link names no scenario (for pages whose links are written against the engine's defaults, like the Lab). */
  startPreset?: string;
}

export function WidgetFrame({
  title,
  caption,
  preset,
  scope,
  startPreset,
  className = '',
  children,
}: WidgetProps & { title: string; className?: string; children: ReactNode }) {
  const readyMarks = useReadyMarks();
  return (
    <ScenarioScope scope={scope} preset={preset} startPreset={startPreset}>
      <section
        className={`poollab-widget not-content ${className}`}
        aria-label={title}
        {...readyMarks}
      >
        <div className="poollab-widget__head">
          <p className="poollab-widget__title">{title}</p>
          <CopyLink />
        </div>
        {caption && <p className="poollab-widget__caption">{caption}</p>}
        <LinkNotices />
        {children}
      </section>
    </ScenarioScope>
  );
}
