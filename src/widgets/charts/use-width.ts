// The width of a chart's container, so that a chart is drawn at the size it
// is shown (text stays legible on a phone instead of shrinking with a
// viewBox). Undefined until measured: the server's HTML and the first client
// render use the default width, so hydration matches.
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

export function useContainerWidth<T extends HTMLElement>(): [
  RefObject<T | null>,
  number | undefined,
] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState<number | undefined>(undefined);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const next = Math.round(element.clientWidth);
      if (next > 0) setWidth(next);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
