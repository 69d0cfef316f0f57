# The shop (src/StatelessApp.Web) as a container image: the same `dotnet publish` the local stack runs
# (`./stack up` publishes src/StatelessApp.Web -c Release and runs the output), on the ASP.NET Core runtime image.
#
#   docker build -t statelessapp-web .
#   docker run ... statelessapp-web            → serves on ASPNETCORE_URLS
#   docker run ... statelessapp-web migrate    → applies migrations + seed, exits 0
#
# Versions are pinned: the SDK satisfies global.json (10.0.400, latest patch), the runtime is the one the tests run on.
# tests/StatelessApp.DeployTests checks both, and runs the publish line below exactly as written.
# Both images are build arguments (SDK_IMAGE, RUNTIME_IMAGE) whose defaults are these official ones. Where no image
# registry can be reached, deploy/images/app-self-contained.Dockerfile builds the same app on a plain Debian base
# instead (deploy/images/build-images.sh --local-base): every stage here needs a .NET image.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Restore first, from the project files only: a code change does not re-download packages. .editorconfig carries
# the analyzer settings the build treats as errors: without it the image would not build what the tests build.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/StatelessApp.Hosting/StatelessApp.Hosting.csproj src/StatelessApp.Hosting/
COPY src/StatelessApp.Web/StatelessApp.Web.csproj src/StatelessApp.Web/
RUN dotnet restore src/StatelessApp.Web
COPY src/StatelessApp.Hosting/ src/StatelessApp.Hosting/
COPY src/StatelessApp.Web/ src/StatelessApp.Web/
RUN dotnet publish src/StatelessApp.Web -c Release -o /app -nologo

# Chiseled: no shell, no package manager, non-root (user "app", $APP_UID) by default. The app needs neither ICU
# (InvariantGlobalization) nor tzdata. The health check therefore cannot use curl: the app probes itself.
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID
# `healthcheck` (LivenessProbe) GETs /health/live on the first ASPNETCORE_URLS address. Liveness, not readiness:
# an instance that cannot reach Redis or PostgreSQL is alive (restarting it would not help) but not ready, and the
# proxies route by /health/ready themselves.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["dotnet", "StatelessApp.Web.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "StatelessApp.Web.dll"]
