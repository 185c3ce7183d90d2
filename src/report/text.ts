// Plain-text report: the same function as markdown.ts with format "text".
import type { Report } from '../engine/report';
import { formatReport } from './markdown';

export function formatText(report: Report, shareUrl?: string): string {
  return formatReport(report, { format: 'text', shareUrl });
}
