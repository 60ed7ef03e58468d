# syntax=docker/dockerfile:1
# svcgate: the gateway in a container. Build and run: docs/docker.md.
#
#   docker build -t svcgate .
#   docker run --rm -p 127.0.0.1:1215:1215 svcgate serve --simulate 5

# --- build: Maven 3.9 on JDK 17 --------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The poms first: the dependency layer is rebuilt only when a pom changes.
COPY pom.xml ./
COPY cluster-state/pom.xml cluster-state/
COPY jmx/pom.xml jmx/
COPY gateway/pom.xml gateway/
COPY bench/pom.xml bench/
# 3.9.0: excludeReactor also skips this build's own modules, which are in no repository yet.
RUN mvn -B -q -pl gateway -am org.apache.maven.plugins:maven-dependency-plugin:3.9.0:go-offline
COPY cluster-state/src cluster-state/src
COPY jmx/src jmx/src
COPY gateway/src gateway/src
RUN mvn -B -q -DskipTests -pl gateway -am package \
 && cp gateway/target/svcgate.jar /svcgate.jar

# --- run: JRE 17 ------------------------------------------------------------
FROM eclipse-temurin:17-jre
# curl: the health check (TLS and tokens included); tini: PID 1 that forwards
# signals and reaps what hooks leave behind; procps: kill(1), which hooks need
# (with setsid from util-linux) to stop a hook's whole process group.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl tini procps \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 svcgate \
 && useradd --system --uid 10001 --gid svcgate --home-dir /data --shell /usr/sbin/nologin svcgate \
 && mkdir -p /opt/svcgate/bin /opt/svcgate/lib /etc/svcgate /data \
 && chown svcgate:svcgate /data
COPY --from=build /svcgate.jar /opt/svcgate/lib/svcgate.jar
COPY bin/svcgate bin/om docker/docker-entrypoint docker/healthcheck /opt/svcgate/bin/
RUN chmod 0755 /opt/svcgate/bin/*

# Configuration by environment: every key has a SVCGATE_… variable (docs/configuration.md).
# Inside a container the gateway must listen on every interface to be reachable
# through a published port. HTTP without auth.tokens is then open to whoever
# reaches that port (SVCGATE_AUTH_OPEN=true says so on purpose, and the gateway
# logs it as an error at start): publish it on 127.0.0.1 only, or set
# SVCGATE_AUTH_TOKENS (docs/security.md).
ENV PATH=/opt/svcgate/bin:$PATH \
    SVCGATE_DATA=/data \
    SVCGATE_HTTP_HOST=0.0.0.0 \
    SVCGATE_AUTH_OPEN=true \
    SVCGATE_HTTP_PORT=1215 \
    SVCGATE_JMX_HOST=0.0.0.0 \
    SVCGATE_BRIDGE_HOST=0.0.0.0 \
    SVCGATE_HOOKS_FILE=/etc/svcgate/node.conf \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER svcgate
WORKDIR /data
VOLUME ["/data"]
# 1215 HTTP; 9010 JMX when SVCGATE_JMX_PORT=9010; 7000 the TCP bridge when SVCGATE_BRIDGE_PORT=7000.
EXPOSE 1215 9010 7000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["/opt/svcgate/bin/healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/svcgate/bin/docker-entrypoint"]
CMD ["serve"]
