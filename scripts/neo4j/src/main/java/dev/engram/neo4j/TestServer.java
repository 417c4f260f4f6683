package dev.engram.neo4j;

import java.nio.file.Path;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Starts an embedded Neo4j with only the Bolt connector, on 127.0.0.1, for tests.
 * Usage: TestServer DATA_DIR PORT. Prints "ready" once Bolt accepts connections and
 * stops cleanly on SIGTERM.
 */
public final class TestServer {
  public static void main(String[] args) {
    Path home = Path.of(args.length > 0 ? args[0] : "neo4j-data");
    int port = Integer.parseInt(args.length > 1 ? args[1] : "7687");
    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            // Loopback only and thrown away after the run: no credentials to manage.
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
    System.out.println("ready bolt://127.0.0.1:" + port);
  }
}
