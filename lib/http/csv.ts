/**
 * Every CSV the archive writes (search results, audit log, coverage), in one
 * way: UTF-8 with a BOM so spreadsheet programs read Vietnamese correctly,
 * and no cell a spreadsheet would run as a formula.
 *
 * Titles, comments and addresses in these files are typed by people (or
 * sent by any client, like X-Forwarded-For). A cell such as
 * `=HYPERLINK("http://x","Bấm")` is a live formula once the file is opened
 * in Excel, LibreOffice or Google Sheets. OWASP's rule ("CSV Injection"):
 * a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets
 * a leading single quote, which spreadsheets read as "this is text", and the
 * cell is quoted so the quote stays attached to it.
 */
import { stringify } from 'csv-stringify/sync';

const BOM = '\uFEFF';

/**
 * Characters that start a formula: OWASP's list, plus the full-width forms
 * of = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20), which Apple Numbers
 * normalises to the ASCII ones (the same list csv-stringify's own
 * `escape_formulas` uses). Leading spaces are looked through, because an
 * importer that trims spaces first would see the formula.
 */
const FORMULA_START = /^(?:[\t\r]| *[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * A cell is either text (always checked, whoever typed it) or a number the
 * archive computed itself (counts, percentages, version numbers,
 * coordinates). Numbers are written bare so spreadsheets can sum and sort
 * them: a JavaScript number cannot carry a formula, and prefixing `-14.5`
 * would turn a negative longitude into text. A number that arrived as a
 * string from a person is text and is neutralised like any other.
 */
export type CsvCell = string | number | null | undefined;

/** The text a spreadsheet shows as typed: a quote in front of anything that would start a formula. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Whether neutraliseCell changed the text (then the cell is always quoted). */
function isNeutralised(original: string, written: string): boolean {
  return original !== written;
}

/** Rows as CSV text with a BOM. The only CSV writer: every export goes through it. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return (
    BOM +
    stringify(
      rows.map((row) => [...row]),
      {
        cast: {
          string: (value) => {
            const written = neutraliseCell(value);
            // `quoted` (a per-cell csv-stringify option) keeps the prefixed cell in quotes, as OWASP advises.
            return isNeutralised(value, written) ? { value: written, quoted: true } : written;
          },
          number: (value) => (Number.isFinite(value) ? String(value) : ''),
        },
      },
    )
  );
}
