#!/usr/bin/env bash
# Regenerates tests/fixtures/legacy/movies_gz and movies_plain: backups written by the Python
# PyPI package neo4j-backup 1.0.0 (the "legacy layout") from tests/fixtures/legacy/source.cypher.
#
# Needs python3 (with venv), java 17+ and the Neo4j 5.26 jars (NEO4J_LIB, a folder of jars).
# Starts its own throw-away Neo4j on NEO4J_PORT, installs the Python tool into a temporary venv,
# loads the graph, runs the Python Extractor twice (gzip with its default file size; plain JSON
# with a small file size so that the rows spread over several data files), then stops the server.
#
#   NEO4J_LIB=/path/to/jars scripts/make_legacy_fixture.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$repo/tests/fixtures/legacy"
lib="${NEO4J_LIB:-$HOME/.cache/neo4j-backup/neo4j-5.26.30/lib}"  # scripts/neo4j_server.ts fetch puts them there
port="${NEO4J_PORT:-17719}"
password="legacy-fixture-$$"
work="$(mktemp -d)"
server_pid=""

cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ -d "$lib" ]] || { echo "Cannot find the Neo4j jars in '$lib': set NEO4J_LIB" >&2; exit 1; }

python3 -m venv "$work/venv"
# neo4j 6.4.1 is the driver the committed fixtures were written with; byte arrays come back as
# bytes (older drivers: bytearray), which changes the text the tool writes for them.
"$work/venv/bin/pip" install --quiet "neo4j-backup==1.0.0" "neo4j==6.4.1"

mkfifo "$work/stdin"
java -Xmx512m --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Dio.netty.tryReflectionSetAccessible=true -cp "$lib/*" "$repo/scripts/neo4j/Launcher.java" \
  "$work/home" "$port" "$password" <"$work/stdin" >"$work/server.log" 2>&1 &
server_pid=$!
exec 3>"$work/stdin" # holds the server's stdin open until this script exits

for _ in $(seq 120); do
  grep -q '^READY' "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 1
done
grep -q '^READY' "$work/server.log" || { echo "Neo4j did not start" >&2; exit 1; }

# Fixed seeds: the temporary property key and the order of the metadata lists stay put.
PYTHONHASHSEED=0 "$work/venv/bin/python" - "bolt://127.0.0.1:$port" "$password" "$fixtures" <<'PY'
import random
import re
import sys
from pathlib import Path

from neo4j import GraphDatabase
from neo4j_backup import Extractor

uri, password, fixtures = sys.argv[1], sys.argv[2], Path(sys.argv[3])
text = (fixtures / "source.cypher").read_text(encoding="utf-8")
statements = [s.strip() for s in re.split(r";[ \t]*\n", text) if s.strip()]
statements = [s for s in statements if not all(l.startswith("//") for l in s.splitlines())]

driver = GraphDatabase.driver(uri, auth=("neo4j", password))
with driver.session(database="neo4j") as session:
    for statement in statements:
        session.run(statement, bytes=b"\x00\x01abc\xfe\xff").consume()

for name, compress, size in (("movies_gz", True, 0xFFFF), ("movies_plain", False, 600)):
    random.seed(0)
    Extractor(project_dir=fixtures / name, driver=driver, database="neo4j", input_yes=True,
              compress=compress, json_file_size=size).extract_data()
driver.close()
PY

echo "Wrote $fixtures/movies_gz and $fixtures/movies_plain"
