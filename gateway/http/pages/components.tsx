/**
 * The pieces every server-rendered page shares (the printable reports and the consoles): the
 * bilingual label, the table, and rendering a page to the document a route answers.
 */
import type { Child } from 'hono/jsx';

/** Indonesian first, English after it in a quieter style. */
export function Label(props: { id: string; en: string }) {
  return (
    <>
      {props.id} <span class="en">/ {props.en}</span>
    </>
  );
}

export interface Column<T> {
  readonly header: Child;
  readonly cell: (row: T) => Child;
  /** Right-aligned tabular figures (class `n`). */
  readonly numeric?: boolean;
  /** A class for this row's cell: `ok`, `bad`, `warn`. */
  readonly tone?: (row: T) => string | undefined;
}

/** A data table: one header row, one row per item, column headers scoped for screen readers. */
export function Table<T>(props: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  caption?: string;
}) {
  return (
    <table>
      {props.caption === undefined ? null : <caption>{props.caption}</caption>}
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col">{column.header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            {props.columns.map((column) => {
              const classes = [column.numeric ? 'n' : undefined, column.tone?.(row)]
                .filter((name) => name !== undefined && name !== '')
                .join(' ');
              return <td {...(classes === '' ? {} : { class: classes })}>{column.cell(row)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A rendered page as the document a route answers. */
export function renderDocument(node: unknown): string {
  // hono/jsx nodes render to HTML through toString().
  return `<!doctype html>${String(node)}`;
}
