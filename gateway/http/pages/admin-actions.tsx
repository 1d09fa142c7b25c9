/**
 * The administrator's action forms and their confirmation step. Each form posts to
 * /console/admin/act with the action's fields and a required reason; the answer is a confirmation
 * page that repeats the fields as hidden inputs with `confirm=1`, and only that second post acts.
 * No script: the step is two pages. A pure component: choices come from the route.
 */
import type { ActionField, ActionSection, ConsoleAction } from '../routes/console-admin-actions.ts';
import { Label } from './components.tsx';

export interface ActionChoices {
  readonly agreements: readonly string[];
  readonly readers: readonly string[];
  readonly clients: readonly string[];
}

/** The values a form was posted with: one text per field, several for checkboxes. */
export type PostedFields = Readonly<Record<string, string | readonly string[] | undefined>>;

const ACT = '/console/admin/act';

function Field(props: { field: ActionField; choices: ActionChoices }) {
  const f = props.field;
  const label = (
    <span>
      <Label id={f.id} en={f.en} />
      {f.hint === undefined ? null : <small class="en"> ({f.hint})</small>}
    </span>
  );
  const required = f.optional === true ? {} : { required: true };
  if (f.kind === 'select' || f.kind === 'checkboxes') {
    const options = typeof f.choices === 'string' ? props.choices[f.choices] : (f.choices ?? []);
    if (f.kind === 'checkboxes')
      return (
        <fieldset>
          <legend>
            <Label id={f.id} en={f.en} />
          </legend>
          {options.map((option) => (
            <label class="inline">
              <input type="checkbox" name={f.name} value={option} /> {option}
            </label>
          ))}
        </fieldset>
      );
    return (
      <label>
        {label}
        <select name={f.name} {...required}>
          {options.map((option) => (
            <option value={option}>{option}</option>
          ))}
        </select>
      </label>
    );
  }
  if (f.kind === 'textarea')
    return (
      <label>
        {label}
        <textarea name={f.name} rows={4} cols={64} autocomplete="off" {...required} />
      </label>
    );
  return (
    <label>
      {label}
      <input
        name={f.name}
        autocomplete="off"
        {...(f.kind === 'date' ? { type: 'date' } : {})}
        {...required}
      />
    </label>
  );
}

/** The forms of one section of the admin page. */
export function ActionForms(props: {
  section: ActionSection;
  actions: readonly ConsoleAction[];
  choices: ActionChoices;
}) {
  return (
    <div class="actions">
      {props.actions
        .filter((a) => a.section === props.section)
        .map((a) => (
          <form method="post" action={ACT} id={`act-${a.name}`} aria-labelledby={`h-${a.name}`}>
            <h3 id={`h-${a.name}`}>
              <Label id={a.id} en={a.en} />
            </h3>
            <input type="hidden" name="action" value={a.name} />
            {a.fields.map((field) => (
              <Field field={field} choices={props.choices} />
            ))}
            <label>
              <span>
                <Label id="Alasan" en="reason (recorded)" />
              </span>
              <input name="reason" maxlength={500} autocomplete="off" required />
            </label>
            <button type="submit">Lanjut / Continue</button>
          </form>
        ))}
    </div>
  );
}

const shown = (value: string | readonly string[] | undefined): string =>
  value === undefined ? '—' : typeof value === 'string' ? value : value.join(', ');

/** The second step: what will be done, and the form that does it. */
export function ConfirmAction(props: {
  action: ConsoleAction;
  fields: PostedFields;
  reason: string;
}) {
  const a = props.action;
  const hidden = a.fields.flatMap((field) => {
    const value = props.fields[field.name];
    if (value === undefined) return [];
    return (typeof value === 'string' ? [value] : value).map((one) => (
      <input type="hidden" name={field.name} value={one} />
    ));
  });
  return (
    <section aria-labelledby="confirm">
      <h2 id="confirm">
        <Label id="Konfirmasi" en="Confirm" />: <Label id={a.id} en={a.en} />
      </h2>
      <p class="warn" role="status">
        Periksa lalu konfirmasi; tindakan ini dicatat dalam jejak audit / Check, then confirm; the
        change is recorded in the audit trail.
      </p>
      <table id="confirm-summary">
        <tbody>
          {a.fields.map((field) => (
            <tr>
              <th scope="row">
                <Label id={field.id} en={field.en} />
              </th>
              <td>
                {field.kind === 'textarea'
                  ? `${String(shown(props.fields[field.name]).length)} karakter / characters`
                  : shown(props.fields[field.name])}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">
              <Label id="Alasan" en="reason" />
            </th>
            <td>{props.reason}</td>
          </tr>
        </tbody>
      </table>
      <form method="post" action={ACT} id="confirm-form">
        <input type="hidden" name="action" value={a.name} />
        {hidden}
        <input type="hidden" name="reason" value={props.reason} />
        <input type="hidden" name="confirm" value="1" />
        <button type="submit">Ya, lakukan / Yes, do it</button>
        <a href="/console/admin">Batal / Cancel</a>
      </form>
    </section>
  );
}

/** What became of the last action: done, or refused with its code. */
export function ActionOutcome(props: { done?: string; error?: { code: string; message: string } }) {
  if (props.error !== undefined)
    return (
      <p class="error" role="alert" id="action-error">
        <strong>
          <code>{props.error.code}</code>
        </strong>{' '}
        {props.error.message}
      </p>
    );
  if (props.done === undefined) return null;
  return (
    <p class="ok" role="status" id="action-done">
      Selesai / Done: {props.done}
    </p>
  );
}
