/**
 * The return-data payload template: how an agreement's Petunjuk Teknis shapes the data balikan
 * body, written in configuration rather than code (docs/return-data.md). DOMAIN.md, "Dukcapil web
 * service": the content is set per agreement and no official schema is public; the one public
 * client sends `{nik, id_lembaga, nama_lembaga, param:[{...}]}`, the default below.
 *
 * The language is JSON and two rules, so that nothing in a configuration file is ever evaluated:
 * - a string may hold placeholders `{{name}}` from a fixed list; a string that is one placeholder
 *   and nothing else becomes that value, other strings have each placeholder replaced as text;
 * - an object `{"$each": "jenisPajak", "$template": T}` becomes an array: T once per tax type of
 *   the delivery, with `{{jenisPajak}}` bound to that tax type (allowed only there).
 * Every other key beginning with `$` is refused, so the language can grow without a template
 * meaning something else later. Checked when the configuration loads (`templateProblems`).
 */

/** What a template may name, and what each is (none of them a secret). */
export const TEMPLATE_FIELDS = {
  nik: 'the NIK the agency accessed',
  npwpd: "the taxpayer's NPWPD",
  idLembaga: 'returnData.idLembaga',
  namaLembaga: 'returnData.namaLembaga',
  consumer: 'upstream.consumer',
  deliveryKey: "the gateway's own key of the delivery, the same on every retry",
  jenisPajakList: 'the tax types, comma-separated',
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;
/** Bound inside `$each` only: one tax type. */
const ITEM_FIELD = 'jenisPajak';

/** The one public client's payload (DOMAIN.md): the default of `returnData.payload`. */
export const DEFAULT_RETURN_DATA_TEMPLATE = {
  nik: '{{nik}}',
  id_lembaga: '{{idLembaga}}',
  nama_lembaga: '{{namaLembaga}}',
  param: { $each: 'jenisPajak', $template: { NPWPD: '{{npwpd}}', JENIS_PAJAK: '{{jenisPajak}}' } },
};

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{([A-Za-z]+)\}\}$/;
const MAX_DEPTH = 8;
const MAX_NODES = 256;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isEach = (value: Record<string, unknown>): boolean => Object.hasOwn(value, '$each');

/** Problems of a template, each naming its place under `at` (a JSON pointer); none when usable. */
export function templateProblems(template: unknown, at = '/returnData/payload'): string[] {
  const problems: string[] = [];
  let nodes = 0;
  const walk = (value: unknown, path: string, depth: number, inEach: boolean): void => {
    if (++nodes > MAX_NODES) {
      if (nodes === MAX_NODES + 1) problems.push(`${at} has more than ${MAX_NODES} values`);
      return;
    }
    if (depth > MAX_DEPTH) {
      problems.push(`${path} is nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    if (typeof value === 'string') {
      for (const [, name = ''] of value.matchAll(PLACEHOLDER)) {
        if (name === ITEM_FIELD && !inEach)
          problems.push(`${path}: {{jenisPajak}} is only known inside "$each"`);
        else if (name !== ITEM_FIELD && !Object.hasOwn(TEMPLATE_FIELDS, name))
          problems.push(
            `${path}: unknown placeholder {{${name}}} (known: ${[...Object.keys(TEMPLATE_FIELDS), ITEM_FIELD].join(', ')})`,
          );
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, `${path}/${String(i)}`, depth + 1, inEach);
      });
      return;
    }
    if (isObject(value)) {
      if (isEach(value)) {
        const keys = Object.keys(value).sort();
        if (value['$each'] !== ITEM_FIELD || keys.join(',') !== '$each,$template')
          problems.push(
            `${path} must be {"$each": "jenisPajak", "$template": ...} and nothing else`,
          );
        else if (inEach) problems.push(`${path}: "$each" cannot be nested in another "$each"`);
        else walk(value['$template'], `${path}/$template`, depth + 1, true);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        if (key.startsWith('$'))
          problems.push(`${path}/${key}: keys beginning with $ are reserved`);
        else
          walk(item, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1, inEach);
      }
      return;
    }
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return;
    problems.push(`${path} is not a JSON value`);
  };
  walk(template, at, 0, false);
  return problems;
}

export type TemplateValues = Readonly<Record<Exclude<TemplateField, 'jenisPajakList'>, string>> & {
  readonly jenisPajak: readonly string[];
};

/** The body for one delivery. The template was checked at load; values are data, never code. */
export function renderTemplate(template: unknown, values: TemplateValues): unknown {
  const { jenisPajak, ...named } = values;
  const scalars: Readonly<Record<string, string>> = {
    ...named,
    jenisPajakList: jenisPajak.join(','),
  };
  const text = (value: string, item: string | undefined): string => {
    const lookup = (name: string): string => {
      if (name === ITEM_FIELD && item !== undefined) return item;
      const found = Object.hasOwn(scalars, name) ? scalars[name] : undefined;
      // Unreachable after templateProblems; refuse rather than send a half-filled record.
      if (found === undefined) throw new Error(`return-data template: unknown placeholder`);
      return found;
    };
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole?.[1] !== undefined) return lookup(whole[1]);
    return value.replace(PLACEHOLDER, (_match, name: string) => lookup(name));
  };
  const render = (value: unknown, item: string | undefined): unknown => {
    if (typeof value === 'string') return text(value, item);
    if (Array.isArray(value)) return value.map((entry) => render(entry, item));
    if (isObject(value)) {
      if (isEach(value)) return jenisPajak.map((jenis) => render(value['$template'], jenis));
      return Object.fromEntries(
        Object.entries(value).map(([key, entry]) => [key, render(entry, item)]),
      );
    }
    return value;
  };
  return render(template, undefined);
}

/** The value at an RFC 6901 JSON pointer, or undefined. */
export function atJsonPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(key)) current = current[Number(key)];
    else if (isObject(current) && Object.hasOwn(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}
