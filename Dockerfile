# ESignWeb — multi-stage image: build with the .NET SDK (+ Node.js for the npm front-end packages),
# run on the ASP.NET Core runtime as a non-root user with all state in the /data volume.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# npm packages first (cached while package*.json are unchanged); see App/FrontEnd.targets for why not `npm ci`.
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --no-save --omit=optional --loglevel=error
COPY . .
RUN dotnet publish App/App.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The runtime image's non-root user "app" owns the data directory (SQLite database, blobs, outbox, keys).
RUN mkdir -p /data && chown app:app /data
# Links in mail point here (the app refuses to listen beyond loopback without it): override with
# -e ESign__PublicBaseUrl=https://sign.example.com on a real host.
ENV ESign__DataPath=/data \
    ESign__PublicBaseUrl=http://localhost:8080 \
    ASPNETCORE_HTTP_PORTS=8080
VOLUME ["/data"]
EXPOSE 8080
USER app
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["dotnet", "/app/ESignWeb.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "/app/ESignWeb.dll"]
