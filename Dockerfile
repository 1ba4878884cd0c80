# Heartful in a container: `docker build -t heartful .` then `docker run --env-file .env -p 3000:3000 heartful`.
# Teams with several replicas use docker-compose.yml (PostgreSQL beside it).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY prompts ./prompts
COPY db ./db
# Every wheel the app needs, built once here; the runtime image installs them with no compiler and no cache.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 heartful
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels heartful && rm -rf /wheels
USER heartful
WORKDIR /home/heartful
# SQLite by default, on a volume; set DATABASE_URL to PostgreSQL for several replicas.
RUN mkdir -p /home/heartful/data
ENV DATABASE_URL=sqlite:////home/heartful/data/heartful.db
VOLUME ["/home/heartful/data"]
EXPOSE 3000
# Liveness: the process serves. /readyz (database, Slack auth, backlog) is for a load balancer to route by.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=2)"]
ENTRYPOINT ["heartful", "serve", "--host", "0.0.0.0", "--port", "3000"]
