FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production PYTHON=python
WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY portal ./portal
COPY content ./content
COPY collaboration ./collaboration
RUN pip install --no-deps .
COPY . .
# Writable by the unprivileged user: uploads, collected static files and the case documents
# (collaboration/storage.py: /app/private-media); compose mounts named volumes on media and
# private-media, which Docker fills with this ownership on first use.
RUN useradd --system --uid 10001 portal \
    && mkdir -p /app/media /app/staticfiles /app/private-media \
    && chown -R portal /app/media /app/staticfiles /app/private-media \
    && chmod 0750 /app/private-media
USER portal
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
