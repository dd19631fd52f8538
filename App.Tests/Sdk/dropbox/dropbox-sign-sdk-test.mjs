// Dropbox Sign's official Node SDK (@dropbox/sign, pinned in package-lock.json), unchanged, against ESignWeb's /v3.
// Run by App.Tests/E2E/DropboxSignSdkTests: only basePath (<app>/v3) and username (an ESignWeb API key) are set.
// Prints one JSON line: {"steps": {"<call>": {"ok": bool, ...}}}; each step's fields are what the SDK parsed.
import * as DropboxSign from "@dropbox/sign";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const steps = {};

function api(key) {
  const reports = new DropboxSign.ReportApi();
  reports.basePath = env("DS_BASE_URL").replace(/\/$/, "") + "/v3";
  reports.username = key;
  return reports;
}

async function step(name, fn) {
  try {
    steps[name] = { ok: true, ...(await fn()) };
  } catch (e) {
    steps[name] = { ok: false, error: String(e?.message ?? e), status: e?.statusCode, body: e?.body ?? null };
  }
}

const start = env("DS_START"), end = env("DS_END");

await step("reportApi.reportCreate", async () => {
  const request = new DropboxSign.ReportCreateRequest();
  request.startDate = start;
  request.endDate = end;
  request.reportType = [
    DropboxSign.ReportCreateRequest.ReportTypeEnum.UserActivity,
    DropboxSign.ReportCreateRequest.ReportTypeEnum.DocumentStatus,
  ];
  const { response, body } = await api(env("DS_KEY")).reportCreate(request);
  if (!(body instanceof DropboxSign.ReportCreateResponse)) throw new Error("the SDK did not parse a ReportCreateResponse");
  return {
    status: response.status,
    success: body.report.success,
    startDate: body.report.startDate,
    endDate: body.report.endDate,
    reportType: body.report.reportType,
    warnings: body.warnings ?? null,
    rateLimit: response.headers["x-ratelimit-limit"] ?? null,
    rateRemaining: response.headers["x-ratelimit-remaining"] ?? null,
    rateReset: response.headers["x-ratelimit-reset"] ?? null,
  };
});

await step("reportApi.reportCreate (bad start_date)", async () => {
  const request = DropboxSign.ReportCreateRequest.init({
    start_date: "2020-09-01", end_date: end, report_type: ["user_activity"],
  });
  try {
    await api(env("DS_KEY")).reportCreate(request);
  } catch (e) {
    if (!(e instanceof DropboxSign.HttpError)) throw e;
    const error = e.body?.error;
    return {
      threw: true, status: e.statusCode,
      parsed: e.body instanceof DropboxSign.ErrorResponse,
      errorName: error?.errorName, errorPath: error?.errorPath, errorMsg: error?.errorMsg,
    };
  }
  throw new Error("reportCreate with a bad start_date did not throw");
});

console.log(JSON.stringify({ steps }));
process.exit(Object.values(steps).every((s) => s.ok) ? 0 : 1);
