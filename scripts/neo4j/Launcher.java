// One-file launcher for an embedded Neo4j Community DBMS used by tests and demos.
// Run with: java -cp 'lib/*' Launcher.java HOME PORT PASSWORD [TLS_DIR]
// Prints "READY bolt://127.0.0.1:PORT" once Bolt accepts connections, then blocks
// until stdin closes or the process is signalled; the DBMS shuts down cleanly either way
// and its home (store, logs, config) is deleted, so a dead parent leaves nothing behind.
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public class Launcher {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]).toAbsolutePath();
    String port = args[1];
    String password = args[2];
    String tlsDir = args.length > 3 ? args[3] : "";

    Map<String, String> conf = new HashMap<>();
    conf.put("server.bolt.enabled", "true");
    conf.put("server.bolt.listen_address", "127.0.0.1:" + port);
    conf.put("server.bolt.advertised_address", "127.0.0.1:" + port);
    conf.put("server.http.enabled", "false");
    conf.put("server.https.enabled", "false");
    conf.put("dbms.security.auth_enabled", "true");
    conf.put("server.memory.pagecache.size", "64m");
    conf.put("db.tx_log.rotation.retention_policy", "keep_none");
    conf.put("db.tx_log.preallocate", "false");
    conf.put("dbms.usage_report.enabled", "false");
    if (!tlsDir.isEmpty()) {
      conf.put("server.bolt.tls_level", "REQUIRED");
      conf.put("dbms.ssl.policy.bolt.enabled", "true");
      conf.put("dbms.ssl.policy.bolt.base_directory", Path.of(tlsDir).toAbsolutePath().toString());
      conf.put("dbms.ssl.policy.bolt.private_key", "private.key");
      conf.put("dbms.ssl.policy.bolt.public_certificate", "public.crt");
      conf.put("dbms.ssl.policy.bolt.client_auth", "NONE");
    }
    Path confFile = home.resolve("neo4j.conf");
    java.nio.file.Files.createDirectories(home);
    StringBuilder text = new StringBuilder();
    conf.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    java.nio.file.Files.writeString(confFile, text.toString());

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(confFile).build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      dbms.shutdown();
      deleteTree(home);
    }));

    GraphDatabaseService system = dbms.database("system");
    system.executeTransactionally(
        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
    dbms.database("neo4j"); // fails fast if the default database did not start
    System.out.println("READY bolt://127.0.0.1:" + port);
    System.out.flush();

    // Block until the parent closes our stdin (it died or asked us to stop).
    InputStream in = System.in;
    while (in.read() != -1) { /* ignore input */ }
    System.exit(0);
  }

  private static void deleteTree(Path root) {
    try (var paths = java.nio.file.Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("Could not delete " + root + ": " + e.getMessage());
    }
  }
}
