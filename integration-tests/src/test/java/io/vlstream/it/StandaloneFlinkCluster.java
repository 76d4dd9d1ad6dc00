package io.vlstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Flink session cluster in processes of its own, the way users run one: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), each
 * its own JVM on the classpath {@code flink-cluster/} resolves (Flink's lib/: Flink, log4j,
 * TensorFlow's natives, nothing of the job's), configured from a conf dir as {@code config.yaml}
 * would; jobs go in through the {@code flink} client ({@code CliFrontend}), as the README tells
 * users to submit the job jar. Each process logs to a file of its own, quoted when it fails.
 */
final class StandaloneFlinkCluster implements AutoCloseable {

    static final int SLOTS_PER_TASK_MANAGER = 2;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    /** Flink's own {@code env.java.opts.all} for Java 17 (its default config.yaml). */
    private static final List<String> JAVA_OPTS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Path confDir;
    private final String classpath;
    private final int restPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Process jobManager;
    private final Map<String, Process> taskManagers = new LinkedHashMap<>();

    private StandaloneFlinkCluster(Path home, String classpath) throws IOException {
        this.home = home;
        this.confDir = Files.createDirectories(home.resolve("conf"));
        this.classpath = classpath;
        this.restPort = freePort();
        writeConfig(freePort());
        this.jobManager =
                start(
                        "jobmanager",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        "-Xmx512m");
    }

