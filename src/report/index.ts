export { formatReport, type FormatOptions } from './markdown';
export { formatText } from './text';
