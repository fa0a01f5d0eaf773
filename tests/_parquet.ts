/**
 * The real consumers of `convert --to parquet`, as Python programs run in the cached environment
 * of scripts/python_env.ts (`parquetPythonEnv`): DuckDB, PySpark in local mode, and the embedded
 * graph database ladybug (Kuzu's maintained fork). Each reads `manifest.json` as a user would and
 * prints one JSON document; the tests compare it with the source.
 *
 * @module
 */

/**
 * DuckDB: every file's column types as DuckDB declares them and its row count; then, for the
 * rows picked by `argv[2]` (a JSON list of `[file, column, value]`), every column as an exact
 * value: integers and nanosecond counts as text, floats as Python's `repr`, bytes as hex,
 * structs and lists element by element.
 */
export const DUCKDB_READ = `
import duckdb, json, sys, os
folder, picks = sys.argv[1], json.loads(sys.argv[2])
manifest = json.load(open(os.path.join(folder, "manifest.json")))
con = duckdb.connect()
def q(name): return '"' + name.replace('"', '""') + '"'
def exact(expr, t):
    if t.startswith("LIST<"):
        inner = t[5:-1]
        return "list_transform(%s, lambda x: %s)" % (expr, exact("x", inner))
    if t == "INT64": return "CAST(%s AS VARCHAR)" % expr
    if t.startswith("TIME") : return "CAST(epoch_ns(%s) AS VARCHAR)" % expr
    if t == "BINARY": return "hex(%s)" % expr
    if t == "DATE": return "CAST(%s AS VARCHAR)" % expr
    if t.startswith("STRUCT(months"):
        return "struct_pack(months := CAST(%s.months AS VARCHAR), days := CAST(%s.days AS VARCHAR), seconds := CAST(%s.seconds AS VARCHAR), nanoseconds := %s.nanoseconds)" % (expr, expr, expr, expr)
    return expr
def plain(v):
    if isinstance(v, float): return ["float", repr(v)]
    if isinstance(v, list): return [plain(x) for x in v]
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
    return v
files = {}
for entry in manifest["nodes"] + manifest["relationships"]:
    path = os.path.join(folder, entry["file"])
    described = con.sql("DESCRIBE SELECT * FROM read_parquet(?)", params=[path]).fetchall()
    count = con.sql("SELECT count(*) FROM read_parquet(?)", params=[path]).fetchall()[0][0]
    files[entry["file"]] = {"types": [[r[0], r[1]] for r in described], "rows": count}
rows = []
for file, column, value in picks:
    entry = next(e for e in manifest["nodes"] + manifest["relationships"] if e["file"] == file)
    path = os.path.join(folder, file)
    exprs = ", ".join(exact(q(c["name"]), c["parquetType"]) + " AS " + q(c["name"]) for c in entry["columns"])
    found = con.sql("SELECT %s FROM read_parquet(?) WHERE %s = ?" % (exprs, q(column)), params=[path, value])
    names = [d[0] for d in found.description]
    rows.append([{n: plain(v) for n, v in zip(names, r)} for r in found.fetchall()])
print(json.dumps({"files": files, "rows": rows}))
`;

/**
 * PySpark (local mode, one JVM): reads the `nodes/` and `relationships/` folders as Spark reads a
 * data set, joins every relationship to its start and end node, and counts the relationships per
 * (start labels, type, end labels) pattern; also reads one whole file with every type to show
 * Spark's schema. `argv[2]` names that file.
 */
export const SPARK_PATTERNS = `
import json, sys, os
from pyspark.sql import SparkSession, functions as F
folder, typed = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(folder, "manifest.json")))
spark = (SparkSession.builder.master("local[1]").appName("neo4j-backup-parquet-test")
    .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.driver.memory", "512m")
    .config("spark.sql.timeType.enabled", "true")
    .config("spark.sql.legacy.parquet.nanosAsLong", "true").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
labels = spark.createDataFrame([(os.path.basename(e["file"]), json.dumps(sorted(e["labels"]))) for e in manifest["nodes"]], "file STRING, labels STRING")
types = spark.createDataFrame([(os.path.basename(e["file"]), e["type"]) for e in manifest["relationships"]], "file STRING, type STRING")
base = lambda c: F.element_at(F.split(c, "/"), -1)
nodes = (spark.read.schema("id BIGINT").parquet(os.path.join(folder, "nodes"))
    .withColumn("file", base(F.input_file_name())).join(labels, "file").select("id", "labels"))
rels = (spark.read.schema("start BIGINT, end BIGINT").parquet(os.path.join(folder, "relationships"))
    .withColumn("file", base(F.input_file_name())).join(types, "file").select("start", "end", "type"))
a, b = nodes.alias("a"), nodes.alias("b")
joined = rels.join(a, F.col("start") == F.col("a.id")).join(b, F.col("end") == F.col("b.id"))
patterns = joined.groupBy(F.col("a.labels").alias("s"), "type", F.col("b.labels").alias("e")).count().collect()
whole = spark.read.parquet(os.path.join(folder, typed))
print(json.dumps({
  "patterns": sorted([[json.loads(r["s"]), r["type"], json.loads(r["e"]), r["count"]] for r in patterns]),
  "nodes": nodes.count(), "relationships": rels.count(),
  "typed": {"rows": whole.count(), "schema": [[f.name, f.dataType.simpleString()] for f in whole.schema.fields]},
}))
spark.stop()
`;

