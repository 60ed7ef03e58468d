package io.svcgate.jmx;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The ObjectNames of the svcgate MBeans, in the domain {@code svcgate}:
 * {@code svcgate:type=X} and {@code svcgate:type=Node,name=<nodename>}, the node name
 * quoted with {@link ObjectName#quote} when it holds a character an unquoted value
 * may not.
 */
public final class ObjectNames {

  /** The JMX domain. */
  public static final String DOMAIN = "svcgate";
  public static final ObjectName GATEWAY = name("svcgate:type=Gateway");
  public static final ObjectName EVENT_HISTORY = name("svcgate:type=EventHistory");
  public static final ObjectName STREAMS = name("svcgate:type=Streams");
  public static final ObjectName HOOKS = name("svcgate:type=Hooks");
  public static final ObjectName RAW_LISTENER = name("svcgate:type=RawListener");
  /** Only with {@code --cluster}. */
  public static final ObjectName CLUSTER = name("svcgate:type=Cluster");
  /** The pattern of every node bean. */
  public static final ObjectName NODES = name("svcgate:type=Node,*");

  private ObjectNames() {
  }

  /** {@code svcgate:type=Node,name=<nodename>}. */
  public static ObjectName node(String nodename) {
    if (nodename == null || nodename.isEmpty()) {
      throw new IllegalArgumentException("a node name must not be empty");
    }
    return name("svcgate:type=Node,name=" + value(nodename));
  }

  /** The node name of a node bean's ObjectName (unquoted). */
  public static String nodename(ObjectName name) {
    String v = name.getKeyProperty("name");
    if (v == null) {
      throw new IllegalArgumentException(name + " is not a node bean name");
    }
    return v.startsWith("\"") ? ObjectName.unquote(v) : v;
  }

  /** The value as it appears in an ObjectName: as is when legal unquoted, else quoted. */
  static String value(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n' || c == '\\') {
        return ObjectName.quote(s);
      }
    }
    return s;
  }

  private static ObjectName name(String s) {
    try {
      return new ObjectName(s);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("not a valid ObjectName: " + s + " (" + e.getMessage() + ")");
    }
  }
}
