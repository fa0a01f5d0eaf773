import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../../errors.ts";
import { resolveS3Config, type S3Settings } from "./config.ts";

const HOME = "/home/u";

/** Resolves with these variables and these files (by path) and nothing else. */
function resolve(
  vars: Record<string, string>,
  files: Record<string, string> = {},
  settings: S3Settings = {},
) {
  return resolveS3Config(settings, {
    env: (name) => vars[name],
    readText: (path) => Promise.resolve(files[path]),
    home: HOME,
  });
}

const CREDENTIALS = `${HOME}/.aws/credentials`;
const CONFIG = `${HOME}/.aws/config`;

test("keys from the environment sign requests to AWS with virtual-hosted addressing", async () => {
  const c = await resolve({
    AWS_ACCESS_KEY_ID: "AKIDENV",
    AWS_SECRET_ACCESS_KEY: "env-secret",
    AWS_SESSION_TOKEN: "env-token",
    AWS_REGION: "eu-west-1",
  });
  assert.equal(c.credentials?.accessKeyId, "AKIDENV");
  assert.equal(c.credentials?.sessionToken, "env-token");
  assert.equal(c.region, "eu-west-1");
  assert.equal(c.endpoint, "https://s3.eu-west-1.amazonaws.com");
  assert.equal(c.pathStyle, false);
});

test("the region defaults to us-east-1 and AWS_DEFAULT_REGION is read too", async () => {
  assert.equal((await resolve({})).region, "us-east-1");
  assert.equal((await resolve({ AWS_DEFAULT_REGION: "ap-south-1" })).region, "ap-south-1");
  assert.equal(
    (await resolve({ AWS_DEFAULT_REGION: "ap-south-1", AWS_REGION: "eu-north-1" })).region,
    "eu-north-1",
  );
});

test("AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL and makes addressing path-style", async () => {
  const c = await resolve({
    AWS_ENDPOINT_URL: "https://general.example.com",
    AWS_ENDPOINT_URL_S3: "https://s3.example.com/",
  });
  assert.equal(c.endpoint, "https://s3.example.com");
  assert.equal(c.pathStyle, true);
  assert.equal(
    (await resolve({ AWS_ENDPOINT_URL: "http://minio:9000" })).endpoint,
    "http://minio:9000",
  );
});

test("flags win over the environment", async () => {
  const c = await resolve(
    { AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_S3: "http://a:1" },
    {},
    { region: "auto", endpoint: "https://acc.r2.cloudflarestorage.com", pathStyle: false },
  );
  assert.equal(c.region, "auto");
  assert.equal(c.endpoint, "https://acc.r2.cloudflarestorage.com");
  assert.equal(c.pathStyle, false);
});

test("the default profile is read from the credentials and config files", async () => {
  const c = await resolve({}, {
    [CREDENTIALS]: "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n",
    [CONFIG]: "[default]\nregion = eu-central-1\n",
  });
  assert.equal(c.credentials?.accessKeyId, "AKIDFILE");
  assert.equal(c.region, "eu-central-1");
});

test("AWS_PROFILE names a profile, found as [profile x] in the config file", async () => {
  const c = await resolve({ AWS_PROFILE: "r2" }, {
    [CREDENTIALS]: "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = s\n" +
      "[r2]\naws_access_key_id = AKIDR2\naws_secret_access_key = r2-secret\n",
    [CONFIG]: "[profile r2]\nregion = auto\nendpoint_url = https://acc.r2.cloudflarestorage.com\n",
  });
  assert.equal(c.credentials?.accessKeyId, "AKIDR2");
  assert.equal(c.region, "auto");
  assert.equal(c.endpoint, "https://acc.r2.cloudflarestorage.com");
  assert.equal(c.pathStyle, true);
});

test("keys in the environment win over the profile's, and a profile flag wins over them", async () => {
  const files = {
    [CREDENTIALS]: "[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = w\n",
  };
  const vars = { AWS_PROFILE: "work", AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "e" };
  assert.equal((await resolve(vars, files)).credentials?.accessKeyId, "AKIDENV");
  assert.equal(
    (await resolve(vars, files, { profile: "work" })).credentials?.accessKeyId,
    "AKIDWORK",
  );
});

test("the profile's nested s3 settings give the endpoint and the addressing style", async () => {
  const c = await resolve({ AWS_PROFILE: "gcs" }, {
    [CONFIG]: "[profile gcs]\ns3 =\n  endpoint_url = https://storage.googleapis.com\n" +
      "  addressing_style = virtual\nregion = auto\n",
  });
  assert.equal(c.endpoint, "https://storage.googleapis.com");
  assert.equal(c.pathStyle, false);
  assert.equal(c.region, "auto");
});

test("other files are read when AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE name them", async () => {
  const c = await resolve(
    { AWS_SHARED_CREDENTIALS_FILE: "/etc/creds", AWS_CONFIG_FILE: "/etc/conf" },
    {
      "/etc/creds": "[default]\naws_access_key_id = AKIDETC\naws_secret_access_key = s\n",
      "/etc/conf": "[default]\nregion = sa-east-1\n",
    },
  );
  assert.equal(c.credentials?.accessKeyId, "AKIDETC");
  assert.equal(c.region, "sa-east-1");
});

test("no credentials anywhere means unsigned requests", async () => {
  assert.equal((await resolve({})).credentials, undefined);
});

test("configured endpoints are ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true", async () => {
  const c = await resolve({
    AWS_ENDPOINT_URL_S3: "http://a:1",
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
  });
  assert.equal(c.endpoint, "https://s3.us-east-1.amazonaws.com");
});

test("mistakes in the settings are usage errors that say what to change", async () => {
  const cases: [Record<string, string>, Record<string, string>, RegExp][] = [
    [
      { AWS_PROFILE: "nope" },
      {},
      /^Profile 'nope' is in neither '\/home\/u\/.aws\/credentials' nor/,
    ],
    [
      { AWS_ACCESS_KEY_ID: "AKID" },
      {},
      /^AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not/,
    ],
    [
      { AWS_SECRET_ACCESS_KEY: "s" },
      {},
      /^AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not/,
    ],
    [
      { AWS_ENDPOINT_URL_S3: "s3.example.com" },
      {},
      /^AWS_ENDPOINT_URL_S3 's3.example.com' is not an http\(s\) URL/,
    ],
    [{ AWS_REGION: "eu west" }, {}, /^Region 'eu west' is not a region name/],
    [
      { AWS_PROFILE: "sso" },
      { [CONFIG]: "[profile sso]\nsso_session = corp\n" },
      /through 'sso_session'/,
    ],
    [{ AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" }, {}, /web identity or container/],
    [{}, { [CREDENTIALS]: "[default]\naws_access_key_id = AKID\n" }, /has only one of/],
  ];
  for (const [vars, files, message] of cases) {
    await assert.rejects(resolve(vars, files), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
});

test("no error about the configuration shows a secret", async () => {
  const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  await assert.rejects(
    resolve({}, { [CREDENTIALS]: `[default]\naws_secret_access_key = ${secret}\n` }),
    (e: unknown) => !String(e).includes(secret) && !(e as Error).message.includes(secret),
  );
  const c = await resolve({ AWS_ACCESS_KEY_ID: "AKIDX", AWS_SECRET_ACCESS_KEY: secret });
  assert.equal(JSON.stringify(c).includes(secret), false);
});
