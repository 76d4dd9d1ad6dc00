package io.vlstream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * SCRAM-SHA-512 over TLS for the embedded broker, as deploy/ runs Kafka: a certificate authority of
 * its own and the broker's certificate signed by it (made with the JDK's {@code keytool}), and a
 * random password per user. Clients trust the CA's certificate ({@link #caCertificate}, PEM) and
 * log in with {@link #clientProperties}. The controller listener takes only certificates the CA
 * signed (mutual TLS), and the CA's private key is deleted once it has signed the broker's: the
 * broker's is the only one there will ever be. Everything is kept in a folder only this OS user may
 * read; passwords reach keytool through its environment, never its command line.
 */
public final class ScramTls {

    /** The broker's own user (inter-broker traffic, and a super user for setting ACLs). */
    public static final String ADMIN = "admin";

    static final String MECHANISM = "SCRAM-SHA-512";

    /** The principal of the broker's certificate on the controller listener. */
    static final String BROKER_PRINCIPAL = "CN=localhost";

    private static final Duration KEYTOOL_TIMEOUT = Duration.ofMinutes(1);

    private static final String SECRETS = "secrets.properties";

    private static final String CA_PASSWORD_ENV = "VLSTREAM_CA_STORE_PASSWORD";
    private static final String STORE_PASSWORD_ENV = "VLSTREAM_BROKER_STORE_PASSWORD";

    private final Path dir;
    private final String storePassword;
    private final Map<String, String> passwords;

    private ScramTls(Path dir, String storePassword, Map<String, String> passwords) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.passwords = passwords;
    }

    /**
     * What {@link #create} made in {@code dir} before, so that a broker restarted on the same data
     * keeps its users and certificate; or, when {@code dir} holds nothing yet, {@link #create}.
     */
    public static ScramTls openOrCreate(Path dir, Collection<String> users) throws IOException {
        Path secrets = dir.resolve(SECRETS);
        if (!Files.exists(secrets)) {
            return create(dir, users);
        }
        Properties saved = new Properties();
        try (var in = Files.newBufferedReader(secrets, StandardCharsets.UTF_8)) {
            saved.load(in);
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String name : saved.stringPropertyNames()) {
            if (name.startsWith("user.")) {
                passwords.put(name.substring("user.".length()), saved.getProperty(name));
            }
        }
        String store = saved.getProperty("store");
        if (store == null || !passwords.containsKey(ADMIN)) {
            throw new IOException(secrets + " is incomplete: delete " + dir + " to start over");
        }
        return new ScramTls(dir, store, passwords);
    }

    /**
     * Makes the CA, the broker's key and certificate (for 127.0.0.1 and localhost, 30 days), and a
     * password for {@link #ADMIN} and each of {@code users}, in {@code dir}; the passwords are kept
     * there, readable by this OS user only.
     */
    public static ScramTls create(Path dir, Collection<String> users) throws IOException {
        createPrivateDirectory(dir);
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put(ADMIN, secret());
        for (String user : users) {
            if (!user.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(
                        "User names are 1-64 of [A-Za-z0-9._-], not '" + user + "'");
            }
            passwords.put(user, secret());
        }
        ScramTls tls = new ScramTls(dir, secret(), passwords);
        tls.makeCertificates();
        tls.saveSecrets();
        return tls;
    }

    /** The CA certificate clients trust (PEM). */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** The users, {@link #ADMIN} first. */
    public List<String> users() {
        return List.copyOf(passwords.keySet());
    }

    /** {@code user}'s password. */
    public String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("No user '" + user + "'; users: " + users());
        }
        return password;
    }

    /** Kafka client settings that log in as {@code user} over TLS, trusting this CA. */
    public Properties clientProperties(String user) {
        return clientProperties(user, password(user), caCertificate());
    }

    /** Client settings with any credentials and trusted CA (to try wrong ones). */
    public static Properties clientProperties(String user, String password, Path caCertificate) {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("sasl.mechanism", MECHANISM);
        p.setProperty("sasl.jaas.config", jaas(user, password));
        p.setProperty("ssl.truststore.type", "PEM");
        p.setProperty("ssl.truststore.location", caCertificate.toString());
        return p;
    }

    /**
     * Writes {@link #clientProperties} for {@code user} to {@code file} (for --kafka-properties).
     */
    public Path writeClientProperties(String user, Path file) {
        try (Writer out = privateWriter(file)) {
            clientProperties(user).store(out, "vlstream: Kafka as " + user + " (SCRAM over TLS)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Creates {@code dir} (and its parents) readable by this OS user only. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /** A new {@code file} (replacing one there), readable by this OS user only. */
    static Writer privateWriter(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** The broker's settings for a SASL_SSL client listener and an mTLS controller listener. */
    Map<String, String> brokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "SASL_SSL");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put(
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                jaas(ADMIN, password(ADMIN)));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", dir.resolve("broker.p12").toString());
        p.put("ssl.keystore.password", storePassword);
        p.put("ssl.key.password", storePassword);
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", caCertificate().toString());
        p.put("listener.name.controller.ssl.client.auth", "required");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN + ";User:" + BROKER_PRINCIPAL);
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    /** {@code kafka-storage format} arguments that add every user's SCRAM credentials. */
    List<String> formatArguments() {
        List<String> args = new ArrayList<>();
        passwords.forEach(
                (user, password) -> {
                    args.add("--add-scram");
                    args.add(MECHANISM + "=[name=" + user + ",password=" + password + "]");
                });
        return args;
    }

    private void saveSecrets() throws IOException {
        Properties saved = new Properties();
        saved.setProperty("store", storePassword);
        passwords.forEach((user, password) -> saved.setProperty("user." + user, password));
        try (Writer out = privateWriter(dir.resolve(SECRETS))) {
            saved.store(out, "vlstream embedded broker: passwords (keep private)");
        }
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";";
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void makeCertificates() throws IOException {
        // The CA's store has a password of its own, and is deleted once it has signed.
        Map<String, String> env =
                Map.of(CA_PASSWORD_ENV, secret(), STORE_PASSWORD_ENV, storePassword);
        String san = "SAN=ip:127.0.0.1,dns:localhost";
        String ca = dir.resolve("ca.p12").toString();
        String broker = dir.resolve("broker.p12").toString();
        String request = dir.resolve("broker.csr").toString();
        String signed = dir.resolve("broker.crt").toString();
        String caCert = caCertificate().toString();
        keytool(
                env,
                CA_PASSWORD_ENV,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=vlstream embedded CA",
                "-ext",
                "bc:c",
                "-validity",
                "30",
                "-keystore",
                ca,
                "-storetype",
                "PKCS12");
        keytool(
                env,
                CA_PASSWORD_ENV,
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca,
                "-file",
                caCert);
        keytool(
                env,
                STORE_PASSWORD_ENV,
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                BROKER_PRINCIPAL,
                "-ext",
                san,
                "-validity",
                "30",
                "-keystore",
                broker,
                "-storetype",
                "PKCS12");
        keytool(
                env,
                STORE_PASSWORD_ENV,
                "-certreq",
                "-alias",
                "broker",
                "-keystore",
                broker,
                "-file",
                request);
        keytool(
                env,
                CA_PASSWORD_ENV,
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca,
                "-infile",
                request,
                "-outfile",
                signed,
                "-ext",
                san,
                "-validity",
                "30");
        keytool(
                env,
                STORE_PASSWORD_ENV,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caCert,
                "-keystore",
                broker);
        keytool(
                env,
                STORE_PASSWORD_ENV,
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                signed,
                "-keystore",
                broker);
        Files.delete(Path.of(ca));
        Files.delete(Path.of(request));
    }

    /** Runs keytool, its store password read from {@code passwordEnv} in {@code env}. */
    private static void keytool(Map<String, String> env, String passwordEnv, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass:env", passwordEnv));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while making certificates", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output.strip());
        }
    }
}
