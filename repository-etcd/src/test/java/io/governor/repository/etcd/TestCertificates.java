package io.governor.repository.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made with the
 * JDK's own {@code keytool} (no other tool needed) and written as PEM files for etcd and jetcd.
 */
final class TestCertificates {

    private static final String PASS = "test-only";

    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;

    private TestCertificates(Path dir) {
        ca = dir.resolve("ca.pem");
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server-key.pem");
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client-key.pem");
    }

    static TestCertificates create(Path dir) throws Exception {
        TestCertificates c = new TestCertificates(dir);
        Path caStore = dir.resolve("ca.p12");
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=governor-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", caStore.toString());
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-file", c.ca.toString());
        c.issue(dir, caStore, "server", "CN=127.0.0.1", "san=ip:127.0.0.1", "eku=serverAuth,clientAuth", c.serverCert, c.serverKey);
        c.issue(dir, caStore, "client", "CN=governor-client", null, "eku=clientAuth", c.clientCert, c.clientKey);
        return c;
    }

    private void issue(Path dir, Path caStore, String alias, String dname, String san, String eku, Path cert, Path key)
            throws Exception {
        Path store = dir.resolve(alias + ".p12");
        Path csr = dir.resolve(alias + ".csr");
        keytool(dir, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "2", "-keystore", store.toString());
        keytool(dir, "-certreq", "-alias", alias, "-keystore", store.toString(), "-file", csr.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", caStore.toString(),
                "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-validity", "2",
                "-ext", "ku:c=digitalSignature", "-ext", eku));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(dir, sign.toArray(String[]::new));
        Files.writeString(key, pem(store, alias), StandardCharsets.US_ASCII);
    }

    private static String pem(Path store, String alias) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        Key key = ks.getKey(alias, PASS.toCharArray());
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-noprompt"));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PASS));
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
