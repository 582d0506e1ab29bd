"""Static files with content-hashed names, gzipped, served by WhiteNoise for a year."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed names from collectstatic's manifest; the plain name of a file it lacks.

    ``bin/serve`` runs collectstatic, so production pages link hashed, long-cached files.
    Tests and a fresh clone have no manifest yet: their pages link the plain names, which
    WhiteNoise serves from the app directories (WHITENOISE_USE_FINDERS), instead of a 500.
    """

    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # neither in the manifest nor collected yet
            return name
