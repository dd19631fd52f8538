// Box's official Node SDK (box-node-sdk, pinned in package-lock.json), unchanged, against ESignWeb's Box-compatible API.
// Run by App.Tests/E2E/BoxSdkTests.cs against the real app process; see docs/api.md "Box SDK".
//
// Environment: BOX_BASE_URL (the app, e.g. http://127.0.0.1:5000), BOX_TOKEN (an API key of the sender),
// BOX_TOKEN_2 (another user's key), BOX_PDF (a PDF file to upload), BOX_SIGNERS (two e-mails, comma-separated),
// BOX_READER (the final copy reader's e-mail), BOX_RUN (a word that makes names unique).
// Prints ONE line of JSON: {"steps":{name:{ok,error?,...facts}},"ids":{...}}. Every SDK answer goes through the
// SDK's own deserialisers; a step whose call or check throws is {ok:false,error} and the script goes on with the
// steps that do not depend on it. Exit code 0 when every step passed, 1 otherwise.
import { createReadStream, readFileSync } from 'node:fs';
import { env, clientFor as configure, check, plain, step, readAll, sha256, validTime, finish } from './box-sdk-common.mjs';

const baseUrl = env('BOX_BASE_URL');
const pdfPath = env('BOX_PDF');
const [signerA, signerB] = env('BOX_SIGNERS').split(',');
const reader = env('BOX_READER');
const run = process.env.BOX_RUN ?? `${Date.now()}`;

const clientFor = (token) => configure(baseUrl, token);
const client = clientFor(env('BOX_TOKEN'));
const other = clientFor(env('BOX_TOKEN_2'));

const ids = {};

/** A call that must fail with the SDK's BoxApiError of this status (and code). */
async function expectApiError(call, status, code) {
  try {
    await call();
  } catch (e) {
    check(e?.constructor?.name === 'BoxApiError', `a BoxApiError (got ${e?.constructor?.name}: ${e?.message})`);
    check(e.responseInfo.statusCode === status, `status ${status} (got ${e.responseInfo.statusCode}: ${e.responseInfo.rawBody})`);
    const got = plain(e.responseInfo.code), requestId = plain(e.responseInfo.requestId);
    if (code) check(got === code, `code ${code} (got ${got})`);
    check(typeof requestId === 'string' && requestId.length > 0, 'a request_id');
    check(e.responseInfo.body?.type === 'error', `Box's error object (got ${e.responseInfo.rawBody})`);
    return { report: { status: e.responseInfo.statusCode, code: got, requestId } };
  }
  throw new Error(`the call succeeded; expected ${status} ${code ?? ''}`);
}

const byEmail = (sr, email) => (sr.signers ?? []).find((s) => (s.email ?? '').toLowerCase() === email.toLowerCase());

await step('users.getUserMe', async () => {
  const me = await client.users.getUserMe();
  check(me.type === 'user' && typeof me.id === 'string', 'a user object with a string id');
  return { report: { id: me.id, login: me.login } };
});

const folder = await step('folders.createFolder', async () => {
  const f = await client.folders.createFolder({ name: `SDK run ${run}`, parent: { id: '0' } });
  check(f.type === 'folder' && typeof f.id === 'string' && f.id !== '0', 'a folder with a string id');
  check(f.name === `SDK run ${run}`, `the name (got ${f.name})`);
  ids.folder = f.id;
  return { value: f, report: { id: f.id } };
});

if (folder) {
  await step('folders.getFolderById', async () => {
    const f = await client.folders.getFolderById(folder.id);
    check(f.id === folder.id && f.type === 'folder' && f.name === folder.name, 'the same folder');
    return { report: { id: f.id } };
  });
}

const pdf = readFileSync(pdfPath);
const fileName = `contract ${run}.pdf`;
const file = await step('uploads.uploadFile', async () => {
  const files = await client.uploads.uploadFile({
    attributes: { name: fileName, parent: { id: folder?.id ?? '0' } },
    file: createReadStream(pdfPath),
  });
  check(files.totalCount === 1 && files.entries?.length === 1, `total_count 1 and one entry (got ${files.totalCount})`);
  const f = files.entries[0];
  check(f.type === 'file' && typeof f.id === 'string', 'a file object with a string id');
  check(f.name === fileName, `the name (got ${f.name})`);
  if (f.size !== undefined) check(f.size === pdf.length, `size ${pdf.length} (got ${f.size})`);
  ids.file = f.id;
  return { value: f, report: { id: f.id, size: f.size ?? null } };
});

