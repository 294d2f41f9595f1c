"""The demo (``scripts/run``) shows the platform's Chinese error pages, never Django's debug pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Run under the demo settings in a process of its own (the test process has the test settings).
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/orders/no-such-page/x/")
static = client.get("/static/js/site.js")
print(json.dumps({
    "debug": settings.DEBUG,
    "missing_status": missing.status_code,
    "missing": missing.content.decode(),
    "static_status": static.status_code,
}))
"""


def test_pages_demo_shows_the_chinese_404_not_the_url_patterns(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.demo",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_DEBUG", None)
    out = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["debug"] is False
    assert result["missing_status"] == 404
    assert "页面不存在" in result["missing"]
    for debug_text in ["URLconf", "Using the URLconf", "Resolver404", "DEBUG = True", "orders/<str:number>"]:
        assert debug_text not in result["missing"]
    assert result["static_status"] == 200  # WhiteNoise serves the styles and scripts with DEBUG off


def test_pages_scripts_run_uses_the_demo_settings():
    assert "DJANGO_SETTINGS_MODULE=config.settings.demo" in (ROOT / "scripts" / "run").read_text()
