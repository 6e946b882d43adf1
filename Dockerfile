# Hỏa Tốc bot image: slim Python, locked dependencies, non-root user, database on a volume.
FROM python:3.11-slim

# MPLCONFIGDIR: matplotlib (/chart) keeps its font cache there, as the user has no home.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOATOC_DATABASE=/data/hoatoc.db \
    HOATOC_BACKUP_DIR=/data/backups \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY config ./config
COPY examples ./examples
RUN pip install --no-deps . \
 && rm -rf build hoatoc.egg-info \
 && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent hoatoc \
 && mkdir -p /data && chown hoatoc /data

USER hoatoc
VOLUME ["/data"]

CMD ["hoatoc", "run"]
