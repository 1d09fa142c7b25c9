/**
 * The audit chain on the officer's page: whether writes work, the outcome of the last
 * verification or the one under way, and the button (a form post) that starts one.
 */
import type {
  ChainView,
  VerificationOutcome,
} from '../../services/audit-verification/chain-verification.ts';
import { Label } from './components.tsx';

function VerifyButton(props: { label: string }) {
  return (
    <form method="post" action="/console/officer/verify">
      <button type="submit">{props.label}</button>
    </form>
  );
}

/** The outcome of the last verification, or the one under way, and the button that starts one. */
export function ChainStatus(props: { chain: ChainView; auditWritable: boolean; notice?: string }) {
  const chain = props.chain;
  return (
    <section aria-labelledby="chain">
      <h2 id="chain">
        <Label id="Rantai audit" en="Audit chain" />
      </h2>
      <p>
        Penulisan audit / audit writes:{' '}
        {props.auditWritable ? (
          <span class="ok">berjalan / working</span>
        ) : (
          <span class="bad">GAGAL — permintaan data ditolak / FAILING — data requests refused</span>
        )}
      </p>
      {props.notice === undefined ? null : (
        <p class="warn" role="status">
          {props.notice}
        </p>
      )}
      {chain.state === 'running' ? (
        <p id="chain-running" role="status" class="warn">
          Verifikasi berjalan / verification in progress (since {chain.startedAt}); muat ulang
          halaman untuk hasilnya / reload the page for its outcome
        </p>
      ) : chain.state === 'done' ? (
        <ChainOutcome outcome={chain.outcome} />
      ) : null}
      <VerifyButton
        label={
          chain.state === 'running'
            ? 'Tunggu hasilnya / Wait for its outcome'
            : 'Verifikasi sekarang / Verify now'
        }
      />
    </section>
  );
}

function ChainOutcome(props: { outcome: VerificationOutcome }) {
  const o = props.outcome;
  if (o.kind === 'failed')
    return (
      <p id="chain-result" class="bad">
        Verifikasi tidak dapat dijalankan / the verification could not run ({o.finishedAt}); lihat
        log / see the log
      </p>
    );
  const v = o.result;
  return v.ok ? (
    <p id="chain-result" class="ok">
      Utuh / intact: {v.records} catatan / records, {v.checkpoints} checkpoint bertanda tangan /
      signed checkpoints, {v.unsealedRecords} belum disegel / not yet sealed. Root{' '}
      <code>{v.rootHash}</code> (diverifikasi / verified {o.finishedAt})
    </p>
  ) : (
    <p id="chain-result" class="bad">
      RUSAK / BROKEN at seq {v.firstBadSeq}: {v.reason} (diverifikasi / verified {o.finishedAt})
    </p>
  );
}
