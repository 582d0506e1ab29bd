"""The e-mail file gateway: one file per message, named by its idempotency key.

Django's own file backend starts a new file per connection, so a message re-sent after a
worker was killed between writing it and recording the send became a second message.
This backend writes ``EMAIL_FILE_PATH/<key>.eml`` once; a message without the
``Idempotency-Key`` header (none of precinct's) gets a fresh random name.

For SMTP (``EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend``) the key travels
in the same header and as the ``Message-ID``: SMTP itself cannot refuse a repeat, but
mail stores that de-duplicate by Message-ID show one message.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from precinct.appeals.sms import KEY_HEADER
from precinct.core.files import SAFE_KEY, write_once


class FileEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        directory = Path(settings.EMAIL_FILE_PATH)
        for message in email_messages:
            key = str(message.extra_headers.get(KEY_HEADER, ""))
            if not SAFE_KEY.match(key):
                key = uuid.uuid4().hex
            write_once(directory / f"{key}.eml", message.message().as_bytes())
        return len(email_messages)
