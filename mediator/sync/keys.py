"""Each office's two key pairs, their fingerprints, public key files and trusted keys.

An office signs its packages with Ed25519 and receives packages encrypted to its X25519 key.
The private halves live in ``<config>/keys/<office code>.key``, created readable by the user
only (mode 600 in a 700 folder on POSIX; on Windows the per-user profile folder already keeps
other users out). They are never written to the database, so no backup or sync package can
carry them.

The fingerprint covers the office code and both public keys: 32 decimal digits in 8 groups
of 4 (about 106 bits). Digits, because two clerks compare them by reading them aloud over the
phone, and digits are what Chinese speakers read most reliably (no letter names to spell).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from mediator.core.errors import ValidationError
from mediator.core.files import atomic_write
from mediator.core.safejson import loads_bounded
from mediator.core.text import strip_controls
from mediator.core.validate import normalise, parse_office_code
from mediator.i18n import t
from mediator.sync.errors import PackageInvalid, SyncSetupError

PRIVATE_FORMAT = "mediator-private-key"
PUBLIC_FORMAT = "mediator-public-key"
KEY_VERSION = 1
FINGERPRINT_CONTEXT = b"mediator-key-v1\x00"
PUBLIC_SIG_CONTEXT = b"mediator-public-key-file v1\x00"
MAX_PUBLIC_FILE = 64 * 1024


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, length: int) -> bytes:
    if not isinstance(text, str):
        raise TypeError("not a string")
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) != length:
        raise ValueError("wrong length")
    return raw


def fingerprint(office_code: str, sign_key: bytes, enc_key: bytes) -> str:
    """32 decimal digits derived from SHA-256 over the office code and both public keys."""
    digest = hashlib.sha256(FINGERPRINT_CONTEXT + office_code.encode("ascii") + b"\x00"
                            + sign_key + enc_key).digest()
    return f"{int.from_bytes(digest, 'big') % 10**32:032d}"


def format_fingerprint(fp: str) -> str:
    """'1234 5678 …': 8 groups of 4 digits, to read aloud."""
    return " ".join(fp[i:i + 4] for i in range(0, len(fp), 4))


def clean_fingerprint(text: str | None) -> str:
    """Digits only: people type fingerprints with spaces, dashes or full-width digits."""
    return re.sub(r"[^0-9]", "", normalise(text))


@dataclass(frozen=True)
class PublicKeys:
    office_code: str
    office_name: str
    sign_key: bytes
    enc_key: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.office_code, self.sign_key, self.enc_key)

    @property
    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.sign_key)

    @property
    def recipient(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.enc_key)


@dataclass(frozen=True)
class OfficeKeys:
    """This office's private keys (loaded from the config folder)."""

    office_code: str
    office_name: str
    sign: Ed25519PrivateKey
    enc: X25519PrivateKey
    path: Path

    @property
    def public(self) -> PublicKeys:
        return PublicKeys(
            self.office_code, self.office_name,
            self.sign.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            self.enc.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        )

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint


# --- private key files -----------------------------------------------------------------------


def key_dir(paths: Any) -> Path:
    return Path(paths.config) / "keys"


def key_file(paths: Any, office_code: str) -> Path:
    return key_dir(paths) / f"{office_code}.key"


