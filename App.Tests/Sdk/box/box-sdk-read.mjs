// Box's official Node SDK, unchanged, reading a sign request that has been SIGNED and sealed (E2E/BoxSignJourneyTests):
// the parts box-sdk-test.mjs never sees filled — signer_decision, inputs, has_viewed_document true, signing_log, the
// sealed sign_files — must go through the SDK's own deserialisers, and the files download through it.
//
// Environment: BOX_BASE_URL (the app), BOX_TOKEN (the sender's API key), BOX_SIGN_REQUEST (the signed request's id),
// BOX_SIGNER (the signer's e-mail). Prints ONE line of JSON (see box-sdk-common.mjs); exit 0 when every step passed.
import { env, clientFor, check, step, readAll, sha256, validTime, finish } from './box-sdk-common.mjs';

const client = clientFor(env('BOX_BASE_URL'), env('BOX_TOKEN'));
const id = env('BOX_SIGN_REQUEST');
const signer = env('BOX_SIGNER').toLowerCase();

function checkSigned(sr) {
  check(sr.id === id && sr.type === 'sign-request', `sign-request ${id} (got ${sr.type} ${sr.id})`);
  check(sr.status === 'signed', `status signed (got ${sr.status})`);
  const s = (sr.signers ?? []).find((x) => (x.email ?? '').toLowerCase() === signer);
  check(s, `${signer} in signers`);
  check(s.hasViewedDocument === true, `has_viewed_document (got ${s.hasViewedDocument})`);
  check(s.signerDecision?.type === 'signed', `signer_decision.type signed (got ${s.signerDecision?.type})`);
  check(s.signerDecision.finalizedAt && validTime(s.signerDecision.finalizedAt), 'signer_decision.finalized_at an ISO-8601 time');
  check(Array.isArray(s.inputs) && s.inputs.length > 0, `inputs (got ${JSON.stringify(s.rawData?.inputs)})`);
  for (const i of s.inputs) check(typeof i.pageIndex === 'number' && i.type && i.contentType, `an input with page_index, type, content_type (got ${JSON.stringify(i.rawData ?? i)})`);
  check(sr.signFiles?.isReadyForDownload === true && sr.signFiles.files?.length === 1, 'sign_files ready, one file');
  check(typeof sr.signingLog?.id === 'string' && sr.signingLog.type === 'file', 'signing_log a file');
  check(validTime(sr.autoExpireAt), 'auto_expire_at an ISO-8601 time');
  return {
    value: sr,
    report: { status: sr.status, decision: s.signerDecision.type, inputs: s.inputs.map((i) => `${i.type}/${i.contentType}`),
      signFile: sr.signFiles.files[0].id, signingLog: sr.signingLog.id },
  };
}

const sr = await step('signRequests.getSignRequestById (signed)', async () => checkSigned(await client.signRequests.getSignRequestById(id)));

await step('signRequests.getSignRequests (signed entry)', async () => {
  const page = await client.signRequests.getSignRequests({ limit: 100 });
  const e = page.entries.find((x) => x.id === id);
  check(e, `request ${id} listed`);
  return { report: checkSigned(e).report };
});

if (sr) {
  for (const [name, file] of [['sign_files', sr.signFiles.files[0]], ['signing_log', sr.signingLog]]) {
    await step(`downloads.downloadFile (${name})`, async () => {
      const bytes = await readAll(await client.downloads.downloadFile(file.id));
      check(bytes.subarray(0, 5).toString('latin1') === '%PDF-', `${name} is a PDF`);
      const f = await client.files.getFileById(file.id);
      check(f.id === file.id && f.type === 'file', `files.getFileById(${file.id})`);
      return { report: { id: file.id, bytes: bytes.length, sha256: sha256(bytes) } };
    });
  }
}

finish();
