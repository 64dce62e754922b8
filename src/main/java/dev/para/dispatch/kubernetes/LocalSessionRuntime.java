package dev.para.dispatch.kubernetes;

import dev.para.dispatch.LogFields;
import dev.para.dispatch.Redactor;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    private final Map<UUID, Queue<Process>> running = new ConcurrentHashMap<>();
    /** Instances whose steps still run, by pod name: a followed log waits for more while they do. */
    private final Set<String> active = ConcurrentHashMap.newKeySet();

    private static final long GATE_POLL_MILLIS = 200;

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
            Path tokenFile = tokenFile(launch.sessionId());
            Files.createDirectories(tokenFile.getParent());
            write(tokenFile, KubernetesSessionRuntime.await(token));
            write(session.resolve(SessionJobBuilder.PROMPT_KEY), launch.prompt());
            for (Map.Entry<String, String> file : launch.agentCredentials().entrySet()) {
                write(session.resolve(file.getKey()), file.getValue());
            }
            Queue<Process> processes = new ConcurrentLinkedQueue<>();
            running.put(launch.sessionId(), processes);
            PodSpec pod = builder.job(launch, "local").getSpec().getTemplate().getSpec();
            List<Instance> instances = new ArrayList<>();
            for (int index = 1; index <= launch.instances(); index++) {
                Path dir = Files.createDirectories(root.resolve(name).resolve("instance-" + index));
                Map<String, String> local = Map.of(
                        "PARA_WORKSPACE",
                                Files.createDirectories(dir.resolve("workspace"))
                                        .toString(),
                        "PARA_GIT_STATE",
                                Files.createDirectories(dir.resolve("git-state"))
                                        .toString(),
                        "PARA_TOKEN_FILE", tokenFile.toString(),
                        "PARA_SESSION_DIR", session.toString(),
                        "PARA_TERMINATION_LOG", dir.resolve("termination-log").toString(),
                        "JOB_COMPLETION_INDEX", String.valueOf(index - 1));
                active.add(podName(launch.sessionId(), index));
                instances.add(new Instance(
                        launch.sessionId(), index, podName(launch.sessionId(), index), dir, entrypoint, local));
            }
            if (SessionJobBuilder.startsOneFirst(launch)) {
                instances.get(0).start(pod, processes);
                startOthersOnceLetIn(launch.sessionId(), instances, pod, processes);
            } else {
                for (Instance instance : instances) {
                    instance.start(pod, processes);
                }
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

    /**
     * The local {@link LoginGate}: the first instance's agent is let in (the entrypoint's mark) or
     * it ends for any other reason, and the others start; a refused login fails them unstarted.
     */
    private void startOthersOnceLetIn(UUID sessionId, List<Instance> instances, PodSpec pod, Queue<Process> processes) {
        Instance first = instances.get(0);
        List<Instance> others = instances.subList(1, instances.size());
        Path letIn = first.dir.resolve("workspace").resolve(".para").resolve("authenticated");
        Thread gate = new Thread(
                () -> {
                    try {
                        while (!first.exit.isDone() && !Files.exists(letIn)) {
                            Thread.sleep(GATE_POLL_MILLIS);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (running.get(sessionId) != processes) {
                        return; // stopped meanwhile
                    }
                    if (first.exit.getNow(0) == PodStatusReader.EXIT_AGENT_AUTH) {
                        others.forEach(Instance::refused);
                        return;
                    }
                    for (Instance other : others) {
                        try {
                            other.start(pod, processes);
                        } catch (IOException e) {
                            Log.warnf("Could not start local session %s: %s", sessionId, Redactor.describe(e));
                            other.ended(PodStatusReader.EXIT_CONFIG);
                        }
                    }
                },
                "para-local-gate-" + sessionId);
        gate.setDaemon(true);
        gate.start();
    }

    @Override
    public void replaceToken(UUID sessionId, String token) {
        try {
            write(tokenFile(sessionId), token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void deleteSecrets(UUID sessionId) {
        Path session = root.resolve(SessionJobBuilder.jobName(sessionId));
        for (Path dir : List.of(session.resolve("session"), session.resolve("github"))) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                Log.debugf("Nothing to delete in %s", dir);
            }
        }
    }

    @Override
    public java.time.Duration stopGrace() {
        return java.time.Duration.ofSeconds(30);
    }

    @Override
    public void stop(UUID sessionId) {
        Queue<Process> processes = running.remove(sessionId);
        if (processes != null) {
            // SIGTERM to the steps, as the kubelet sends it: the agent stops, publish pushes its work.
            processes.forEach(Process::destroy);
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
            InputStream file = Files.newInputStream(log);
            return follow ? new FollowedLog(file, () -> active.contains(podName)) : file;
        } catch (IOException e) {
            throw new SessionRuntimeException("No local log for " + podName, false, null);
        }
    }

    /** A log file read as it grows, as {@code kubectl logs -f} reads a pod's, until its steps end. */
    static final class FollowedLog extends InputStream {
        private static final long POLL_MILLIS = 100;
        private final InputStream file;
        private final java.util.function.BooleanSupplier running;

        FollowedLog(InputStream file, java.util.function.BooleanSupplier running) {
            this.file = file;
            this.running = running;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (true) {
                boolean wasRunning = running.getAsBoolean();
                int n = file.read(buffer, offset, length);
                if (n > 0 || !wasRunning) {
                    return n; // data, or the end of a log whose steps had ended before this read
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("stopped following the log");
                }
            }
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Apart from the agent's files, as in a pod (though here the agent runs as the same user). */
    private Path tokenFile(UUID sessionId) {
        return root.resolve(SessionJobBuilder.jobName(sessionId))
                .resolve("github")
                .resolve(SessionJobBuilder.TOKEN_KEY);
    }

    static String podName(UUID sessionId, int index) {
        return SessionJobBuilder.jobName(sessionId) + "-" + index;
    }

    /**
     * One instance as its pod runs it: clone, then the agent and publish side by side, all
     * writing to one log. Reported as a pod would be: running now, then publish's end (or clone's).
     */
    private final class Instance {
        private final UUID sessionId;
        private final int index;
        private final String name;
        private final Path dir;
        private final Path entrypoint;
        private final Map<String, String> local;
        /** The instance's exit code once its last step has ended. */
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();

        Instance(UUID sessionId, int index, String name, Path dir, Path entrypoint, Map<String, String> local) {
            this.sessionId = sessionId;
            this.index = index;
            this.name = name;
            this.dir = dir;
            this.entrypoint = entrypoint;
            this.local = local;
        }

        void start(PodSpec pod, Queue<Process> processes) throws IOException {
            report(new InstanceObservation(
                    sessionId, index, name, InstanceObservation.Phase.RUNNING, null, null, null));
            Process clone = step(pod.getInitContainers().get(0));
            processes.add(clone);
            clone.onExit().thenAccept(cloned -> {
                if (cloned.exitValue() != 0) {
                    ended(cloned.exitValue());
                    return;
                }
                try {
                    processes.add(step(pod.getContainers().get(0)));
                    Process publish = step(pod.getContainers().get(1));
                    processes.add(publish);
                    publish.onExit().thenAccept(published -> ended(published.exitValue()));
                } catch (IOException e) {
                    Log.warnf("Could not start local session %s: %s", sessionId, Redactor.describe(e));
                    ended(PodStatusReader.EXIT_CONFIG);
                }
            });
        }

        /** A container's step as a process: its environment, with the paths of this machine. */
        private Process step(Container container) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", entrypoint.toString(), container.getName())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()));
            container.getEnv().stream()
                    // The pod's home, tmp and agent home are its own volumes; here, this user's.
                    .filter(e -> !Set.of("HOME", "TMPDIR", "PARA_AGENT_HOME").contains(e.getName()))
                    .forEach(e -> pb.environment().put(e.getName(), e.getValue()));
            pb.environment().putAll(local);
            return pb.start();
        }

        /** Never started: the first instance's agent was refused, as a Job's pod failure policy ends it. */
        void refused() {
            active.remove(name);
            exit.complete(PodStatusReader.EXIT_AGENT_AUTH);
            report(new InstanceObservation(
                    sessionId,
                    index,
                    name,
                    InstanceObservation.Phase.FAILED,
                    PodStatusReader.LOGIN_REFUSED_FIRST,
                    null,
                    null));
        }

        private void ended(int exitCode) {
            exit.complete(exitCode);
            active.remove(name);
            Path termination = dir.resolve("termination-log");
            String message = null;
            try {
                message = Files.exists(termination) ? Files.readString(termination) : null;
            } catch (IOException e) {
                Log.debugf("No termination message for %s", name);
            }
            report(PodStatusReader.exited(sessionId, index, name, exitCode, message));
        }
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
