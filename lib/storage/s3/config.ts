/**
 * Where requests go and how they are signed, from the conventional AWS settings: flags first,
 * then the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
 * `AWS_REGION`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `AWS_PROFILE`), then the profile in
 * `~/.aws/credentials` and `~/.aws/config`.
 *
 * Addressing: virtual-hosted (`https://BUCKET.s3.REGION.amazonaws.com/KEY`) on AWS, path-style
 * (`ENDPOINT/BUCKET/KEY`) on a custom endpoint, since MinIO, SeaweedFS, Ceph and most gateways
 * only route that way and R2, GCS and B2 accept it; `pathStyle` or the profile's
 * `s3 = addressing_style = path|virtual` decides otherwise.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../errors.ts";
import { env as processEnv } from "../../runtime/process.ts";
import { S3Credentials } from "./credentials.ts";
import { type IniFile, parseIni } from "./ini.ts";

/** Settings given on the command line; each wins over the environment and the profile. */
export interface S3Settings {
  /** The region, e.g. `eu-west-1` (`auto` for R2). */
  region?: string;
  /** The endpoint of an S3-compatible service, e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Path-style addressing (true) or virtual-hosted (false); see the module's notes. */
  pathStyle?: boolean;
  /** A profile of `~/.aws/config` and `~/.aws/credentials`, instead of `AWS_PROFILE`. */
  profile?: string;
}

/** Where settings are read from; the process's own when omitted (tests give their own). */
export interface S3ConfigSources {
  /** Reads an environment variable. */
  env?: (name: string) => string | undefined;
  /** Reads a text file; undefined when it does not exist. */
  readText?: (path: string) => Promise<string | undefined>;
  /** The home folder holding `.aws/`. */
  home?: string;
}

/** A resolved configuration. */
export interface S3Config {
  /** The signing region. */
  region: string;
  /** The service's base URL without a trailing slash, e.g. `https://s3.us-east-1.amazonaws.com`. */
  endpoint: string;
  /** Whether to address buckets path-style. */
  pathStyle: boolean;
  /** The credentials; undefined sends unsigned requests (public buckets). */
  credentials?: S3Credentials;
}

/** The region when none is configured, as the AWS tools default. */
export const DEFAULT_REGION = "us-east-1";

/**
 * Resolves the configuration.
 *
 * @param settings Flags, which win.
 * @param sources Where to read the environment and files.
 * @returns The configuration.
 * @throws {UsageError} When a named profile is missing, only half a key pair is set, the
 *   endpoint is not an http(s) URL, or the profile gets credentials in a way this tool does not
 *   run (SSO, a process, a role).
 *
 * @example A custom endpoint from the environment
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveS3Config } from "./config.ts";
 * const vars: Record<string, string> = {
 *   AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
 *   AWS_SECRET_ACCESS_KEY: "secret",
 *   AWS_ENDPOINT_URL_S3: "http://127.0.0.1:8333/",
 * };
 * const config = await resolveS3Config({}, {
 *   env: (name) => vars[name],
 *   readText: () => Promise.resolve(undefined),
 * });
 * assert.equal(config.endpoint, "http://127.0.0.1:8333");
 * assert.equal(config.pathStyle, true);
 * assert.equal(config.region, "us-east-1");
 * ```
 */
export async function resolveS3Config(
  settings: S3Settings = {},
  sources: S3ConfigSources = {},
): Promise<S3Config> {
  const env = (name: string) => {
    const value = (sources.env ?? processEnv)(name);
    return value === undefined || value === "" ? undefined : value;
  };
  const readText = sources.readText ?? readTextFile;
  const home = sources.home ?? homedir();
  const named = settings.profile ?? env("AWS_PROFILE");
  const profileName = named ?? "default";
  const credentialsPath = env("AWS_SHARED_CREDENTIALS_FILE") ?? join(home, ".aws", "credentials");
  const configPath = env("AWS_CONFIG_FILE") ?? join(home, ".aws", "config");
  const credentialsFile = parseIni(await readText(credentialsPath) ?? "");
  const configFile = parseIni(await readText(configPath) ?? "");
  const profile = profileOf(profileName, credentialsFile, configFile);
  if (named && !profile) {
    throw new UsageError(
      `Profile '${named}' is in neither '${credentialsPath}' nor '${configPath}': name an existing profile with AWS_PROFILE, or unset it`,
    );
  }
  const setting = (key: string) => profile?.get(key) || undefined;

  const endpoint = endpointOf(settings, env, setting);
  const style = setting("s3.addressing_style");
  const region = settings.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ??
    setting("region") ?? DEFAULT_REGION;
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new UsageError(`Region '${region}' is not a region name: write it as e.g. 'eu-west-1'`);
  }
  return {
    region,
    endpoint: endpoint ?? `https://s3.${region}.amazonaws.com`,
    pathStyle: settings.pathStyle ??
      (style === "path" ? true : style === "virtual" ? false : endpoint !== undefined),
    credentials: credentialsOf(settings, env, setting, profileName),
  };
}

