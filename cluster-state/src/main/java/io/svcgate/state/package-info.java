/** The cluster-state core: heartbeat messages, generations, the document, events. No Vert.x. */
package io.svcgate.state;
