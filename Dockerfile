# Tanya Artikel: the Telegram bot in a slim Python image, run as a non-root user.
# Build: docker build -t tanya-artikel .   Run: see compose.yaml and docs/deploying.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app

# Dependencies first, read from pyproject.toml: this layer is rebuilt only when they change,
# not on every change to the code or the corpus.
COPY pyproject.toml ./
RUN python -m venv /opt/venv \
    && python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps))" \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The bot itself, then the bundled corpus. A named volume mounted on /corpus starts as a copy of
# it (uploads by admins land there and survive recreating the container); /data holds SQLite.
COPY README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --no-log-init --uid 10001 --user-group --create-home bot \
    && mkdir -p /corpus /data \
    && chown bot:bot /corpus /data
COPY --chown=bot:bot corpus/ /corpus/

ENV CORPUS_DIR=/corpus \
    DATABASE_PATH=/data/bot.sqlite3

USER 10001:10001
WORKDIR /home/bot
VOLUME ["/data", "/corpus"]

HEALTHCHECK --interval=60s --timeout=30s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "run"]
