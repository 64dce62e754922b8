package dev.para.dispatch.testing;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock Kubernetes API server (CRUD mode) as a process of its own, as a cluster's API
 * server is to the replicas of the service: {@link #start()} launches it with the test classpath
 * and reads its URL; {@link #main} is that process.
 */
public final class MockApiServer implements AutoCloseable {

    private static final String READY = "mock API server at ";

    public final String url;
    private final Process process;
    private NamespacedKubernetesClient client;

    private MockApiServer(String url, Process process) {
        this.url = url;
        this.process = process;
    }

    /** Starts the server as a process on a free loopback port. */
    public static MockApiServer start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                        java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), MockApiServer.class.getName())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Process process = builder.start();
            BufferedReader out = process.inputReader();
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(READY)) {
                    String url = line.substring(READY.length()).strip();
                    Thread drain = new Thread(
                            () -> {
                                try {
                                    out.lines().forEach(l -> {});
                                } catch (UncheckedIOException ignored) {
                                    // the server is gone
                                }
                            },
                            "mock-api-server-output");
                    drain.setDaemon(true);
                    drain.start();
                    return new MockApiServer(url, process);
                }
            }
            throw new IllegalStateException("the mock API server ended before it was ready");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client of the server, in the namespace sessions run in. */
    public synchronized NamespacedKubernetesClient client() {
        if (client == null) {
            client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                    .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                            .withMasterUrl(url)
                            .withTrustCerts(true)
                            .withNamespace(KubernetesMock.NAMESPACE)
                            .build())
                    .build()
                    .adapt(NamespacedKubernetesClient.class);
        }
        return client;
    }

    @Override
    public void close() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The server process: runs until its standard input closes (its parent went away) or it is killed. */
    public static void main(String[] args) throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(
                new io.fabric8.mockwebserver.Context(),
                new MockWebServer(),
                responses,
                new KubernetesMixedDispatcher(responses),
                false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        System.out.println(READY + server.url("/"));
        System.out.flush();
        while (System.in.read() != -1) {
            // nothing is sent; end of input means the test JVM is gone
        }
        server.destroy();
    }
}
