/**
 * The clerk portal's counter page: today's allowance and the agreement at a glance, then the
 * two things a clerk does — look a resident up, or check what the resident declared — with the
 * NIK typed, taken from a KTP-el just read at the clerk's reader, or from an IKD QR code typed by
 * a keyboard-wedge scanner. No field remembers a NIK (autocomplete off), and none is in a URL.
 */
import type { Child } from 'hono/jsx';
import type { ElementName } from '../../../policies/index.ts';
import type { WaitingCardRead } from '../../services/portal/index.ts';
import { Label } from './components.tsx';
import { ELEMENT_LABELS, localTime } from './portal-labels.ts';

export interface PortalStatus {
  readonly clientQuota?: {
    readonly quota: number;
    readonly used: number;
    readonly remaining: number;
  };
  readonly gatewayQuota?: { readonly total: number; readonly used: number };
  readonly agreement?: {
    readonly number: string;
    readonly state: string;
    readonly validUntil: string;
    readonly daysLeft: number;
  };
}

export interface PortalHomeProps {
  readonly status: PortalStatus;
  readonly purposes: readonly string[];
  /** The elements the client may check in a verification (its grant, NIK and address aside). */
  readonly claimable: readonly ElementName[];
  readonly waitingReads: readonly WaitingCardRead[];
  readonly ikdEnabled: boolean;
  readonly timeZone: string;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

/**
 * Above the longest presentation of the IKD profile (1024, docs/ikd-profile.md) and within the
 * portal form's byte limit: a longer scan is refused by the profile, not cut by the browser.
 */
const PRESENTATION_MAX_LENGTH = 2048;

/** 10.000.000: figures as an Indonesian reader writes them. */
const figure = (value: number): string => value.toLocaleString('id-ID');

export function StatusPanel(props: { status: PortalStatus }) {
  const { clientQuota, gatewayQuota, agreement } = props.status;
  return (
    <section aria-labelledby="status">
      <h2 id="status">
        <Label id="Kuota dan perjanjian" en="Quota and agreement" />
      </h2>
      <dl class="data">
        <dt>
          <Label id="Sisa kuota hari ini (klien)" en="Quota left today (client)" />
        </dt>
        <dd>
          {clientQuota === undefined
            ? '—'
            : `${figure(clientQuota.remaining)} dari / of ${figure(clientQuota.quota)} (terpakai / used ${figure(clientQuota.used)})`}
        </dd>
        <dt>
          <Label id="Kuota Dukcapil hari ini (gateway)" en="Dukcapil quota today (gateway)" />
        </dt>
        <dd>
          {gatewayQuota === undefined
            ? '—'
            : `${figure(Math.max(0, gatewayQuota.total - gatewayQuota.used))} dari / of ${figure(gatewayQuota.total)}`}
        </dd>
        <dt>
          <Label id="Perjanjian (PKS)" en="Agreement" />
        </dt>
        <dd
          class={agreement?.state === 'active' ? (agreement.daysLeft <= 90 ? 'warn' : 'ok') : 'bad'}
        >
          {agreement === undefined
            ? 'Tidak ada perjanjian berlaku / No agreement in force'
            : `${agreement.number}: ${agreement.state}, berlaku s.d. / valid until ${agreement.validUntil} (${String(agreement.daysLeft)} hari lagi / days left)`}
        </dd>
      </dl>
    </section>
  );
}

function PurposeAndReference(props: { purposes: readonly string[]; prefix: string }) {
  return (
    <div class="row">
      <label for={`${props.prefix}-purpose`}>
        <span>
          <Label id="Tujuan" en="Purpose" />
        </span>
        <select id={`${props.prefix}-purpose`} name="purpose" required>
          {props.purposes.map((purpose) => (
            <option value={purpose}>{purpose}</option>
          ))}
        </select>
      </label>
      <label for={`${props.prefix}-reference`}>
        <span>
          <Label id="Nomor referensi (berkas/surat)" en="Case reference" />
        </span>
        <input
          id={`${props.prefix}-reference`}
          name="reference"
          required
          maxlength={128}
          autocomplete="off"
        />
      </label>
    </div>
  );
}

/** Where the NIK comes from: typed, a card read waiting for this clerk, or an IKD QR code. */
function NikSources(props: {
  prefix: string;
  waitingReads: readonly WaitingCardRead[];
  ikdEnabled: boolean;
  timeZone: string;
}): Child {
  return (
    <fieldset>
      <legend>
        <Label id="NIK (isi salah satu)" en="NIK (give one)" />
      </legend>
      <label for={`${props.prefix}-nik`}>
        <span>
          <Label id="Ketik NIK" en="Type the NIK" />
        </span>
        <input
          id={`${props.prefix}-nik`}
          name="nik"
          inputmode="numeric"
          maxlength={16}
          autocomplete="off"
          spellcheck={false}
        />
      </label>
      {props.waitingReads.length === 0 ? (
        <p class="hint">
          Belum ada bacaan KTP-el untuk Anda (2 menit terakhir) / No KTP-el read for you in the last
          2 minutes.
        </p>
      ) : (
        <fieldset>
          <legend>
            <Label id="KTP-el yang baru dibaca" en="KTP-el just read" />
          </legend>
          {props.waitingReads.map((read, index) => (
            <label for={`${props.prefix}-card-${String(index)}`}>
              <span>
                <input
                  type="radio"
                  id={`${props.prefix}-card-${String(index)}`}
                  name="cardRead"
                  value={read.id}
                />{' '}
                {read.readerId} · {localTime(read.at, props.timeZone)} · NIK …{read.nikEnding}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {props.ikdEnabled ? (
        <label for={`${props.prefix}-ikd`}>
          <span>
            <Label id="Pindai QR IKD (KTP digital)" en="Scan the IKD (digital ID) QR code" />
          </span>
          <input
            id={`${props.prefix}-ikd`}
            name="ikd"
            maxlength={PRESENTATION_MAX_LENGTH}
            autocomplete="off"
            spellcheck={false}
          />
        </label>
      ) : null}
    </fieldset>
  );
}

export function PortalHome(props: PortalHomeProps) {
  return (
    <>
      {props.error === undefined ? null : (
        <div class="error" role="alert">
          <p>
            <strong>{props.error.code}</strong>: {props.error.message}
          </p>
        </div>
      )}
      <StatusPanel status={props.status} />
      <section aria-labelledby="lookup">
        <h2 id="lookup">
          <Label id="Cari data penduduk" en="Look up a resident" />
        </h2>
        <form method="post" action="/portal/lookup" class="stack" autocomplete="off">
          <NikSources
            prefix="lookup"
            waitingReads={props.waitingReads}
            ikdEnabled={props.ikdEnabled}
            timeZone={props.timeZone}
          />
          <PurposeAndReference purposes={props.purposes} prefix="lookup" />
          <div>
            <button type="submit">
              Cari <span class="en">/ Look up</span>
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby="verify">
        <h2 id="verify">
          <Label id="Verifikasi data" en="Verify declared data" />
        </h2>
        <form method="post" action="/portal/verify" class="stack" autocomplete="off">
          <NikSources
            prefix="verify"
            waitingReads={props.waitingReads}
            ikdEnabled={props.ikdEnabled}
            timeZone={props.timeZone}
          />
          <fieldset>
            <legend>
              <Label
                id="Data yang dinyatakan (isi yang diperiksa)"
                en="Declared data (fill what to check)"
              />
            </legend>
            <div class="row">
              {props.claimable.map((element) => (
                <label for={`claim-${element}`}>
                  <span>
                    <Label id={ELEMENT_LABELS[element].id} en={ELEMENT_LABELS[element].en} />
                  </span>
                  <input
                    id={`claim-${element}`}
                    name={`claim.${element}`}
                    autocomplete="off"
                    maxlength={256}
                    {...(element === 'tanggal_lahir' ? { type: 'date' } : {})}
                  />
                </label>
              ))}
            </div>
          </fieldset>
          <PurposeAndReference purposes={props.purposes} prefix="verify" />
          <div>
            <button type="submit">
              Verifikasi <span class="en">/ Verify</span>
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
