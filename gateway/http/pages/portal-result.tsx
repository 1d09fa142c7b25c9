/**
 * What the portal shows after an action: the granted elements of a lookup, exactly those and
 * nothing else, with the return-data form right under them (PKS Pasal 2(2)b met at the counter;
 * the form carries a ticket, never the NIK); the verdict per declared element of a verification;
 * and the return data's queueing.
 */
import type { ElementName, JenisPajak, PopulationRecord } from '../../../policies/index.ts';
import { ELEMENTS } from '../../../policies/index.ts';
import { Label } from './components.tsx';
import { ELEMENT_LABELS } from './portal-labels.ts';

function valueOf(record: Partial<PopulationRecord>, element: ElementName): string {
  if (element === 'alamat') {
    const a = record.alamat;
    if (a === undefined) return '';
    return [
      a.jalan,
      a.rt === undefined ? undefined : `RT ${a.rt}`,
      a.rw === undefined ? undefined : `RW ${a.rw}`,
      a.kelurahan,
      a.kecamatan,
      a.kabupaten_kota,
      a.provinsi,
      a.kode_pos,
    ]
      .filter((part) => part !== undefined && part !== '')
      .join(', ');
  }
  const value = record[element];
  return typeof value === 'string' ? value : '';
}

export function LookupResult(props: {
  released: Partial<PopulationRecord>;
  requestId: string;
  ticket: string;
  reference: string;
  taxes: readonly JenisPajak[];
  npwpdHint: string;
}) {
  const shown = ELEMENTS.filter((element) => props.released[element] !== undefined);
  return (
    <>
      <section aria-labelledby="result">
        <h2 id="result">
          <Label id="Data penduduk" en="Resident data" />
        </h2>
        <dl class="data">
          {shown.map((element) => (
            <>
              <dt>
                <Label id={ELEMENT_LABELS[element].id} en={ELEMENT_LABELS[element].en} />
              </dt>
              <dd data-element={element}>{valueOf(props.released, element)}</dd>
            </>
          ))}
        </dl>
        <p class="hint">
          Kode permintaan / request id: <code>{props.requestId}</code>. Halaman ini tidak disimpan
          browser / this page is not kept by the browser.
        </p>
      </section>
      <section aria-labelledby="return-data">
        <h2 id="return-data">
          <Label id="Data balikan (NPWPD dan jenis pajak)" en="Return data (NPWPD and tax types)" />
        </h2>
        <p class="hint">
          Wajib untuk setiap NIK yang diakses (PKS Pasal 2 ayat 2 huruf b) / Required for every NIK
          accessed.
        </p>
        <form method="post" action="/portal/return-data" class="stack" autocomplete="off">
          <input type="hidden" name="ticket" value={props.ticket} />
          <div class="row">
            <label for="npwpd">
              <span>
                <Label id="NPWPD" en="Regional taxpayer number" />
              </span>
              <input id="npwpd" name="npwpd" required maxlength={22} autocomplete="off" />
              <span class="hint">{props.npwpdHint}</span>
            </label>
            <label for="rd-reference">
              <span>
                <Label id="Nomor referensi" en="Case reference" />
              </span>
              <input
                id="rd-reference"
                name="reference"
                required
                maxlength={128}
                value={props.reference}
                autocomplete="off"
              />
            </label>
          </div>
          <fieldset>
            <legend>
              <Label id="Jenis pajak" en="Tax types" />
            </legend>
            <div class="row">
              {props.taxes.map((tax) => (
                <label for={`tax-${tax}`}>
                  <span>
                    <input type="checkbox" id={`tax-${tax}`} name="jenis_pajak" value={tax} /> {tax}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div>
            <button type="submit">
              Kirim data balikan <span class="en">/ Submit return data</span>
            </button>
          </div>
        </form>
      </section>
      <p>
        <a href="/portal/">
          Kembali ke loket <span class="en">/ Back to the counter</span>
        </a>
      </p>
    </>
  );
}

export function VerifyResult(props: {
  result: Readonly<Partial<Record<ElementName, { match: boolean }>>>;
  requestId: string;
}) {
  const checked = ELEMENTS.filter((element) => props.result[element] !== undefined);
  return (
    <>
      <section aria-labelledby="verdicts">
        <h2 id="verdicts">
          <Label id="Hasil verifikasi" en="Verification result" />
        </h2>
        <dl class="data">
          {checked.map((element) => {
            const match = props.result[element]?.match === true;
            return (
              <>
                <dt>
                  <Label id={ELEMENT_LABELS[element].id} en={ELEMENT_LABELS[element].en} />
                </dt>
                <dd class={match ? 'ok' : 'bad'} data-element={element}>
                  {match ? 'Sesuai / Matches' : 'Tidak sesuai / Does not match'}
                </dd>
              </>
            );
          })}
        </dl>
        <p class="hint">
          Kode permintaan / request id: <code>{props.requestId}</code>
        </p>
      </section>
      <p>
        <a href="/portal/">
          Kembali ke loket <span class="en">/ Back to the counter</span>
        </a>
      </p>
    </>
  );
}

export function ReturnDataOutcome(props: {
  delivery: { id: string; status: string };
  taxes: readonly string[];
  requestId: string;
}) {
  return (
    <>
      <div class="notice" role="status">
        <p>
          Data balikan diterima untuk dikirim ke Dukcapil / Return data queued for Dukcapil:{' '}
          <strong>{props.taxes.join(', ')}</strong>
        </p>
        <p>
          Nomor pengiriman / delivery id: <code>{props.delivery.id}</code> · status:{' '}
          {props.delivery.status}
        </p>
      </div>
      <p class="hint">
        Kode permintaan / request id: <code>{props.requestId}</code>
      </p>
      <p>
        <a href="/portal/">
          Kembali ke loket <span class="en">/ Back to the counter</span>
        </a>
      </p>
    </>
  );
}