await step('uploads.uploadFile (same name: 409 item_name_in_use)', () =>
  expectApiError(() => client.uploads.uploadFile({
    attributes: { name: fileName, parent: { id: folder?.id ?? '0' } },
    file: createReadStream(pdfPath),
  }), 409, 'item_name_in_use'));

if (file) {
  await step('files.getFileById', async () => {
    const f = await client.files.getFileById(file.id);
    check(f.id === file.id && f.type === 'file' && f.name === fileName, 'the same file');
    if (folder) check(f.parent?.id === folder.id, `parent ${folder.id} (got ${f.parent?.id})`);
    return { report: { id: f.id, parentId: f.parent?.id ?? null } };
  });
  await step('downloads.downloadFile', async () => {
    const bytes = await readAll(await client.downloads.downloadFile(file.id));
    check(sha256(bytes) === sha256(pdf), `the uploaded bytes (got ${bytes.length} bytes, sent ${pdf.length})`);
    return { report: { bytes: bytes.length } };
  });
}

const options = {
  daysValid: 10,
  areRemindersEnabled: true,
  emailSubject: `Please sign (${run})`,
  emailMessage: 'Hello! Please sign the <b>contract</b>.',
  externalId: `crm-${run}`,
  signatureColor: 'red',
  redirectUrl: 'https://example.com/signed',
};
const created = await step('signRequests.createSignRequest', async () => {
  check(file && folder, 'an uploaded file and a folder');
  const sr = await client.signRequests.createSignRequest({
    sourceFiles: [{ id: file.id, type: 'file' }],
    parentFolder: { id: folder.id, type: 'folder' },
    signers: [
      { email: signerA, role: 'signer', order: 1 },
      { email: signerB, role: 'signer', order: 1 },
      { email: reader, role: 'final_copy_reader', order: 1 },
    ],
    ...options,
  });
  check(sr.type === 'sign-request' && typeof sr.id === 'string' && sr.id.length > 0, 'a sign-request with a string id');
  ids.signRequest = sr.id;
  return { value: sr, report: { id: sr.id, status: sr.status } };
});

function checkRequest(sr) {
  check(sr.id === ids.signRequest, `id ${ids.signRequest} (got ${sr.id})`);
  check(['sent', 'viewed', 'converting', 'created'].includes(sr.status), `an open status (got ${sr.status})`);
  check(byEmail(sr, signerA)?.role === 'signer', `${signerA} is a signer`);
  check(byEmail(sr, signerB)?.role === 'signer', `${signerB} is a signer`);
  check(byEmail(sr, reader)?.role === 'final_copy_reader', `${reader} is a final_copy_reader`);
  check(byEmail(sr, signerA)?.hasViewedDocument === false, 'has_viewed_document false');
  check(sr.daysValid === options.daysValid, `days_valid (got ${sr.daysValid})`);
  check(sr.areRemindersEnabled === true, `are_reminders_enabled (got ${sr.areRemindersEnabled})`);
  check(sr.emailSubject === options.emailSubject, `email_subject (got ${sr.emailSubject})`);
  check(typeof sr.emailMessage === 'string' && sr.emailMessage.includes('contract'), `email_message (got ${sr.emailMessage})`);
  check(sr.externalId === options.externalId, `external_id (got ${sr.externalId})`);
  check(sr.signatureColor === 'red', `signature_color (got ${sr.signatureColor})`);
  check(sr.redirectUrl === options.redirectUrl, `redirect_url (got ${sr.redirectUrl})`);
  check(sr.parentFolder?.id === ids.folder, `parent_folder (got ${sr.parentFolder?.id})`);
  check(sr.sourceFiles?.length === 1 && sr.sourceFiles[0].id === ids.file, `source_files (got ${JSON.stringify(sr.sourceFiles?.map((f) => f.id))})`);
  for (const [name, t] of [['auto_expire_at', sr.autoExpireAt], ['created_at', sr.createdAt]])
    check(validTime(t), `${name} an ISO-8601 time (got ${JSON.stringify(sr.rawData?.[name])})`);
  check(sr.signFiles && Array.isArray(sr.signFiles.files) && typeof sr.signFiles.isReadyForDownload === 'boolean', 'sign_files {files, is_ready_for_download}');
  return {
    report: {
      status: sr.status, signers: sr.signers.length, signFiles: sr.signFiles.files.map((f) => f.id),
      signingLog: sr.signingLog?.id ?? null, autoExpireAt: sr.rawData?.auto_expire_at ?? null,
    },
  };
}

