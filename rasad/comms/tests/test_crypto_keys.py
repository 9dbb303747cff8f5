"""Key certificates, revocations and bundles: issued by the identity key, checked fail-closed,
and a bundle under a new identity key is told apart from a forged one."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta

import pytest

from rasad.comms.crypto import (
    Bundle,
    Certificate,
    CryptoError,
    Failure,
    Purpose,
    Revocation,
    SigningKeyPair,
    certify,
    cross_sign_identity,
    key_id,
    make_bundle,
    revoke,
    verify_bundle,
    verify_certificate,
    verify_identity_rotation,
    verify_revocation,
)
from rasad.comms.tests.crypto_helpers import NOW, CentreKeys


@pytest.fixture
def centre() -> CentreKeys:
    return CentreKeys("YZD-CC")


def bundle_of(centre: CentreKeys, *, revocations: tuple[Revocation, ...] = ()) -> Bundle:
    return make_bundle(
        centre.identity,
        centre=centre.code,
        name="مرکز فرماندهی و کنترل استان یزد",
        node_url="https://yazd.example/comms/",
        certificates=[centre.certificate(Purpose.SIGN), centre.certificate(Purpose.ENCRYPT)],
        revocations=revocations,
        issued_at=NOW,
    )


def test_key_ids_depend_on_purpose_and_key() -> None:
    public = os.urandom(32)
    assert key_id(Purpose.SIGN, public).startswith("s-")
    assert key_id(Purpose.ENCRYPT, public).startswith("e-")
    assert key_id(Purpose.SIGN, public)[2:] != key_id(Purpose.ENCRYPT, public)[2:]
    assert len(key_id(Purpose.IDENTITY, public)) == 22


def test_certificate_verifies_under_its_identity(centre: CentreKeys) -> None:
    certificate = centre.certificate(Purpose.ENCRYPT)
    verify_certificate(certificate, centre.identity.public_key, centre=centre.code)
    assert certificate.kid == centre.encryption.kid
    assert certificate.is_valid_at(NOW)
    assert not certificate.is_valid_at(NOW + timedelta(days=40))


def test_certificate_survives_its_wire_form(centre: CentreKeys) -> None:
    certificate = centre.certificate(Purpose.SIGN)
    assert Certificate.from_dict(certificate.to_dict()) == certificate


@pytest.mark.parametrize(
    "change",
    [
        {"not_after": NOW + timedelta(days=400)},
        {"centre": "ISF-BCC"},
        {"public_key": os.urandom(32)},
        {"purpose": Purpose.ENCRYPT},
    ],
    ids=["extended", "other-centre", "swapped-key", "other-purpose"],
)
def test_altered_certificate_fails(centre: CentreKeys, change: dict[str, object]) -> None:
    certificate = dataclasses.replace(centre.certificate(Purpose.SIGN), **change)  # type: ignore[arg-type]
    with pytest.raises(CryptoError) as caught:
        verify_certificate(certificate, centre.identity.public_key, centre=certificate.centre)
    assert caught.value.failure == Failure.CERTIFICATE


def test_certificate_from_another_identity_fails(centre: CentreKeys) -> None:
    impostor = SigningKeyPair.generate(Purpose.IDENTITY)
    certificate = certify(
        impostor,
        centre=centre.code,
        purpose=Purpose.SIGN,
        public_key=centre.signing.public_key,
        not_before=NOW,
        not_after=NOW + timedelta(days=1),
    )
    with pytest.raises(CryptoError) as caught:
        verify_certificate(certificate, centre.identity.public_key, centre=centre.code)
    assert "another identity key" in caught.value.detail


def test_only_identity_keys_certify(centre: CentreKeys) -> None:
    with pytest.raises(ValueError, match="identity"):
        certify(
            centre.signing,
            centre=centre.code,
            purpose=Purpose.ENCRYPT,
            public_key=centre.encryption.public_key,
            not_before=NOW,
            not_after=NOW + timedelta(days=1),
        )


def test_revocation_verifies_and_refuses_alteration(centre: CentreKeys) -> None:
    revocation = revoke(
        centre.identity, centre=centre.code, kid=centre.signing.kid, revoked_at=NOW, reason="compromised"
    )
    verify_revocation(revocation, centre.identity.public_key, centre=centre.code)
    assert Revocation.from_dict(revocation.to_dict()) == revocation
    altered = dataclasses.replace(revocation, kid=centre.encryption.kid)
    with pytest.raises(CryptoError) as caught:
        verify_revocation(altered, centre.identity.public_key, centre=centre.code)
    assert caught.value.failure == Failure.CERTIFICATE


def test_bundle_round_trip_and_verification(centre: CentreKeys) -> None:
    revocation = revoke(
        centre.identity, centre=centre.code, kid="e-" + "0" * 20, revoked_at=NOW, reason="rotated"
    )
    bundle = bundle_of(centre, revocations=(revocation,))
    parsed = Bundle.from_dict(bundle.to_dict())
    assert parsed == bundle
    verify_bundle(parsed, pinned_identity_key=centre.identity.public_key)


def test_bundle_with_an_altered_certificate_fails(centre: CentreKeys) -> None:
    bundle = bundle_of(centre)
    data = bundle.to_dict()
    data["certificates"][1]["public_key"] = data["certificates"][0]["public_key"]
    with pytest.raises(CryptoError):
        verify_bundle(Bundle.from_dict(data))


def test_bundle_with_altered_address_fails(centre: CentreKeys) -> None:
    bundle = dataclasses.replace(bundle_of(centre), node_url="https://attacker.example/")
    with pytest.raises(CryptoError) as caught:
        verify_bundle(bundle)
    assert caught.value.failure == Failure.BUNDLE


def test_bundle_under_a_new_identity_is_told_apart(centre: CentreKeys) -> None:
    """A genuine, self-consistent bundle under another identity key than the pinned one is
    refused as an identity change (for an administrator to confirm), not as garbage."""
    pinned = centre.identity.public_key
    centre.identity = SigningKeyPair.generate(Purpose.IDENTITY)
    with pytest.raises(CryptoError) as caught:
        verify_bundle(bundle_of(centre), pinned_identity_key=pinned)
    assert caught.value.failure == Failure.IDENTITY_CHANGED


def test_identity_rotation_is_cross_signed_by_the_old_key(centre: CentreKeys) -> None:
    new = SigningKeyPair.generate(Purpose.IDENTITY)
    rotation = cross_sign_identity(centre.identity, new, centre=centre.code, rotated_at=NOW)
    verify_identity_rotation(
        rotation, old_identity_key=centre.identity.public_key, new_identity_key=new.public_key
    )
    forged = cross_sign_identity(new, new, centre=centre.code, rotated_at=NOW)
    forged = dataclasses.replace(forged, old_identity_key=centre.identity.public_key)
    with pytest.raises(CryptoError):
        verify_identity_rotation(
            forged, old_identity_key=centre.identity.public_key, new_identity_key=new.public_key
        )


def test_private_keys_never_appear_in_repr(centre: CentreKeys) -> None:
    assert centre.signing.seed.hex() not in repr(centre.signing)
    assert centre.encryption.secret.hex() not in repr(centre.encryption)
    assert repr(centre.signing) == f"SigningKeyPair(sign, {centre.signing.kid})"
