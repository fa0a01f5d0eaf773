/**
 * The Python peers of the peers benchmark, driven as their READMEs show, by small programs run
 * with the interpreter of {@link peersPythonEnv} (scripts/python_env.ts): the `neo4j-backup`
 * 1.0.0 `Extractor` / `Importer` (default settings, prompts answered yes) and `neo4j-transfer`
 * 0.2.0's `transfer` (default `TransferSpec`: every label and type). The password comes from
 * `NEO4J_PASSWORD` (and `TARGET_PASSWORD` for the transfer's target), never argv.
 *
 * @module
 */

import { peersPythonEnv, type PythonEnv } from "../scripts/python_env.ts";

/** `python -c BACKUP_EXPORT URI DIR`: the Python `neo4j-backup` extractor. */
export const BACKUP_EXPORT = `
import os, sys
from neo4j import GraphDatabase
from neo4j_backup import Extractor
uri, project = sys.argv[1:3]
driver = GraphDatabase.driver(uri, auth=("neo4j", os.environ["NEO4J_PASSWORD"]))
Extractor(project_dir=project, driver=driver, database="neo4j", input_yes=True).extract_data()
driver.close()
`;

/** `python -c BACKUP_IMPORT URI DIR`: the Python `neo4j-backup` importer. */
export const BACKUP_IMPORT = `
import os, sys
from neo4j import GraphDatabase
from neo4j_backup import Importer
uri, project = sys.argv[1:3]
driver = GraphDatabase.driver(uri, auth=("neo4j", os.environ["NEO4J_PASSWORD"]))
Importer(project_dir=project, driver=driver, database="neo4j", input_yes=True).import_data()
driver.close()
`;

/** `python -c TRANSFER SOURCE_URI TARGET_URI`: `neo4j-transfer` from one server to another. */
export const TRANSFER = `
import json, os, sys
from neo4j_transfer import Neo4jCredentials, TransferSpec, transfer
source, target = sys.argv[1:3]
result = transfer(
    Neo4jCredentials(uri=source, password=os.environ["NEO4J_PASSWORD"]),
    Neo4jCredentials(uri=target, password=os.environ["TARGET_PASSWORD"]),
    TransferSpec(node_labels=[]),
)
print(json.dumps({"nodes": result.nodes_created, "relationships": result.relationships_created}))
`;

/** The peers' Python, installing its environment when missing; `undefined` when it cannot. */
export function peersPython(): PythonEnv | undefined {
  try {
    return peersPythonEnv(true);
  } catch {
    return undefined;
  }
}
