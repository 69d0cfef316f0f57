# The shop's image without any .NET image: a self-contained publish (the .NET and ASP.NET Core runtimes come from
# NuGet's runtime packs, restored like any package) on a plain Debian 12. For machines that reach Debian's mirror and
# NuGet but no image registry: deploy/images/build-images.sh --local-base publishes the app and builds this on the
# local Debian base. Everybody else uses the root Dockerfile (the official SDK and ASP.NET Core runtime images).
# Its build context is a folder holding the publish output in app/:
#   dotnet publish src/StatelessApp.Web -c Release -r linux-x64 --self-contained -o CONTEXT/app -nologo
#   docker build -f deploy/images/app-self-contained.Dockerfile -t statelessapp-web:local CONTEXT
# What deploy/compose/services.yml relies on is the root Dockerfile's image's: the app in /app, the user app with uid
# and gid 1654 ($APP_UID of the .NET images), the `healthcheck` verb as the health check, `migrate` as a command.
ARG BASE_IMAGE=debian:12.12-slim
FROM ${BASE_IMAGE}
# What the runtime loads from the system, as the .NET images carry it: the C and C++ runtimes, zlib, OpenSSL 3 (TLS:
# Kestrel, Redis, PostgreSQL) and the CA bundle. No ICU (InvariantGlobalization) and no tzdata, like the chiseled image.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates libc6 libgcc-s1 libssl3 libstdc++6 zlib1g; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --gid 1654 app; \
    useradd --uid 1654 --gid app --create-home --shell /usr/sbin/nologin app
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
WORKDIR /app
COPY app/ ./
USER 1654:1654
# `healthcheck` (LivenessProbe) GETs /health/live on the first ASPNETCORE_URLS address, as in the root Dockerfile; a
# self-contained publish starts through its own executable (there is no `dotnet` here).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/app/StatelessApp.Web", "healthcheck"]
ENTRYPOINT ["/app/StatelessApp.Web"]
