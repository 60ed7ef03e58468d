# syntax=docker/dockerfile:1
# svcgate: the gateway in a container. Build and run: docs/docker.md.
#
#   docker/build                      (docker build with the version and revision of these sources)
#   docker run --rm -p 127.0.0.1:1215:1215 svcgate serve --simulate 5

# --- build: Maven 3.9 on JDK 17 --------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
# The version the image is labelled with: the pom's, checked below against the jar.
ARG SVCGATE_VERSION
# The source revision (git is not in the build context): docker/build passes it.
ARG SVCGATE_REVISION=unknown
# Set by BuildKit to the platform being built (amd64, arm64, …).
ARG TARGETARCH
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
# Only RocksDB's native library for this platform goes into the jar (the others
# are some 200 MB); glibc builds, as the runtime image is Ubuntu.
RUN case "${TARGETARCH:-amd64}" in \
      amd64) natives=librocksdbjni-linux64.so ;; \
      arm64) natives=librocksdbjni-linux-aarch64.so ;; \
      ppc64le) natives=librocksdbjni-linux-ppc64le.so ;; \
      s390x) natives=librocksdbjni-linux-s390x.so ;; \
      *) echo "no RocksDB native library for ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && mvn -B -q -DskipTests -pl gateway -am package -Dsvcgate.class-archive.skip=true \
      "-Dsvcgate.rocksdb.natives=$natives" "-Dsvcgate.revision=$SVCGATE_REVISION" \
 && cp gateway/target/svcgate.jar /svcgate.jar \
 && (cd /tmp && jar xf /svcgate.jar io/svcgate/gateway/build.properties) \
 && cp /tmp/io/svcgate/gateway/build.properties /build.properties \
 && built="$(sed -n 's/^version=//p' /build.properties)" \
 && if [ "$built" != "$SVCGATE_VERSION" ]; then \
      echo "the jar is version '$built' but the image would be labelled '$SVCGATE_VERSION': build with docker/build" >&2; \
      exit 1; \
    fi

# --- run: JRE 17 ------------------------------------------------------------
FROM eclipse-temurin:17-jre
ARG SVCGATE_VERSION
ARG SVCGATE_REVISION=unknown
LABEL org.opencontainers.image.title="svcgate" \
      org.opencontainers.image.description="Event gateway for OpenSVC clusters" \
      org.opencontainers.image.version="${SVCGATE_VERSION}" \
      org.opencontainers.image.revision="${SVCGATE_REVISION}"
# curl: the health check (TLS and tokens included); tini: PID 1 that forwards
# signals and reaps what hooks leave behind; procps: kill(1), which hooks need
# (with setsid from util-linux) to stop a hook's whole process group.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl tini procps \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 svcgate \
 && useradd --system --uid 10001 --gid svcgate --home-dir /data --shell /usr/sbin/nologin svcgate \
 && mkdir -p /opt/svcgate/bin /opt/svcgate/lib /opt/svcgate/etc /etc/svcgate /data \
 && chown svcgate:svcgate /data
COPY --from=build /svcgate.jar /opt/svcgate/lib/svcgate.jar
COPY --from=build /build.properties /opt/svcgate/build.properties
COPY bin/svcgate bin/om docker/docker-entrypoint docker/healthcheck /opt/svcgate/bin/
COPY docker/container.yaml /opt/svcgate/etc/container.yaml
RUN chmod 0755 /opt/svcgate/bin/* && chmod 0644 /opt/svcgate/etc/container.yaml
# The class-data-sharing archive of `serve` (docs/operations.md, "Start time"): made
# here, by this image's JVM from the jar at its final path, as the archive holds only
# for both (the build stage's JDK and path differ, so it makes none). It runs a
# gateway for a few seconds on loopback in a temporary directory. Without it the
# gateway starts all the same, in about twice the CPU time: a failure here is
# reported and the image is built without it. The same command copies RocksDB's
# native library into /opt/svcgate/lib/native/, so that serve loads it from there
# rather than writing a copy into /tmp at every start.
RUN /opt/svcgate/bin/svcgate archive-classes \
 || echo "svcgate: no class archive in this image: serve starts without it" >&2

# No SVCGATE_… variable here: the environment wins over a config file, so image
# variables would silently override a mounted one. The image's settings (data in
# /data, listening on every interface, the hooks file) are in
# /opt/svcgate/etc/container.yaml, read below everything else (docs/docker.md).
# HTTP without auth.tokens is open to whoever reaches the published port
# (container.yaml sets auth.open: true to say so on purpose, and the gateway logs
# it as an error at start): publish it on 127.0.0.1 only, or set tokens
# (docs/security.md).
#
# Memory: the heap gets half of the container's limit; the other half is for
# what is not heap: RocksDB's caches and memtables (about 100 MB), Netty's direct
# buffers (capped at 128 MB here), metaspace, code and thread stacks. Minimum
# and sizing: docs/docker.md. malloc's free memory is given back every 5 s (the JRE
# of this image, 17.0.9 or later, has the option), and the heap it does not use every 30 s
# (memory.heap-return-interval: a concurrent G1 cycle, then the heap shrunk to 20 % free;
# on a container small enough for the JVM to pick the serial collector it stays off).
# JAVA_OPTS adds to these (and wins where it repeats one);
# `svcgate serve` always runs with -XX:+ExitOnOutOfMemoryError (bin/svcgate).
ENV PATH=/opt/svcgate/bin:$PATH \
    JAVA_DEFAULT_OPTS="-XX:MaxRAMPercentage=50 -XX:MaxDirectMemorySize=128m -XX:TrimNativeHeapInterval=5000 -XX:+ExplicitGCInvokesConcurrent -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20"

USER svcgate
WORKDIR /data
VOLUME ["/data"]
# 1215 HTTP; 9010 JMX when SVCGATE_JMX_PORT=9010; 7000 the TCP bridge when SVCGATE_BRIDGE_PORT=7000.
EXPOSE 1215 9010 7000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["/opt/svcgate/bin/healthcheck"]
# The gateway's graceful stop takes up to 30 s: stop it with `docker stop -t 40`,
# run it with `--stop-timeout 40` (compose: stop_grace_period: 40s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/svcgate/bin/docker-entrypoint"]
CMD ["serve"]
