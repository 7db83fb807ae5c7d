FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production PYTHON=python
WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal ./portal
COPY content ./content
COPY collaboration ./collaboration
RUN pip install .
COPY . .
RUN useradd --system --uid 10001 portal && mkdir -p /app/media /app/staticfiles \
    && chown -R portal /app/media /app/staticfiles
USER portal
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
