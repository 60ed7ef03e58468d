package io.svcgate.gateway.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How long the fuzz properties run: {@code -Dsvcgate.fuzz.tries=N} (default: the
 * CI-sized count in the annotation) and {@code -Dsvcgate.fuzz.seed=S} (default: the
 * fixed seed in the annotation, so a CI failure replays as is). docs/security.md
 * says how to run them long.
 */
public final class FuzzTries implements AroundPropertyHook {

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    String tries = System.getProperty("svcgate.fuzz.tries");
    if (tries != null && !tries.isBlank()) {
      context.attributes().setTries(Integer.parseInt(tries.trim()));
    }
    String seed = System.getProperty("svcgate.fuzz.seed");
    if (seed != null && !seed.isBlank()) {
      context.attributes().setSeed(seed.trim());
    }
    return property.execute();
  }
}
