"""Personal data encryption primitives: round trip, key rotation, keyed lookup hashes."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from casework import crypto

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_round_trip_hides_the_clear_text(settings):
    settings.PERSONAL_DATA_KEYS = [NEW_KEY]
    stored = crypto.encrypt("王小明 13812345678")
    assert stored.startswith("enc1:")
    assert "13812345678" not in stored and "王小明" not in stored
    assert crypto.decrypt(stored) == "王小明 13812345678"


def test_empty_values_stay_empty():
    assert crypto.encrypt("") == ""
    assert crypto.encrypt(None) is None
    assert crypto.decrypt("") == ""


def test_old_key_still_decrypts_after_a_new_key_is_put_first(settings):
    settings.PERSONAL_DATA_KEYS = [OLD_KEY]
    stored = crypto.encrypt("chen@example.org")
    settings.PERSONAL_DATA_KEYS = [NEW_KEY, OLD_KEY]
    assert crypto.decrypt(stored) == "chen@example.org"
    settings.PERSONAL_DATA_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(stored)


def test_lookup_hash_matches_the_same_number_however_written(settings):
    settings.PERSONAL_DATA_HASH_KEY = "k1"
    a = crypto.lookup_hash("138 1234 5678", "phone")
    assert a == crypto.lookup_hash("+86 138-1234-5678", "phone")
    assert a != crypto.lookup_hash("13812345679", "phone")
    assert crypto.lookup_hash("Chen@Example.org ", "email") == crypto.lookup_hash("chen@example.org", "email")
    assert "13812345678" not in a


def test_lookup_hash_depends_on_the_key(settings):
    settings.PERSONAL_DATA_HASH_KEY = "k1"
    first = crypto.lookup_hash("13812345678", "phone")
    settings.PERSONAL_DATA_HASH_KEY = "k2"
    assert crypto.lookup_hash("13812345678", "phone") != first
