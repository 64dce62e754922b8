package dev.para.dispatch.kubernetes;

import dev.para.dispatch.LogFields;
import dev.para.dispatch.Redactor;
import io.quarkus.logging.Log;
import io.quarkus.vertx.VertxContextSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Sessions as local processes, for a laptop without a cluster: each instance runs the same
 * entrypoint with {@code /bin/sh}, in a directory of its own, with the same inputs a pod gets (the
 * session files and the environment of the Job). What a pod's status would say, the process's
 * exit code and termination file say, and go to the same {@link InstanceObserver}.
 */
public class LocalSessionRuntime implements SessionRuntime {

    private final Path root;
    private final SessionJobBuilder builder;
    private final Supplier<InstanceObserver> observer;
    private final Map<UUID, Map<Integer, Process>> running = new ConcurrentHashMap<>();

    public LocalSessionRuntime(Path root, KubernetesConfig config, Supplier<InstanceObserver> observer) {
        this.root = root;
        this.builder = new SessionJobBuilder(config);
        this.observer = observer;
    }

    @Override
    public String launch(SessionLaunch launch, CompletionStage<String> token) {
        String name = SessionJobBuilder.jobName(launch.sessionId());
        if (running.containsKey(launch.sessionId())) {
            return name; // launched already: a retry finds it
        }
        try {
            Path session = Files.createDirectories(root.resolve(name).resolve("session"));
            Path entrypoint = root.resolve(name).resolve("entrypoint.sh");
            Files.writeString(entrypoint, KubernetesSessionRuntime.entrypointScript());
            write(session.resolve(SessionJobBuilder.TOKEN_KEY), KubernetesSessionRuntime.await(token));
            write(session.resolve(SessionJobBuilder.PROMPT_KEY), launch.prompt());
            for (Map.Entry<String, String> file : launch.agentCredentials().entrySet()) {
                write(session.resolve(file.getKey()), file.getValue());
            }
            Map<Integer, Process> processes = new ConcurrentHashMap<>();
            running.put(launch.sessionId(), processes);
            var container = builder.job(launch, "local")
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0);
            for (int index = 1; index <= launch.instances(); index++) {
                Path dir = Files.createDirectories(root.resolve(name).resolve("instance-" + index));
                Path termination = dir.resolve("termination-log");
                ProcessBuilder pb = new ProcessBuilder("/bin/sh", entrypoint.toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("log").toFile());
                container.getEnv().forEach(e -> pb.environment().put(e.getName(), e.getValue()));
                pb.environment().put("PARA_SESSION_DIR", session.toString());
                pb.environment()
                        .put(
                                "PARA_WORKSPACE",
                                Files.createDirectories(dir.resolve("workspace"))
                                        .toString());
                pb.environment().put("PARA_TERMINATION_LOG", termination.toString());
                pb.environment().put("JOB_COMPLETION_INDEX", String.valueOf(index - 1));
                Process process = pb.start();
                processes.put(index, process);
                follow(launch.sessionId(), index, podName(launch.sessionId(), index), process, termination);
            }
            try (LogFields ignored = LogFields.session(launch.sessionId())) {
                Log.infof("Session %s runs locally under %s", launch.sessionId(), root.resolve(name));
            }
            return name;
        } catch (IOException e) {
            throw new SessionRuntimeException(
                    "Could not start the session locally: " + Redactor.describe(e), false, null);
        }
    }

    @Override
    public void replaceToken(UUID sessionId, String token) {
        try {
            write(
                    root.resolve(SessionJobBuilder.jobName(sessionId))
                            .resolve("session")
                            .resolve(SessionJobBuilder.TOKEN_KEY),
                    token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop(UUID sessionId) {
        Map<Integer, Process> processes = running.remove(sessionId);
        if (processes != null) {
            processes.values().forEach(p -> p.descendants().forEach(ProcessHandle::destroy));
            processes.values().forEach(Process::destroy);
        }
    }

    @Override
    public InputStream log(String podName, boolean follow) {
        // podName is "para-<session>-<index>": the instance's directory
        int dash = podName.lastIndexOf('-');
        Path log = root.resolve(podName.substring(0, dash))
                .resolve("instance-" + podName.substring(dash + 1))
                .resolve("log");
        try {
            return Files.newInputStream(log);
        } catch (IOException e) {
            throw new SessionRuntimeException("No local log for " + podName, false, null);
        }
    }

    static String podName(UUID sessionId, int index) {
        return SessionJobBuilder.jobName(sessionId) + "-" + index;
    }

    /** Reports the process as a pod would be reported: running now, then its end. */
    private void follow(UUID sessionId, int index, String name, Process process, Path termination) {
        report(new InstanceObservation(sessionId, index, name, InstanceObservation.Phase.RUNNING, null, null, null));
        process.onExit().thenAccept(ended -> {
            String message = null;
            try {
                message = Files.exists(termination) ? Files.readString(termination) : null;
            } catch (IOException e) {
                Log.debugf("No termination message for %s", name);
            }
            report(PodStatusReader.exited(sessionId, index, name, ended.exitValue(), message));
        });
    }

    private void report(InstanceObservation o) {
        try {
            VertxContextSupport.subscribeAndAwait(() -> observer.get().observed(o));
        } catch (Throwable e) {
            try (LogFields ignored = LogFields.session(o.sessionId())) {
                Log.warnf("Could not record a change of local session %s: %s", o.sessionId(), Redactor.describe(e));
            }
        }
    }

    /** Written whole and then moved into place, as the kubelet updates a mounted Secret. */
    private static void write(Path file, String content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
