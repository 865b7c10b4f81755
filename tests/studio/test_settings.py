"""Production settings (STUDIO_DEBUG=0): a SECRET_KEY too short is refused at start; behind TLS, plain HTTP is
redirected to HTTPS and HTTPS answers carry HSTS. Each case starts Django in a process of its own, as a server does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.servers import ROOT

LONG_KEY = "k" * 25 + "3Xq-9" * 5
REQUESTS = """
import json, django
django.setup()
from django.test import Client
plain = Client().get("/login/")
tls = Client().get("/login/", headers={"x-forwarded-proto": "https"})
print(json.dumps([plain.status_code, plain.get("Location"), tls.status_code, tls.get("Strict-Transport-Security")]))
"""


def start_django(tmp_path, code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "studio.settings", "STUDIO_VAR_DIR": str(tmp_path),
                   "ALLOWED_HOSTS": "testserver", "STUDIO_EMBEDDED_WORKER": "0", **env}
    for name in ("DATABASE_URL", "REDIS_URL"):
        environment.pop(name, None)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=60)


def test_production_refuses_a_secret_key_shorter_than_50_characters(tmp_path):
    started = start_django(tmp_path, "import django; django.setup()", STUDIO_DEBUG="0", SECRET_KEY="k" * 49)

    assert started.returncode == 1
    assert ("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is 49 characters; with STUDIO_DEBUG=0 it must be "
            "at least 50") in started.stderr


def test_production_behind_tls_redirects_plain_http_and_sends_hsts(tmp_path):
    started = start_django(tmp_path, REQUESTS, STUDIO_DEBUG="0", SECRET_KEY=LONG_KEY)

    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout.strip().splitlines()[-1]) == [
        301, "https://testserver/login/", 200, "max-age=31536000"]


def test_production_without_tls_serves_plain_http(tmp_path):
    started = start_django(tmp_path, REQUESTS, STUDIO_DEBUG="0", SECRET_KEY=LONG_KEY, STUDIO_TLS="0")

    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout.strip().splitlines()[-1]) == [200, None, 200, None]
