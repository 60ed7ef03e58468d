package io.svcgate.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote JMX over TLS. The JSSE default context is JVM-wide; this class sets it to a
 * self-signed key made with the JDK's keytool, which nothing else in this module's
 * tests uses.
 */
@Timeout(120)
class RemoteJmxTlsTest {

  @TempDir
  Path dir;
  MBeanServer server = MBeanServerFactory.newMBeanServer();
  MBeanRegistry registry = new MBeanRegistry(server);
  ExecutorService listeners = Executors.newSingleThreadExecutor();
  RemoteJmx remote;

  @AfterEach
  void close() {
    if (remote != null) {
      remote.close();
    }
    registry.close();
    listeners.shutdownNow();
  }

  private SSLContext selfSigned() throws Exception {
    Path ks = dir.resolve("jmx.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "svcgate", "-keyalg", "EC",
        "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", ks.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void registryAndServerSpeakTls() throws Exception {
    SSLContext.setDefault(selfSigned());
    registry.register(ObjectNames.GATEWAY, new GatewayBean(new Fakes.Gateway(), Duration.ofSeconds(5), listeners));
    Path passwords = Files.writeString(dir.resolve("jmx.password"), "admin t0psecret\n");
    remote = RemoteJmx.start(server, new RemoteJmxOptions("127.0.0.1", 0, passwords, null, true));

    Map<String, Object> env = Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "t0psecret"},
        "com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory());
    try (JMXConnector c = JMXConnectorFactory.connect(remote.address(), env)) {
      GatewayMXBean g = JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.GATEWAY, GatewayMXBean.class);
      assertThat(g.getNodeName()).isEqualTo("gw1");
    }
    // a client that does not speak TLS cannot even read the registry
    assertThatThrownBy(() -> JMXConnectorFactory.connect(remote.address(),
        Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "t0psecret"})))
        .isInstanceOf(IOException.class);
  }
}
