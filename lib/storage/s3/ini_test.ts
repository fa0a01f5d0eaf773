import { test } from "node:test";
import assert from "node:assert/strict";
import { parseIni } from "./ini.ts";

test("sections, keys, comments and nested keys are read as the AWS CLI reads them", () => {
  const ini = parseIni(
    "\uFEFF# comment\r\n[default]\r\nAWS_Access_Key_Id = AKID\r\n; another\r\n" +
      "aws_secret_access_key=abc/def+ghi # trailing comment\n\n" +
      "[profile minio]\nregion = us-east-1\ns3 =\n    endpoint_url = http://minio:9000\n" +
      "    addressing_style = path\noutput = json\n",
  );
  assert.deepEqual([...ini.keys()], ["default", "profile minio"]);
  assert.deepEqual(Object.fromEntries(ini.get("default")!), {
    aws_access_key_id: "AKID",
    aws_secret_access_key: "abc/def+ghi",
  });
  assert.deepEqual(Object.fromEntries(ini.get("profile minio")!), {
    region: "us-east-1",
    "s3.endpoint_url": "http://minio:9000",
    "s3.addressing_style": "path",
    output: "json",
  });
});

test("a section named twice gathers the keys of both and lines outside sections are ignored", () => {
  const ini = parseIni("stray = 1\n[a]\nx = 1\n[b]\ny = 2\n[a]\nz = 3\nnot a pair\n");
  assert.deepEqual(Object.fromEntries(ini.get("a")!), { x: "1", z: "3" });
  assert.deepEqual(Object.fromEntries(ini.get("b")!), { y: "2" });
});
