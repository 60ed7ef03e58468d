package io.svcgate.gateway.http;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names and addresses a gateway answers to in {@code Host} (docs/security.md):
 * the loopback names, the bind address, and when bound to every interface the
 * machine's host name, its canonical name and every interface address; plus what
 * {@code http.allowed-hosts} adds. Computed once at start (it may ask the resolver).
 */
public final class HostNames {

  private HostNames() {
  }

  /**
   * The {@code Host} values allowed, lower case, no port, no brackets; an empty list
   * means any.
   *
   * @param bind     the bind address
   * @param noTokens whether the gateway runs without tokens: then the check is on by
   *                 default; with tokens (which a web page does not have) it is on only
   *                 when {@code extra} is given
   * @param extra    {@code http.allowed-hosts}: more names, or {@code *} for any
   */
  public static List<String> allowed(String bind, boolean noTokens, List<String> extra) {
    if (extra.contains("*") || (!noTokens && extra.isEmpty())) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1", "localhost.localdomain"));
    out.add(BrowserGuard.normalHost(bind));
    boolean wildcard = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") || bind.isEmpty();
    if (wildcard) {
      try {
        InetAddress local = InetAddress.getLocalHost();
        out.add(local.getHostName().toLowerCase());
        out.add(local.getCanonicalHostName().toLowerCase());
      } catch (UnknownHostException e) {
        // no name: the addresses below still count
      }
      try {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress a : Collections.list(ni.getInetAddresses())) {
            String h = a.getHostAddress();
            int zone = h.indexOf('%');
            out.add(BrowserGuard.normalHost(zone < 0 ? h : h.substring(0, zone)));
          }
        }
      } catch (SocketException e) {
        // no interface list: loopback and the names above
      }
    }
    extra.forEach(h -> out.add(BrowserGuard.normalHost(h)));
    return List.copyOf(out);
  }

  /** Whether {@code host} (a name or an address) is a loopback address. */
  public static boolean isLoopback(String host) {
    try {
      String h = BrowserGuard.normalHost(host);
      return !h.isEmpty() && InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
