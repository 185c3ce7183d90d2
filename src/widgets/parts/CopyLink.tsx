// "Copy link": the page, the widget's scenario and the section it sits in, so
// a postmortem can point at exactly this configuration and run.
import { useRef, useState } from 'react';
import { useScenarioScope } from '../../state/use-page-scenario';
import { shareUrl } from '../../state/url-sync';
import { nearestSectionAnchor } from './section-anchor';

export function CopyLink() {
  const { scope, store } = useScenarioScope();
  const anchorRef = useRef<HTMLSpanElement>(null);
  const [status, setStatus] = useState('');
  const [manual, setManual] = useState<string | null>(null);

  const copy = async () => {
    const path = shareUrl(scope, store, window.location, nearestSectionAnchor(anchorRef.current));
    const url = new URL(path, window.location.href).href;
    try {
      await navigator.clipboard.writeText(url);
      setManual(null);
      setStatus('Link copied.');
    } catch {
      // No clipboard (an insecure origin, a denied permission): show the link to copy by hand.
      setManual(url);
      setStatus('Copy the link below.');
    }
  };

  return (
    <span ref={anchorRef} className="poollab-copylink">
      <button type="button" onClick={copy}>
        Copy link
      </button>
      <span role="status" className="poollab-copylink__status">
        {status}
      </span>
      {manual !== null && (
        <input
          className="poollab-copylink__manual"
          aria-label="Link to this configuration"
          readOnly
          value={manual}
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
    </span>
  );
}
