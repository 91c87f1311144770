from django.db import models

from . import crypto


class Ciphertext(str):
    """A value already encrypted by crypto.encrypt (bulk loaders encrypt once and reuse it).

    Only code can make one: text typed by a person is a plain str and is always encrypted.
    """


class EncryptedTextField(models.TextField):
    """Text stored encrypted (Fernet) and read back in clear; it cannot be filtered on in SQL."""

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        if isinstance(value, Ciphertext):
            return str(value)
        value = super().get_prep_value(value)
        return crypto.encrypt(value)
