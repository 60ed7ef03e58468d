/** Machinery behind the svcgate MBeans: waiting for answers, RMI server sockets. */
package io.svcgate.jmx.impl;
