# A generation worker: one per GPU. PyPI's torch 2.13.0 wheel is the CUDA build, with its CUDA libraries.
#   docker build -f docker/worker.Dockerfile -t previz-worker .
#   docker run --gpus '"device=0"' -e DATABASE_URL=... -e REDIS_URL=... -e STUDIO_MODELS=/models/models.json \
#              -v /srv/models:/models:ro -v previz-media:/var/lib/previz/media previz-worker
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STUDIO_DEBUG=0 STUDIO_VAR_DIR=/var/lib/previz \
    HF_HUB_OFFLINE=1
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY manage.py ./
COPY studio/ studio/
COPY generation/ generation/
RUN useradd --system --home /var/lib/previz previz && mkdir -p /var/lib/previz/media /var/lib/previz/models \
 && python -m generation.tiny /var/lib/previz/models && chown -R previz /var/lib/previz
USER previz
CMD ["python", "manage.py", "generation_worker", "--gpu", "0"]