/**
 * ladybug: declares one node table per node file and one relationship table per relationship
 * file (with a FROM/TO pair per endpoint entry of the manifest), loads each with `COPY FROM` the
 * Parquet file, and reports the counts per table and the columns of the rows picked by `argv[3]`
 * (a JSON list of `[table, property, value]`). `argv[2]` is the database file to create.
 */
export const LADYBUG_LOAD = `
import json, sys, os
import ladybug
folder, dbfile, picks = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
manifest = json.load(open(os.path.join(folder, "manifest.json")))
con = ladybug.Connection(ladybug.Database(dbfile))
def run(query):
    result = con.execute(query)
    out = []
    while result.has_next(): out.append(result.get_next())
    return out
def q(name): return "\`" + name.replace("\`", "\`\`") + "\`"
def lit(text): return "'" + text.replace("\\\\", "\\\\\\\\").replace("'", "\\\\'") + "'"
def kuzu(t):
    if t.startswith("LIST<"): return kuzu(t[5:-1]) + "[]"
    if t.startswith("STRUCT("): return t
    return {"INT64": "INT64", "DOUBLE": "DOUBLE", "STRING": "STRING", "BOOLEAN": "BOOLEAN",
            "BINARY": "BLOB", "DATE": "DATE"}.get(t, "INT64")  # TIME and TIMESTAMP(NANOS): ladybug reads the nanoseconds as INT64
def columns(entry, skip=()):
    return [q(c["name"]) + " " + kuzu(c["parquetType"]) for c in entry["columns"] if c["name"] not in skip]
for entry in manifest["nodes"]:
    run("CREATE NODE TABLE %s(%s, PRIMARY KEY(id))" % (q(entry["table"]), ", ".join(columns(entry))))
    run("COPY %s FROM %s" % (q(entry["table"]), lit(os.path.join(folder, entry["file"]))))
for entry in manifest["relationships"]:
    pairs = [p for p in entry["endpoints"] if p["start"] and p["end"]]
    ddl = ", ".join(["FROM %s TO %s" % (q(p["start"]), q(p["end"])) for p in pairs] + columns(entry, ("start", "end")))
    run("CREATE REL TABLE %s(%s)" % (q(entry["table"]), ddl))
    names = ["start", "end"] + [c["name"] for c in entry["columns"] if c["name"] not in ("start", "end")]
    source = "LOAD FROM %s RETURN %s" % (lit(os.path.join(folder, entry["file"])), ", ".join(q(n) for n in names))
    for p in pairs:
        run("COPY %s FROM (%s) (from=%s, to=%s, ignore_errors=true)" % (q(entry["table"]), source, lit(p["start"]), lit(p["end"])))
counts = {}
for entry in manifest["nodes"]:
    counts[entry["table"]] = run("MATCH (n:%s) RETURN count(*)" % q(entry["table"]))[0][0]
for entry in manifest["relationships"]:
    counts[entry["table"]] = run("MATCH ()-[r:%s]->() RETURN count(*)" % q(entry["table"]))[0][0]
def plain(v):
    if isinstance(v, float): return ["float", repr(v)]
    if isinstance(v, (bytes, bytearray)): return ["bytes", v.hex().upper()]
    if isinstance(v, list): return [plain(x) for x in v]
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items() if not k.startswith("_")}
    if hasattr(v, "isoformat"): return v.isoformat()
    if isinstance(v, int) and abs(v) > 2**53: return str(v)
    return v
samples = []
for table, key, value in picks:
    found = run("MATCH (n:%s) WHERE n.%s = %s RETURN n" % (q(table), q(key), lit(value)))
    samples.append([plain(r[0]) for r in found])
print(json.dumps({"counts": counts, "samples": samples}))
`;
