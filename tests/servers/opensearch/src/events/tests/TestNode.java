package events.tests;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch 2.x node with HTTP on 127.0.0.1, for the events tests only.
 *
 * Usage: java -cp 'classes:lib/*' events.tests.TestNode HOME_DIR HTTP_PORT CLUSTER_NAME
 *
 * The distribution's launcher loads the HTTP transport as a module from a plugins folder;
 * here the jars are on the classpath, so the node is built through Node's protected
 * constructor that takes classpath plugins, with the netty4 plugin (HTTP and transport).
 * The node runs until the process is killed; path.data under HOME_DIR survives a restart
 * (server.sh pause/resume).
 */
public final class TestNode extends Node {
    private TestNode(Environment environment, List<Class<? extends Plugin>> plugins) {
        super(environment, plugins, true);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TestNode HOME_DIR HTTP_PORT CLUSTER_NAME");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", args[2])
            .put("node.name", "events-test-node")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            // The transport port is never used from outside; any free one will do.
            .put("transport.port", "0")
            // Test machines are often nearly full: never turn indices read-only for that.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", false)
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> "events-test-node");
        TestNode node = new TestNode(environment, List.of(Netty4Plugin.class));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        System.err.println("TestNode: started on 127.0.0.1:" + args[1]);
        stopped.await();
    }
}
