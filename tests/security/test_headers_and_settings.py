"""CSP and security headers, production cookies, upload limits and a clean `check --deploy`."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

BASE_DIR = Path(django_settings.BASE_DIR)
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "example.org",
    "DJANGO_SETTINGS_MODULE": "ecatalog.settings",
}


def _production_env(**extra):
    # Browser test modules set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never has it.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION_ENV)
    env.update(extra)
    return env


@pytest.mark.django_db
def test_every_response_has_csp_and_security_headers(client):
    response = client.get("/tidak-ada/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)


def test_no_template_needs_inline_script_or_style_forbidden_by_the_csp():
    offenders = []
    for template in BASE_DIR.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        if INLINE_HANDLER.search(text) or INLINE_SCRIPT.search(text) or INLINE_STYLE.search(text):
            offenders.append(str(template.relative_to(BASE_DIR)))
    assert offenders == [], "inline script and style are blocked by the CSP; move them to static/"


def test_upload_and_request_size_limits_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.MAX_PHOTO_BYTES <= 5 * 1024 * 1024
    assert settings.MAX_PHOTO_PIXELS <= 40_000_000


@pytest.mark.django_db
def test_oversized_form_post_is_refused_with_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/akun/masuk/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 400


def test_production_settings_use_secure_cookies_and_https():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ['DEBUG', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(out.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    )
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


def _start_django(env):
    code = "import django; django.setup(); from django.conf import settings as s; print('started', s.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = _start_django(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_to_start_with_the_published_development_key():
    from ecatalog.settings import DEVELOPMENT_SECRET_KEY

    for key in (DEVELOPMENT_SECRET_KEY, "", "   ", "django-insecure-" + "x" * 50):
        result = _start_django(_production_env(SECRET_KEY=key))
        assert result.returncode != 0, key
        assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_check_deploy_fails_loudly_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_developer_machine_still_starts_on_the_development_key():
    env = _production_env(DEBUG="1")
    del env["SECRET_KEY"]
    result = _start_django(env)
    assert result.returncode == 0, result.stderr
    assert "started True" in result.stdout
