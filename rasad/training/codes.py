"""Certificate verification codes: 10 characters from an alphabet without look-alikes (no 0/O,
1/I/L), shown in two groups of five («K7W3M-Q9XHT»): about 49 random bits, so guessing one is
hopeless. Reading a code ignores case, dashes and spaces, and accepts Persian or Arabic digits."""

from __future__ import annotations

import secrets

from rasad.lib.persian import to_latin_digits

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """The code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}" if len(code) == LENGTH else code


def clean(text: str) -> str | None:
    """The code as stored, from what someone typed or scanned; ``None`` when it cannot be one."""
    code = "".join(ch for ch in to_latin_digits(text or "").upper() if ch.isalnum())
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code
