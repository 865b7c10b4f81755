# The studio's web process: Daphne serving HTTP and websockets.
#   docker build -f docker/web.Dockerfile -t previz-web .
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
# espeak-ng speaks the animatic's scratch dialogue; the Noto fonts print storyboards in every script.
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng fonts-noto-core fonts-noto-cjk \
    fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STUDIO_DEBUG=0 STUDIO_VAR_DIR=/var/lib/previz \
    STUDIO_EMBEDDED_WORKER=0
WORKDIR /app
COPY requirements.txt ./
# The web process never runs a model (workers do): torch's CPU build keeps this image small.
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install --no-cache-dir -r requirements.txt
COPY manage.py ./
COPY studio/ studio/
COPY generation/ generation/
COPY --from=frontend /src/frontend/dist frontend/dist
RUN SECRET_KEY=build python manage.py collectstatic --noinput -v 0
RUN useradd --system --home /var/lib/previz previz && mkdir -p /var/lib/previz/media && chown -R previz /var/lib/previz
USER previz
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && daphne -b 0.0.0.0 -p 8000 studio.asgi:application"]
