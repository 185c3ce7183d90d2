// The polite notice listing what a link asked for that was ignored, and why.
// Every value shown here came from the URL: it is rendered as text, never HTML.
import { useEffect, useId } from 'react';
import { useStore } from 'zustand';
import { linkNotices } from '../../state/url-sync';

/** Shows the notices in the first widget of the page that renders this, and nowhere else. */
export function LinkNotices() {
  const id = useId();
  useEffect(() => {
    if (linkNotices.getState().owner === null) linkNotices.setState({ owner: id });
    return () => {
      if (linkNotices.getState().owner === id) linkNotices.setState({ owner: null });
    };
  }, [id]);
  const { notices, dismiss, owner } = useStore(linkNotices);
  if (owner !== id || notices.length === 0) return null;
  return (
    <div className="poollab-notice" role="status">
      <p>
        This link asked for {notices.length === 1 ? 'a setting' : `${notices.length} settings`} that
        could not be used, so the page shows its own value instead:
      </p>
      <ul>
        {notices.map((n, i) => (
          <li key={i}>
            <code>{n.param}</code>: {n.message}
          </li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
