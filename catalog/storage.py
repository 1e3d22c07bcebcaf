"""Storage for files that must never be public (vendor certificates, delivery notes).

They live outside MEDIA_ROOT, so neither Django's media view nor nginx can
serve them; views that check permissions stream them instead.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    # Read the setting on every access so tests (and deployments) can point it elsewhere.
    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL; use the permission-checked download view.")


private_storage = PrivateStorage()