    /** Starts a JobManager and {@code taskManagers} TaskManagers and waits until all registered. */
    static StandaloneFlinkCluster start(Path home, int taskManagers) throws Exception {
        Path classpathFile = Path.of(System.getProperty("vlstream.cluster.classpath"));
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(
                    classpathFile
                            + " is missing: build flink-cluster/ first (mvn -pl flink-cluster"
                            + " generate-resources)");
        }
        StandaloneFlinkCluster cluster =
                new StandaloneFlinkCluster(home, Files.readString(classpathFile).trim());
        try {
            cluster.awaitRest();
            for (int i = 1; i <= taskManagers; i++) {
                cluster.startTaskManager("tm-" + i);
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The shaded job jar the build made ({@code flink-jobs/target/*-job.jar}). */
    static Path jobJar() {
        Path jar = Path.of(System.getProperty("vlstream.job.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package flink-jobs/ first");
        }
        return jar;
    }

    /** Starts TaskManager {@code id} and waits until the JobManager lists it. */
    void startTaskManager(String id) throws Exception {
        Process process =
                start(
                        id,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        "-Xmx768m",
                        "-Xms768m",
                        "-XX:MaxDirectMemorySize=320m",
                        "-XX:MaxMetaspaceSize=256m");
        taskManagers.put(id, process);
        await(
                "TaskManager " + id + " registered",
                () -> taskManagerIds().contains(id),
                START_TIMEOUT,
                id);
    }

    /**
     * {@code kill -9} of TaskManager {@code id}: no shutdown hook, no goodbye to the JobManager.
     */
    void killTaskManager(String id) throws InterruptedException {
        Process process = taskManagers.remove(id);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The TaskManager that runs tasks of the job now (one of its slots is taken). */
    String busyTaskManager() throws Exception {
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            if (tm.path("freeSlots").asInt() < tm.path("slotsNumber").asInt()) {
                return tm.path("id").asText();
            }
        }
        throw new IllegalStateException("No TaskManager runs a task");
    }

    /**
     * {@code flink run -d [-s savepoint] JAR args...}: submits the job detached and returns its id
     * once every task runs.
     */
    String submit(Path jar, String savepoint, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "-d"));
        if (savepoint != null) {
            command.addAll(List.of("-s", savepoint));
        }
        command.add(jar.toString());
        command.addAll(args);
        String output = client(command);
        Matcher id = JOB_ID.matcher(output);
        if (!id.find()) {
            throw new AssertionError("flink run printed no job id:\n" + output);
        }
        String jobId = id.group(1);
        awaitAllTasksRunning(jobId);
        return jobId;
    }

    /** {@code flink stop --savepointPath DIR JOB}: the savepoint's path, once the job stopped. */
    String stopWithSavepoint(String jobId, Path dir) throws Exception {
        String output = client(List.of("stop", "--savepointPath", dir.toUri().toString(), jobId));
        Matcher path = SAVEPOINT.matcher(output);
        if (!path.find()) {
            throw new AssertionError("flink stop printed no savepoint:\n" + output);
        }
        return path.group(1);
    }

    /** {@code flink cancel JOB}. */
    void cancel(String jobId) throws Exception {
        client(List.of("cancel", jobId));
    }

    /** Waits until the job is RUNNING and so is every one of its tasks (a restart is over). */
    void awaitAllTasksRunning(String jobId) throws Exception {
        await(
                "every task of job " + jobId + " running",
                () -> {
                    JsonNode job = get("/jobs/" + jobId);
                    if (!job.path("state").asText().equals("RUNNING")) {
                        return false;
                    }
                    for (JsonNode vertex : job.path("vertices")) {
                        if (!vertex.path("status").asText().equals("RUNNING")) {
                            return false;
                        }
                    }
                    return true;
                },
                START_TIMEOUT,
                "jobmanager");
    }

    /**
     * The failures the JobManager recorded for the job (its exception history): each one a
     * failover, such as a lost TaskManager; zero for a job that never restarted.
     */
    int failures(String jobId) throws Exception {
        return get("/jobs/" + jobId + "/exceptions?maxExceptions=100")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    /** The most heap in use on any TaskManager now, in bytes. */
    long taskManagerHeapUsed() throws Exception {
        long most = 0;
        for (String id : taskManagerIds()) {
            JsonNode metric =
                    get("/taskmanagers/" + id + "/metrics?get=Status.JVM.Memory.Heap.Used");
            most = Math.max(most, metric.path(0).path("value").asLong());
        }
        return most;
    }

    /**
     * How backpressured the job's frames source is now: its busiest subtask's backpressured time,
     * in ms per second (0 to 1000); 0 while Flink has no figure yet.
     */
    long framesSourceBackPressure(String jobId) throws Exception {
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            if (vertex.path("name").asText().startsWith("Source: frames")) {
                JsonNode metric =
                        get(
                                "/jobs/"
                                        + jobId
                                        + "/vertices/"
                                        + vertex.path("id").asText()
                                        + "/subtasks/metrics?get=backPressuredTimeMsPerSecond&agg=max");
                return Math.round(metric.path(0).path("max").asDouble());
            }
        }
        return 0;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The last lines of a process's log, for failure messages. */
    String logTail(String name) {
        try {
            List<String> lines = Files.readAllLines(log(name));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (Process tm : taskManagers.values()) {
            tm.destroyForcibly();
        }
        jobManager.destroy();
        try {
            if (!jobManager.waitFor(20, TimeUnit.SECONDS)) {
                jobManager.destroyForcibly();
            }
            for (Process tm : taskManagers.values()) {
                tm.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> taskManagerIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    private void awaitRest() throws Exception {
        await(
                "the JobManager's REST endpoint",
                () -> {
                    try {
                        return get("/overview").has("flink-version");
                    } catch (IOException e) {
                        return false;
                    }
                },
                START_TIMEOUT,
                "jobmanager");
    }

    private String client(List<String> args) throws Exception {
        Path out = Files.createTempFile(home, "client-", ".out");
        List<String> command =
                java("client", "org.apache.flink.client.cli.CliFrontend", "-Xmx256m");
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        Process process = builder.start();
        boolean exited = process.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String output = Files.readString(out);
        if (!exited) {
            process.destroyForcibly();
            throw new AssertionError("flink " + args.get(0) + " hung:\n" + output);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(
                    "flink "
                            + String.join(" ", args)
                            + " exited "
                            + process.exitValue()
                            + ":\n"
                            + output);
        }
        return output;
    }

    private Process start(String name, String mainClass, String... jvmArgs) throws IOException {
        List<String> command = java(name, mainClass, jvmArgs);
        command.addAll(List.of("--configDir", confDir.toString()));
        if (name.startsWith("tm-")) {
            command.addAll(List.of("-D", "taskmanager.resource-id=" + name));
        }
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(home.resolve(name + ".out").toFile());
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        return builder.start();
    }

    private List<String> java(String name, String mainClass, String... jvmArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JAVA_OPTS);
        command.addAll(List.of(jvmArgs));
        command.add("-Dlog.file=" + log(name));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.addAll(List.of("-cp", classpath, mainClass));
        return command;
    }

    private Path log(String name) {
        return home.resolve(name + ".log");
    }

    private void writeConfig(int rpcPort) throws IOException {
        Path checkpoints = Files.createDirectories(home.resolve("checkpoints"));
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "localhost");
        conf.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        conf.put("jobmanager.bind-host", "localhost");
        conf.put("rest.address", "localhost");
        conf.put("rest.bind-address", "localhost");
        conf.put("rest.port", String.valueOf(restPort));
        conf.put("taskmanager.host", "localhost");
        conf.put("taskmanager.bind-host", "localhost");
        conf.put("taskmanager.numberOfTaskSlots", String.valueOf(SLOTS_PER_TASK_MANAGER));
        conf.put("parallelism.default", "2");
        // Without Flink's start scripts nothing derives these: every component is set, and the
        // JVM flags in startTaskManager match them (heap 128m + 640m, direct 128m + 128m + 64m).
        conf.put("taskmanager.cpu.cores", String.valueOf(SLOTS_PER_TASK_MANAGER));
        conf.put("taskmanager.memory.framework.heap.size", "128m");
        conf.put("taskmanager.memory.task.heap.size", "640m");
        conf.put("taskmanager.memory.framework.off-heap.size", "128m");
        conf.put("taskmanager.memory.task.off-heap.size", "128m");
        conf.put("taskmanager.memory.managed.size", "64m");
        conf.put("taskmanager.memory.network.min", "64m");
        conf.put("taskmanager.memory.network.max", "64m");
        conf.put("taskmanager.memory.jvm-metaspace.size", "256m");
        conf.put("taskmanager.memory.jvm-overhead.min", "192m");
        conf.put("taskmanager.memory.jvm-overhead.max", "192m");
        // Spread a job's slots over the TaskManagers, so that a kill takes some of the job down.
        conf.put("taskmanager.load-balance.mode", "SLOTS");
        // A killed TaskManager is noticed within seconds (its heartbeat RPCs fail), not minutes.
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "8000");
        conf.put("restart-strategy.type", "fixed-delay");
        conf.put("restart-strategy.fixed-delay.attempts", "20");
        conf.put("restart-strategy.fixed-delay.delay", "1 s");
        conf.put("execution.checkpointing.storage", "filesystem");
        conf.put("execution.checkpointing.dir", checkpoints.toUri().toString());
        conf.put("execution.checkpointing.savepoint-dir", checkpoints.toUri().toString());
        StringBuilder yaml = new StringBuilder();
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(
                confDir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = file",
                        "appender.file.type = File",
                        "appender.file.name = file",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        ""),
                StandardCharsets.UTF_8);
    }

    private void await(String what, Check check, Duration timeout, String logOf) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new AssertionError("The JobManager exited:\n" + logTail("jobmanager"));
            }
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                // Not up yet.
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "Timed out after " + timeout + " waiting for " + what + ":\n" + logTail(logOf));
    }

    /** A condition polled by {@link #await}. */
    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
