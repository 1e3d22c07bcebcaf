import pytest
from django.conf import settings


@pytest.mark.django_db
def test_pages_are_indonesian_even_when_the_browser_asks_for_english(anon_client):
    response = anon_client.get("/produk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_selects_english(anon_client):
    response = anon_client.post("/i18n/setlang/", {"language": "en", "next": "/produk/"})
    assert response.status_code == 302
    assert anon_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = anon_client.get("/produk/").content.decode()
    assert '<html lang="en">' in page
