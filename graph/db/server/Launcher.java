// LeadGraph's local Neo4j: a real Neo4j 5.26 Community server, embedded, with Bolt on loopback.
//
// Run as a single-file source program (no compile step):
//   java <jvm flags> -cp 'lib/*' Launcher.java --home DIR --port 7687 --password-file FILE
//        [--pagecache 2g] [--tx-memory 2g] [--plugins DIR]
//
// With --plugins (the Graph Data Science jars that `make gds` copies, also on the class path), the
// server loads the procedures of the jars in DIR and lets the gds.* ones run unrestricted, as a
// Neo4j installation does with its plugins folder and dbms.security.procedures.unrestricted.
//
// The first start of a fresh data folder runs once with Bolt closed to set the generated password
// of the `neo4j` user, so the server never answers Bolt with a default password. The process prints
// "LEADGRAPH READY bolt://127.0.0.1:PORT" when Bolt is open and shuts the database down cleanly on
// SIGTERM (through the JVM's shutdown hook).

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

public class Launcher {
    /** How much transaction log a store keeps after a checkpoint (see builder). */
    private static final String TX_LOG_RETENTION = "512M size";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path home = Path.of(require(options, "home")).toAbsolutePath();
        int port = Integer.parseInt(require(options, "port"));
        String password = Files.readString(Path.of(require(options, "password-file")), StandardCharsets.UTF_8).strip();
        long pageCache = parseBytes(options.getOrDefault("pagecache", "2g"));
        long txMemory = parseBytes(options.getOrDefault("tx-memory", "2g"));
        String plugins = options.get("plugins");

        Path marker = home.resolve("password-set");
        if (!Files.exists(marker)) {
            setInitialPassword(home, pageCache, password);
            Files.writeString(marker, "ok\n");
        }

        DatabaseManagementServiceBuilder started = builder(home, pageCache)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemory);
        if (plugins != null) {
            started.setConfig(GraphDatabaseSettings.plugin_dir, Path.of(plugins).toAbsolutePath())
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"));
        }
        DatabaseManagementService service = started.build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("LEADGRAPH STOPPING");
            service.shutdown();
            System.out.println("LEADGRAPH STOPPED");
            stopped.countDown();
        }, "leadgraph-shutdown"));

        System.out.println("LEADGRAPH READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * Settings shared by both starts: loopback only, auth on, sized memory, no usage reporting,
     * and transaction logs pruned at each checkpoint beyond TX_LOG_RETENTION. Neo4j's default
     * keeps two days of them: loading the 1M world left 26 GiB of logs beside an 8.6 GiB store.
     * Nothing here reads old transaction logs (Community has no online backup; the audit trail
     * is LeadGraph's own hash chain), and recovery needs only those since the last checkpoint.
     */
    private static DatabaseManagementServiceBuilder builder(Path home, long pageCache) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, TX_LOG_RETENTION);
    }

    /** Starts once with Bolt closed and sets the neo4j user's password through the system database. */
    private static void setInitialPassword(Path home, long pageCache, String password) {
        DatabaseManagementService service = builder(home, pageCache)
                .setConfig(BoltConnector.enabled, false)
                .build();
        try {
            service.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } finally {
            service.shutdown();
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    private static long parseBytes(String text) {
        String t = text.trim().toLowerCase();
        long number = Long.parseLong(t.replaceAll("[kmg]$", ""));
        if (t.endsWith("g")) return ByteUnit.gibiBytes(number);
        if (t.endsWith("m")) return ByteUnit.mebiBytes(number);
        if (t.endsWith("k")) return ByteUnit.kibiBytes(number);
        return number;
    }
}
