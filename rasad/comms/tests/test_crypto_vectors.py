"""Interoperability: the primitives under Rasad's envelopes give the published test vectors
(RFC 8032 Ed25519, RFC 7748 X25519, the XChaCha20-Poly1305 test vector of the IETF draft that
libsodium implements), and Rasad's constructions match libsodium's by construction."""

from __future__ import annotations

import hashlib

import nacl.bindings as sodium
import nacl.encoding
import nacl.hash
import nacl.public
import nacl.signing
import pytest

from rasad.comms.crypto.envelope import attachment_key
from rasad.comms.crypto.stream import CHUNK_BYTES, decrypt_stream, encrypt_stream, encrypted_size

# RFC 8032, section 7.1, tests 1 and 2.
ED25519_VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]


@pytest.mark.parametrize(("seed", "public", "message", "signature"), ED25519_VECTORS)
def test_ed25519_matches_rfc8032(seed: str, public: str, message: str, signature: str) -> None:
    key = nacl.signing.SigningKey(bytes.fromhex(seed))
    assert bytes(key.verify_key).hex() == public
    assert key.sign(bytes.fromhex(message)).signature.hex() == signature
    key.verify_key.verify(bytes.fromhex(message), bytes.fromhex(signature))


def test_x25519_matches_rfc7748() -> None:
    alice = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    bob = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
    assert (
        sodium.crypto_scalarmult_base(alice).hex()
        == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    )
    assert (
        sodium.crypto_scalarmult_base(bob).hex()
        == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
    )
    shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
    assert sodium.crypto_scalarmult(alice, sodium.crypto_scalarmult_base(bob)).hex() == shared
    assert sodium.crypto_scalarmult(bob, sodium.crypto_scalarmult_base(alice)).hex() == shared


def test_xchacha20poly1305_matches_the_ietf_draft_vector() -> None:
    # draft-irtf-cfrg-xchacha, appendix A.3.1 (libsodium's crypto_aead_xchacha20poly1305_ietf).
    plaintext = (
        b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        b"future, sunscreen would be it."
    )
    associated = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
    key = bytes(range(0x80, 0xA0))
    nonce = bytes(range(0x40, 0x58))
    expected = (
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39"
        "ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        "21f9664c97637da9768812f615c68b13b52e"
        "c0875924c1c7987947deafd8780acf49"
    )
    ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated, nonce, key)
    assert ciphertext.hex() == expected
    assert sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, associated, nonce, key) == plaintext


def test_sealed_box_is_ephemeral_key_and_box_with_blake2b_nonce() -> None:
    """SECURITY.md A.5: a sealed box is ``epk || box(m, pk, esk, blake2b(epk || pk))``. Build one
    by hand from the primitives and let libsodium's crypto_box_seal_open read it."""
    recipient = nacl.public.PrivateKey.generate()
    ephemeral = nacl.public.PrivateKey.generate()
    ephemeral_public, recipient_public = bytes(ephemeral.public_key), bytes(recipient.public_key)
    nonce = nacl.hash.blake2b(
        ephemeral_public + recipient_public, digest_size=24, encoder=nacl.encoding.RawEncoder
    )
    message = b"content key: 32 bytes long......"
    boxed = sodium.crypto_box(message, nonce, recipient_public, bytes(ephemeral))
    sealed = ephemeral_public + boxed
    assert sodium.crypto_box_seal_open(sealed, recipient_public, bytes(recipient)) == message
    # And a sealed box from libsodium is 48 bytes longer than its message (32 key + 16 MAC).
    assert len(sodium.crypto_box_seal(message, recipient_public)) == len(message) + 48


def test_attachment_keys_are_libsodium_kdf_derive_from_key() -> None:
    """``crypto_kdf_derive_from_key`` is BLAKE2b keyed with the master key, the subkey id as
    little-endian salt and the context as personalization; the same call through libsodium's
    generichash must give the same subkey."""
    content_key = bytes(range(32))
    via_sodium = nacl.hash.blake2b(
        b"",
        digest_size=32,
        key=content_key,
        salt=(7).to_bytes(8, "little") + bytes(8),
        person=b"rasad-attach-v1\x00",
        encoder=nacl.encoding.RawEncoder,
    )
    assert attachment_key(content_key, 7) == via_sodium
    assert attachment_key(content_key, 7) != attachment_key(content_key, 8)
    assert hashlib.blake2b(b"", key=content_key, digest_size=32).digest() != via_sodium


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 5])
def test_secretstream_round_trip_at_chunk_boundaries(size: int) -> None:
    key = sodium.crypto_secretstream_xchacha20poly1305_keygen()
    data = bytes(index % 251 for index in range(size))
    sealed = encrypt_stream(key, data, b"msg")
    assert len(sealed) == encrypted_size(size)
    assert decrypt_stream(key, sealed, b"msg", what="attachment 1") == data
