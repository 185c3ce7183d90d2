// The section a widget sits in: the nearest heading above it that has an id.
// A copied link ends with it, so the reader lands on the text that explains
// what the widget shows.

export function nearestSectionAnchor(element: Element | null): string {
  if (!element) return '';
  const headings = Array.from(element.ownerDocument.querySelectorAll('h2[id], h3[id]'));
  let found = '';
  for (const heading of headings) {
    // DOCUMENT_POSITION_FOLLOWING: the widget comes after this heading.
    if (heading.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)
      found = heading.id;
    else break;
  }
  return found ? `#${found}` : '';
}
