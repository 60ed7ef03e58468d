package io.svcgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web page (docs/dashboard.md): static files from the jar's {@code webroot/},
 * served at {@code /} (the page) and {@code /ui/…} (its scripts and styles). They
 * hold no data, so they load without a token; the page then calls the API with the
 * token the operator pastes, like any other client.
 */
public final class WebPage {

  /** The one regular expression the page's route answers: the page and its assets. */
  static final String PATHS = "/|/index\\.html|/ui/[A-Za-z0-9_.-]+";

  private WebPage() {
  }

  /** Whether a request path is one of the page's static files (served without a token). */
  public static boolean isPage(String path) {
    return path != null && path.matches(PATHS);
  }

  /** Adds the page's route (GET and HEAD only; anything else falls through to the 404). */
  public static void mount(Router router) {
    // No caching: the files are small, and a browser must never keep an old page after an upgrade.
    StaticHandler files = StaticHandler.create("webroot").setIndexPage("index.html")
        .setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false);
    Handler<RoutingContext> page = rc -> {
      rc.response().putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
              + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
          .putHeader("Referrer-Policy", "no-referrer");
      files.handle(rc);
    };
    router.getWithRegex(PATHS).handler(page);
    router.headWithRegex(PATHS).handler(page);
  }
}
