/**
 * What a console action is (console-admin-actions.ts lists them): its fields, a check of the form
 * against the admin API's own request schema, and the service call; and the helpers that turn a
 * posted form into the API's body.
 */
import type { TSchema } from '@sinclair/typebox';
import type { AdminContext } from '../../services/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { compileSchemaValidator } from '../validate.ts';

export type ActionSection = 'agreements' | 'readers' | 'clients' | 'clock';

/** Where a select's choices come from: what the page lists, or a fixed list. */
export type Choices = 'agreements' | 'readers' | 'clients' | readonly string[];

export interface ActionField {
  readonly name: string;
  readonly id: string;
  readonly en: string;
  readonly kind: 'text' | 'date' | 'select' | 'textarea' | 'checkboxes';
  readonly choices?: Choices;
  readonly optional?: boolean;
  /** A hint under the label (a format). */
  readonly hint?: string;
}

export type Fields = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ConsoleAction {
  readonly name: string;
  readonly id: string;
  readonly en: string;
  readonly section: ActionSection;
  readonly fields: readonly ActionField[];
  /** Checks the fields as the API checks its body; throws the API's ApiError. */
  readonly check: (fields: Fields, reason: string) => void;
  readonly run: (deps: AppDeps, context: AdminContext, fields: Fields) => Promise<unknown>;
}

export const text = (fields: Fields, name: string): string | undefined => {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
};

/** The API body from the form: absent fields left out, as a JSON client would. */
export function bodyOf(fields: Fields, map: Readonly<Record<string, string | readonly string[]>>) {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') body[key] = value;
    else if (fields[value] !== undefined) body[key] = fields[value];
  }
  return body;
}

/** An action whose API body is built from the form by `map` (body key → form field or value). */
export function action(
  spec: Omit<ConsoleAction, 'check' | 'run'> & {
    schema: TSchema;
    body: (fields: Fields, reason: string) => Record<string, unknown>;
    call: (deps: AppDeps, context: AdminContext, body: never, fields: Fields) => Promise<unknown>;
  },
): ConsoleAction {
  const validate = compileSchemaValidator(spec.schema);
  return {
    name: spec.name,
    id: spec.id,
    en: spec.en,
    section: spec.section,
    fields: spec.fields,
    check: (fields, reason) => {
      validate(spec.body(fields, reason));
    },
    run: (deps, context, fields) =>
      spec.call(deps, context, validate(spec.body(fields, context.reason ?? '')) as never, fields),
  };
}
