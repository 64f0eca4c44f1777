// How values look on the pages. The server's formats (docs/DECISIONS.md §2.7): Date YYYY-MM-DD,
// Datetime RFC 3339 UTC with milliseconds; the UI shows Datetime in UTC, labelled so.
import { isSecret } from './schema.js';

const currency = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

export function formatValue(value, def) {
  if (value === null || value === undefined) return '';
  if (isSecret(def)) return '••••••••';
  switch (def?.type) {
    case 'Boolean': return value ? 'Yes' : 'No';
    case 'Currency': return typeof value === 'number' ? currency.format(value) : String(value);
    case 'Integer':
    case 'Number': return typeof value === 'number' ? number.format(value) : String(value);
    case 'Datetime': return formatDatetime(value);
    case 'JSON': return JSON.stringify(value);
    default:
      if (Array.isArray(value)) return value.join(', ');
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}

export function formatDatetime(value) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?/.exec(String(value));
  return m ? `${m[1]} ${m[2]} UTC` : String(value);
}

// "2025-11-12T20:11:17.123Z" -> "2025-11-12T20:11:17" for <input type="datetime-local"> (UTC).
export function toDatetimeInput(value) {
  if (!value) return '';
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?)/.exec(String(value));
  return m ? m[1] : '';
}

// The input's value, read as UTC, in the server's format.
export function fromDatetimeInput(text) {
  if (!text) return null;
  return (text.length === 16 ? text + ':00' : text) + 'Z';
}