/** The profile's keys: the credentials file's section over the config file's. */
function profileOf(
  name: string,
  credentialsFile: IniFile,
  configFile: IniFile,
): Map<string, string> | undefined {
  const fromCredentials = credentialsFile.get(name);
  const fromConfig = configFile.get(name === "default" ? "default" : `profile ${name}`) ??
    (name === "default" ? configFile.get("profile default") : undefined);
  if (!fromCredentials && !fromConfig) return undefined;
  return new Map([...fromConfig ?? [], ...fromCredentials ?? []]);
}

function endpointOf(
  settings: S3Settings,
  env: (name: string) => string | undefined,
  setting: (key: string) => string | undefined,
): string | undefined {
  const ignoreConfigured = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") === "true";
  const [value, source] = settings.endpoint !== undefined
    ? [settings.endpoint, "The endpoint"]
    : ignoreConfigured
    ? [undefined, ""]
    : env("AWS_ENDPOINT_URL_S3") !== undefined
    ? [env("AWS_ENDPOINT_URL_S3"), "AWS_ENDPOINT_URL_S3"]
    : env("AWS_ENDPOINT_URL") !== undefined
    ? [env("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"]
    : [setting("s3.endpoint_url") ?? setting("endpoint_url"), "The profile's endpoint_url"];
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL("invalid:");
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash) {
    throw new UsageError(
      `${source} '${value}' is not an http(s) URL: write it as e.g. 'https://s3.example.com'`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

const UNSUPPORTED_SOURCES = [
  "credential_process",
  "sso_session",
  "sso_start_url",
  "role_arn",
  "web_identity_token_file",
];

function credentialsOf(
  settings: S3Settings,
  env: (name: string) => string | undefined,
  setting: (key: string) => string | undefined,
  profileName: string,
): S3Credentials | undefined {
  const fromEnv = settings.profile === undefined &&
    (env("AWS_ACCESS_KEY_ID") !== undefined || env("AWS_SECRET_ACCESS_KEY") !== undefined);
  if (fromEnv) {
    const id = env("AWS_ACCESS_KEY_ID");
    const secret = env("AWS_SECRET_ACCESS_KEY");
    if (id === undefined || secret === undefined) {
      const [set, unset] = id === undefined
        ? ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"]
        : ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
      throw new UsageError(`${set} is set but ${unset} is not: set both, or neither`);
    }
    return new S3Credentials(id, secret, env("AWS_SESSION_TOKEN"));
  }
  const id = setting("aws_access_key_id");
  const secret = setting("aws_secret_access_key");
  if (id !== undefined && secret !== undefined) {
    return new S3Credentials(id, secret, setting("aws_session_token"));
  }
  if (id !== undefined || secret !== undefined) {
    throw new UsageError(
      `Profile '${profileName}' has only one of aws_access_key_id and aws_secret_access_key: add the other`,
    );
  }
  const other = UNSUPPORTED_SOURCES.find((key) => setting(key) !== undefined);
  if (other) {
    throw new UsageError(
      `Profile '${profileName}' gets its credentials through '${other}', which neo4j-backup does not run: export them first, e.g. eval "$(aws configure export-credentials --format env)"`,
    );
  }
  if (env("AWS_WEB_IDENTITY_TOKEN_FILE") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    throw new UsageError(
      `The environment offers role credentials (web identity or container), which neo4j-backup does not fetch: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  return undefined;
}

async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}
