# syntax=docker/dockerfile:1
# Encours Hub image: the Spring Boot jar plus the routes, connector descriptors and mappings it reads
# from HUB_HOME at startup. Built and run by docker-compose.yml (production profile).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src src
# The Maven cache mount keeps rebuilds from downloading the dependencies again; tests run in CI, not here
# (maven.test.skip also skips unpacking the test broker).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -Dmaven.test.skip=true \
 && cp target/encours-hub-*.jar /build/encours-hub.jar

FROM eclipse-temurin:17-jre
# curl for the health check: not every eclipse-temurin tag ships it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 hub \
 && useradd --system --uid 10001 --gid hub --home-dir /opt/encours-hub --shell /usr/sbin/nologin hub \
 && mkdir -p /var/lib/encours-hub \
 && chown hub:hub /var/lib/encours-hub

ENV HUB_HOME=/opt/encours-hub \
    HUB_DATA_DIR=/var/lib/encours-hub \
    SPRING_PROFILES_ACTIVE=production
WORKDIR /opt/encours-hub
# Owned by root and read-only for the hub: routes, descriptors and mappings change by a new image, not at run time.
COPY --from=build /build/encours-hub.jar encours-hub.jar
COPY routes/ routes/
COPY connectors/ connectors/
COPY mappings/ mappings/

USER 10001:10001
EXPOSE 8080

# Every HTTP endpoint, actuator included, requires a login: the check uses an account of the hub
# (HUB_HEALTHCHECK_USER/PASSWORD, from the environment like every other secret). A DOWN component
# answers 503, which curl -f turns into a failure.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=4 \
    CMD curl -fsS -o /dev/null -u "${HUB_HEALTHCHECK_USER}:${HUB_HEALTHCHECK_PASSWORD}" \
        "http://127.0.0.1:${HUB_PORT:-8080}/actuator/health" || exit 1

# JVM flags live here and nowhere else. Heap follows the container's memory limit; after an
# OutOfMemoryError the JVM exits so that the container restarts instead of limping (every message in
# flight is in a broker transaction and is redelivered). Extra flags: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/encours-hub/encours-hub.jar"]
