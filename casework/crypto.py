"""Encryption at rest for citizens' personal data, and keyed hashes for exact lookups.

Keys come from the environment (PERSONAL_DATA_KEYS, comma-separated Fernet keys, newest first).
Every key in the list can decrypt; only the first encrypts. Rotating means putting a new key first,
running `manage.py rotate_personal_data_key`, then dropping the old key from the list.
"""

import base64
import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.encoding import force_bytes

PREFIX = "enc1:"


def derived_key(purpose):
    """A key derived from SECRET_KEY, for development and tests only (production sets real keys)."""
    digest = hashlib.sha256(force_bytes(f"{purpose}:{settings.SECRET_KEY}")).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def _fernet():
    keys = list(settings.PERSONAL_DATA_KEYS) or [derived_key("personal-data")]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "PERSONAL_DATA_KEYS must hold Fernet keys (32 url-safe base64 bytes)."
        ) from exc


@receiver(setting_changed)
def _forget_keys(setting, **kwargs):
    if setting in {"PERSONAL_DATA_KEYS", "SECRET_KEY"}:
        _fernet.cache_clear()


def encrypt(text):
    if text in (None, ""):
        return text
    return PREFIX + _fernet().encrypt(force_bytes(text)).decode()


def decrypt(stored):
    if stored in (None, "") or not stored.startswith(PREFIX):
        # Plain values predate encryption (or are anonymised placeholders); they read as they are.
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("Personal data cannot be decrypted with the configured keys.") from exc


def normalise_for_lookup(value, kind):
    value = (value or "").strip()
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        # +86 / 0086 prefixes name the same mobile number as the bare eleven digits.
        for country in ("0086", "86"):
            if digits.startswith(country) and len(digits) == len(country) + 11:
                digits = digits[len(country) :]
        return digits
    if kind == "email":
        return value.lower()
    return value


def lookup_hash(value, kind):
    """A keyed hash, so staff can find cases by exact phone or e-mail without decrypting every row."""
    normalised = normalise_for_lookup(value, kind)
    if not normalised:
        return ""
    key = force_bytes(settings.PERSONAL_DATA_HASH_KEY or derived_key("personal-data-hash"))
    return hmac.new(key, force_bytes(f"{kind}:{normalised}"), hashlib.sha256).hexdigest()


# --- Access codes ------------------------------------------------------------------------------
# A citizen's access code is random with 60 bits, so a slow password hash adds nothing against
# guessing it offline and made every tracking lookup cost 0.2 s of CPU (a lever for denial of
# service). A keyed HMAC is as strong here as long as its key stays out of the database, and costs
# microseconds. ACCESS_CODE_KEYS are newest first like PERSONAL_DATA_KEYS: the first one hashes new
# codes; a stored hash names the key it was made with, so older keys still verify, and the hash is
# rewritten with the newest key on the next successful lookup.

ACCESS_CODE_SCHEME = "hmac-sha256"


def _access_code_keys():
    keys = list(settings.ACCESS_CODE_KEYS) or [derived_key("access-code")]
    return [(hashlib.sha256(force_bytes(key)).hexdigest()[:8], force_bytes(key)) for key in keys]


def _access_code_digest(key, raw_code):
    return hmac.new(key, force_bytes(raw_code), hashlib.sha256).hexdigest()


def hash_access_code(raw_code):
    key_id, key = _access_code_keys()[0]
    return f"{ACCESS_CODE_SCHEME}${key_id}${_access_code_digest(key, raw_code)}"


def check_access_code(raw_code, stored):
    """(matches, needs_rehash) for a code typed by a citizen against its stored hash.

    The work done is the same whether the code is right or wrong; hashes made with Django's password
    hashers before this scheme still verify (slowly) and ask to be rewritten.
    """
    keys = _access_code_keys()
    scheme, _sep, rest = (stored or "").partition("$")
    if scheme != ACCESS_CODE_SCHEME:
        from django.contrib.auth.hashers import check_password

        if not stored or stored.startswith("!"):
            # No code was ever issued (synthetic or erased cases); still spend the same HMAC.
            _access_code_digest(keys[0][1], raw_code)
            return False, False
        matches = check_password(raw_code, stored)
        return matches, matches
    key_id, _sep, digest = rest.partition("$")
    key = dict(keys).get(key_id)
    expected = _access_code_digest(key or keys[0][1], raw_code)
    matches = key is not None and hmac.compare_digest(expected, digest)
    return matches, matches and key_id != keys[0][0]


def spend_access_code_check(raw_code):
    """The cost of one check, for a reference that does not exist (so it cannot be told apart)."""
    _access_code_digest(_access_code_keys()[0][1], raw_code)


# --- Search terms ------------------------------------------------------------------------------


def term_hash(token):
    """A keyed hash of one search term of personal data, as the case search index stores it.

    The index must not hold a citizen's name or number in clear, yet still answer an exact term; a
    query's terms are hashed the same way. Sixteen hex digits (64 bits) keep collisions negligible
    at any number of terms an office will index while keeping the column small, and being a plain
    ASCII word a hash passes through LIKE, tsvector and Elasticsearch's whitespace analyzer as is.
    """
    key = force_bytes(settings.PERSONAL_DATA_HASH_KEY or derived_key("personal-data-hash"))
    # The "term:" prefix keeps these apart from lookup_hash's "phone:"/"email:" under the same key.
    return hmac.new(key, force_bytes(f"term:{token}"), hashlib.sha256).hexdigest()[:16]