def _restrict(path: Path, mode: int) -> None:
    if os.name == "posix":
        os.chmod(path, mode)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) as a folder only the user can enter."""
    path.mkdir(parents=True, exist_ok=True)
    _restrict(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable only by the user: created with mode 600, fsynced, renamed."""
    private_dir(path.parent)
    atomic_write(path, data, private=True)
    _restrict(path, 0o600)


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def ensure_keys(paths: Any, office: Any) -> OfficeKeys:
    """The office's keys, created on first use (called by ``mediator init``).

    An existing key file is never replaced: other offices trust its public half.
    """
    code = parse_office_code(office.code)
    path = key_file(paths, code)
    if path.exists():
        return load_keys(paths, code)
    sign, enc = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    data = {
        "format": PRIVATE_FORMAT, "version": KEY_VERSION, "office_code": code,
        "office_name": office.name, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sign_private": b64(_raw_private(sign)), "enc_private": b64(_raw_private(enc)),
    }
    write_private(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    return OfficeKeys(code, office.name, sign, enc, path)


def has_keys(paths: Any, office_code: str) -> bool:
    return key_file(paths, office_code).exists()


def load_keys(paths: Any, office_code: str) -> OfficeKeys:
    path = key_file(paths, office_code)
    if not path.exists():
        raise SyncSetupError(t("sync.keys.missing", code=office_code, path=str(path)))
    try:
        _restrict(path, 0o600)  # tighten a file copied in with looser permissions
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != PRIVATE_FORMAT or data.get("office_code") != office_code:
            raise ValueError("not this office's key file")
        sign = Ed25519PrivateKey.from_private_bytes(unb64(data["sign_private"], 32))
        enc = X25519PrivateKey.from_private_bytes(unb64(data["enc_private"], 32))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SyncSetupError(t("sync.keys.unreadable", path=str(path), error=str(exc))) from exc
    return OfficeKeys(office_code, str(data.get("office_name", "")), sign, enc, path)


# --- public key files ------------------------------------------------------------------------


def _public_body(pub: PublicKeys) -> dict[str, Any]:
    return {"format": PUBLIC_FORMAT, "version": KEY_VERSION, "office_code": pub.office_code,
            "office_name": pub.office_name, "sign_key": b64(pub.sign_key),
            "enc_key": b64(pub.enc_key)}


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def public_file_bytes(keys: OfficeKeys, office_name: str | None = None) -> bytes:
    """The ``.pub`` file: public keys, office, fingerprint, signed by the office's own key
    (which proves the file was made by whoever holds the private half)."""
    pub = PublicKeys(keys.office_code, office_name or keys.office_name,
                     keys.public.sign_key, keys.public.enc_key)
    body = _public_body(pub)
    signature = keys.sign.sign(PUBLIC_SIG_CONTEXT + _canonical(body))
    out = dict(body, fingerprint=format_fingerprint(pub.fingerprint), signature=b64(signature))
    return (json.dumps(out, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def parse_public_file(raw: bytes, source: str = "") -> PublicKeys:
    try:
        data = loads_bounded(raw, max_bytes=MAX_PUBLIC_FILE, max_depth=2, encoding="utf-8-sig")
        if not isinstance(data, dict) or data.get("format") != PUBLIC_FORMAT:
            raise ValueError("format")
        if data.get("version") != KEY_VERSION:
            raise ValueError("version")
        code = data["office_code"]
        if not isinstance(code, str) or parse_office_code(code) != code:
            raise ValueError("office_code")
        name = data["office_name"]
        if not isinstance(name, str) or not 0 < len(name) <= 200:
            raise ValueError("office_name")
        # the signature covers the name as written; what is stored and shown has no control
        # characters (an office named before input cleaning existed)
        shown = strip_controls(name).strip()
        if not shown:
            raise ValueError("office_name")
        pub = PublicKeys(code, name, unb64(data["sign_key"], 32), unb64(data["enc_key"], 32))
        pub.verifier.verify(unb64(data["signature"], 64), PUBLIC_SIG_CONTEXT
                            + _canonical(_public_body(pub)))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError,
            InvalidSignature, ValidationError) as exc:
        raise PackageInvalid(t("sync.keys.bad_public_file", path=source)) from exc
    return replace(pub, office_name=shown)


def read_public_file(path: Path) -> PublicKeys:
    try:
        if path.stat().st_size > MAX_PUBLIC_FILE:
            raise PackageInvalid(t("sync.keys.bad_public_file", path=str(path)))
        raw = path.read_bytes()
    except OSError as exc:
        from mediator.sync.errors import SyncIOError

        raise SyncIOError(t("sync.io_error", path=str(path), error=str(exc))) from exc
    return parse_public_file(raw, str(path))