if (created) {
  await step('signRequests.createSignRequest (fields)', () => checkRequest(created));
  await step('signRequests.getSignRequestById', async () => checkRequest(await client.signRequests.getSignRequestById(created.id)));
  // While the request is open, sign_files is the copy being signed (the sealed PDF and the audit trail: BoxSignJourneyTests).
  await step('downloads.downloadFile (sign_files)', async () => {
    const sizes = [];
    for (const f of created.signFiles?.files ?? []) {
      const bytes = await readAll(await client.downloads.downloadFile(f.id));
      check(bytes.subarray(0, 5).toString('latin1') === '%PDF-', `file ${f.id} is a PDF`);
      sizes.push(bytes.length);
    }
    check(sizes.length >= 1, 'sign_files has a file');
    return { report: { sizes } };
  });
}

// Enough requests for three pages of `limit` 3 (the one above + 6).
const extra = [];
for (let i = 0; i < 6 && file; i++) {
  const sr = await step(`signRequests.createSignRequest (#${i + 2})`, async () => {
    const r = await client.signRequests.createSignRequest({
      sourceFiles: [{ id: file.id, type: 'file' }],
      parentFolder: { id: folder.id, type: 'folder' },
      signers: [{ email: signerA, role: 'signer' }],
      externalId: `page-${run}-${i}`,
    });
    return { value: r, report: { id: r.id } };
  });
  if (sr) extra.push(sr.id);
}
ids.created = [ids.signRequest, ...extra].filter(Boolean);

await step('signRequests.getSignRequests (marker paging, limit 3)', async () => {
  const seen = [];
  const pageSizes = [];
  let marker;
  for (let pages = 0; pages < 50; pages++) {
    const page = await client.signRequests.getSignRequests({ limit: 3, ...(marker ? { marker } : {}) });
    check(Array.isArray(page.entries) && page.entries.length <= 3, `at most 3 entries (got ${page.entries?.length})`);
    check(page.limit === undefined || page.limit === 3, `limit 3 (got ${page.limit})`);
    pageSizes.push(page.entries.length);
    for (const e of page.entries) {
      check(e.type === 'sign-request' && typeof e.id === 'string', 'entries are sign-requests');
      seen.push(e.id);
    }
    marker = page.nextMarker;
    if (!marker) break;
  }
  check(new Set(seen).size === seen.length, `no duplicates across pages (${seen.join(',')})`);
  for (const id of ids.created) check(seen.includes(id), `request ${id} listed`);
  check(pageSizes.length >= 3, `3 or more pages (got ${pageSizes.length})`);
  return { report: { pages: pageSizes.length, pageSizes, listed: seen.length } };
});

if (created) {
  await step('signRequests.resendSignRequest', async () => {
    const answer = await client.signRequests.resendSignRequest(created.id);
    check(answer === undefined, 'no body');
    return { report: {} };
  });
  await step('other user: signRequests.getSignRequestById (404)', () =>
    expectApiError(() => other.signRequests.getSignRequestById(created.id), 404, 'not_found'));
  await step('other user: signRequests.cancelSignRequest (404)', () =>
    expectApiError(() => other.signRequests.cancelSignRequest(created.id), 404, 'not_found'));
  // Cancel another of the requests: cancelling the resent one at once would void its reminder mail still in the outbox.
  await step('signRequests.cancelSignRequest', async () => {
    check(extra.length > 0, 'a second request');
    const sr = await client.signRequests.cancelSignRequest(extra[0]);
    check(sr.id === extra[0] && sr.status === 'cancelled', `status cancelled (got ${sr.status})`);
    const again = await client.signRequests.getSignRequestById(extra[0]);
    check(again.status === 'cancelled', `read back cancelled (got ${again.status})`);
    ids.cancelled = sr.id;
    return { report: { id: sr.id, status: sr.status } };
  });
}
if (file) {
  await step('other user: files.getFileById (404)', () => expectApiError(() => other.files.getFileById(file.id), 404, 'not_found'));
}
await step('signRequests.getSignRequestById (missing: 404)', () =>
  expectApiError(() => client.signRequests.getSignRequestById('999999999'), 404, 'not_found'));

finish({ ids });
