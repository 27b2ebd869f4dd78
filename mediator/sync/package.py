"""The ``.mdsync`` file: header, sealed payload, signature (docs/sync-format.md).

Layout (all integers big-endian)::

    magic  8 bytes   89 4D 44 53 0D 0A 1A 0A   ("\\x89MDS\\r\\n\\x1a\\n", PNG-style)
    format 2 bytes   1
    hlen   4 bytes   length of the header
    header hlen bytes  UTF-8 JSON (sender, recipient, versions, counts, payload size/hash)
    body   …         the zlib-compressed payload, sealed in 64 KiB chunks (or plain)
    sig    64 bytes  Ed25519 over CONTEXT ‖ magic..header ‖ SHA-256(body)

Sealing composes well-known parts the way age and HPKE do, nothing invented: an ephemeral
X25519 key agreement with the recipient's key, HKDF-SHA256 (salt = ephemeral ‖ recipient
public key) to a ChaCha20-Poly1305 key, and the STREAM construction for chunks (nonce =
11-byte chunk counter ‖ last-chunk flag) so a truncated or reordered body fails to open.
Every chunk's associated data is SHA-256 of magic..header, so a body cannot be moved under
another header. The signature covers the header and a hash of the body, so the signature
is checked by streaming the file once, in constant memory, however big the package.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mediator.core.errors import ValidationError
from mediator.core.lineage import MAX_DEPTH as MAX_LINEAGE_DEPTH
from mediator.core.lineage import Point
from mediator.core.safejson import loads_bounded
from mediator.core.text import has_controls, strip_controls
from mediator.core.validate import parse_office_code
from mediator.i18n import t
from mediator.sync.errors import PackageDamaged, PackageInvalid, PackageUnsupported
from mediator.sync.keys import PublicKeys, b64, fingerprint, unb64

MAGIC = b"\x89MDS\r\n\x1a\n"
FORMAT_VERSION = 2      # 2: the header carries the sender's lineage (core/lineage.py)
PREFIX = struct.Struct(">8sHI")
SIG_LEN = 64
TAG_LEN = 16
CHUNK = 64 * 1024
MAX_HEADER = 64 * 1024
MAX_PACKAGE = 32 * 1024**3          # far above a city's package, below "fill the disk"
MAX_PAYLOAD = 64 * 1024**3
SIG_CONTEXT = b"mediator-sync signature v1\x00"
KDF_INFO = b"mediator-sync v1 payload key"
ALG = "X25519-HKDF-SHA256-ChaCha20Poly1305-STREAM64K"
COMPRESSION = "zlib"
MIN_SIZE = PREFIX.size + 2 + SIG_LEN
READ_BLOCK = 1024 * 1024

Progress = Callable[[int], None]  # bytes done since the last call


def _no_progress(_n: int) -> None:
    return None


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _payload_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    if shared == b"\x00" * 32:
        raise ValueError("low-order point")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
                info=KDF_INFO).derive(shared)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


# --- writing ---------------------------------------------------------------------------------


def file_digest(path: Path, progress: Progress = _no_progress) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(READ_BLOCK):
            h.update(block)
            size += len(block)
            progress(len(block))
    return size, h.hexdigest()


def write_package(out: BinaryIO, header: dict[str, Any], payload: Path, signer: Ed25519PrivateKey,
                  recipient: PublicKeys | None, progress: Progress = _no_progress) -> None:
    """Write a whole package to ``out``. ``header`` gets the payload and encryption fields
    filled in here; ``recipient`` None writes a plain (unencrypted, still signed) package."""
    size, digest = file_digest(payload)
    header = dict(header)
    header["payload"] = {"size": size, "sha256": digest, "compression": COMPRESSION,
                         "chunk": CHUNK}
    aead: ChaCha20Poly1305 | None = None
    if recipient is not None:
        eph = X25519PrivateKey.generate()
        eph_pub = _raw_public(eph.public_key())
        key = _payload_key(eph.exchange(recipient.recipient), eph_pub, recipient.enc_key)
        aead = ChaCha20Poly1305(key)
        header["encryption"] = {"alg": ALG, "ephemeral_key": b64(eph_pub)}
    else:
        header["encryption"] = None
    head = canonical_json(header)
    if len(head) > MAX_HEADER:
        raise ValueError("header too large")
    # a header without the lineage fields is written as format 1 (what readers of format 1
    # expect, and what a format-2 reader takes as "no lineage")
    version = FORMAT_VERSION if "lineage" in header else 1
    prefix = PREFIX.pack(MAGIC, version, len(head)) + head
    out.write(prefix)
    aad = hashlib.sha256(prefix).digest()
    body_hash = hashlib.sha256()
    counter = 0
    pending = bytearray()

    def emit(chunk: bytes, last: bool) -> None:
        nonlocal counter
        data = aead.encrypt(_nonce(counter, last), chunk, aad) if aead else chunk
        counter += 1
        body_hash.update(data)
        out.write(data)

    comp = zlib.compressobj(1)  # level 1: 2-3x faster than 6 for ~20% more bytes
    with open(payload, "rb") as fh:
        while block := fh.read(READ_BLOCK):
            pending += comp.compress(block)
            while len(pending) > CHUNK:
                emit(bytes(pending[:CHUNK]), False)
                del pending[:CHUNK]
            progress(len(block))
    pending += comp.flush()
    while len(pending) > CHUNK:
        emit(bytes(pending[:CHUNK]), False)
        del pending[:CHUNK]
    emit(bytes(pending), True)
    out.write(signer.sign(SIG_CONTEXT + prefix + body_hash.digest()))


# --- reading ---------------------------------------------------------------------------------


@dataclass
class PackageInfo:
    """What the header of a package says, checked for shape (not yet for trust)."""

    path: Path
    size: int
    format_version: int
    prefix: bytes                      # magic..end of header, exactly as in the file
    header: dict[str, Any]
    sender: PublicKeys
    recipient_code: str
    recipient_fingerprint: str | None
    schema_version: int
    app_version: str
    created_at: str
    week: str
    counts: dict[str, int]
    payload_size: int
    payload_sha256: str
    ephemeral_key: bytes | None
    body_start: int = 0
    body_end: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    lineage: Point | None = None       # format 2 on; None: a package of format 1
    #: table -> SHA-256 of its rows (payload.table_digest); empty: the writer sent none
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def encrypted(self) -> bool:
        return self.ephemeral_key is not None

    @property
    def sender_fingerprint(self) -> str:
        return self.sender.fingerprint


def _damaged(path: Path, why: str) -> PackageDamaged:
    return PackageDamaged(t("sync.pkg.damaged", path=path.name, why=why))


def read_header(path: Path) -> PackageInfo:
    """Parse magic, format version and header. Raises PackageInvalid for something that is
    not a package at all, PackageUnsupported for a newer format, PackageDamaged otherwise."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            first = fh.read(PREFIX.size)
            if len(first) < len(MAGIC) or not first.startswith(MAGIC):
                raise PackageInvalid(t("sync.pkg.not_package", path=path.name))
            if len(first) < PREFIX.size or size < MIN_SIZE:
                raise _damaged(path, t("sync.why.truncated"))
            _magic, version, hlen = PREFIX.unpack(first)
            if version > FORMAT_VERSION:
                raise PackageUnsupported(t("sync.pkg.newer_format", path=path.name,
                                           version=version, supported=FORMAT_VERSION))
            if version < 1:
                raise _damaged(path, t("sync.why.header"))
            if hlen > MAX_HEADER or PREFIX.size + hlen + SIG_LEN > size:
                raise _damaged(path, t("sync.why.truncated"))
            head = fh.read(hlen)
    except OSError as exc:
        from mediator.sync.errors import SyncIOError

        raise SyncIOError(t("sync.io_error", path=str(path), error=str(exc))) from exc
    if size > MAX_PACKAGE:
        raise PackageInvalid(t("sync.pkg.too_large", path=path.name))
    try:
        header = loads_bounded(head, max_bytes=MAX_HEADER, max_depth=MAX_HEADER_DEPTH)
        info = _parse_header(path, size, version, first + head, header)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError,
            ValidationError) as exc:
        # the header is not yet verified (the signature comes next): whatever it holds, a
        # header that is not exactly what a writer makes is a damaged file, never a crash
        raise _damaged(path, t("sync.why.header")) from exc
    info.body_start = PREFIX.size + hlen
    info.body_end = size - SIG_LEN
    if info.body_end <= info.body_start:
        raise _damaged(path, t("sync.why.truncated"))
    return info


def _int(value: Any, low: int = 0, high: int = 2**63 - 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError("integer out of range")
    return value


def _str(value: Any, limit: int = 200, *, pattern: str | None = None) -> str:
    """A header string: no control characters (a writer never puts them there), at most
    ``limit`` characters, matching ``pattern`` when given."""
    if not isinstance(value, str) or len(value) > limit or has_controls(value):
        raise ValueError("bad string")
    if pattern is not None and not re.fullmatch(pattern, value):
        raise ValueError("bad string")
    return value


def _obj(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not an object")
    return value


def _req(obj: dict[str, Any], key: str) -> Any:
    if key not in obj:
        raise ValueError(f"missing {key}")
    return obj[key]


def _code(value: Any) -> str:
    code = _str(value, 12, pattern="[0-9]+")
    if parse_office_code(code) != code:
        raise ValueError("office code")
    return code


def _name(value: Any, *, required: bool) -> str:
    """An office name: shown and stored, so control characters (an office registered before
    input cleaning) are removed rather than refused; never empty where required."""
    if not isinstance(value, str) or len(value) > MAX_NAME:
        raise ValueError("bad name")
    name = strip_controls(value).strip()
    if required and not name:
        raise ValueError("empty name")
    return name


FINGERPRINT_PATTERN = "[0-9]{32}"
LINEAGE_PATTERN = "[0-9a-f]{32}"
WEEK_PATTERN = "([0-9]{4}-W[0-9]{2})?"
MAX_NAME = 200
MAX_HEADER_DEPTH = 4     # header -> sender / counts / payload -> values


def _parse_header(path: Path, size: int, version: int, prefix: bytes,
                  header: Any) -> PackageInfo:
    """Every field checked for presence, type and size (docs/sync-format.md, "Header");
    fields a newer writer adds are kept in ``extra`` but never trusted."""
    h = _obj(header)
    if _req(h, "kind") != "mediator-sync":
        raise ValueError("kind")
    sender = _obj(_req(h, "sender"))
    pub = PublicKeys(_code(_req(sender, "code")), _name(_req(sender, "name"), required=True),
                     unb64(_req(sender, "sign_key"), 32), unb64(_req(sender, "enc_key"), 32))
    if "fingerprint" in sender and _str(sender["fingerprint"], 32,
                                        pattern=FINGERPRINT_PATTERN) != pub.fingerprint:
        raise ValueError("sender fingerprint")
    recipient = _obj(_req(h, "recipient"))
    rcode = _code(_req(recipient, "code"))
    _name(recipient.get("name", ""), required=False)
    rfp = recipient.get("fingerprint")
    if rfp is not None:
        rfp = _str(rfp, 32, pattern=FINGERPRINT_PATTERN)
    counts = _obj(_req(h, "counts"))
    if len(counts) > 64:
        raise ValueError("counts")
    counts = {_str(k, 64, pattern="[a-z_]+"): _int(v) for k, v in counts.items()}
    payload = _obj(_req(h, "payload"))
    if _req(payload, "compression") != COMPRESSION or _int(_req(payload, "chunk")) != CHUNK:
        raise ValueError("payload encoding")
    psize = _int(_req(payload, "size"), 1, MAX_PAYLOAD)
    sha = _str(_req(payload, "sha256"), 64, pattern="[0-9a-f]{64}")
    enc = _req(h, "encryption")
    eph: bytes | None = None
    if enc is not None:
        enc = _obj(enc)
        if _req(enc, "alg") != ALG:
            raise ValueError("encryption")
        eph = unb64(_req(enc, "ephemeral_key"), 32)
        if rfp is None:
            raise ValueError("encrypted without recipient key")
    if "db_schema_version" in h:
        _int(h["db_schema_version"], 0, 10**6)
    if "scope" in h:
        _str(h["scope"], 12, pattern="[0-9]+")
    known = {"kind", "sender", "recipient", "counts", "payload", "encryption", "app_version",
             "schema_version", "db_schema_version", "created_at", "week", "scope"}
    digests: dict[str, str] = {}
    if "digests" in h:   # issue 21: a table whose digest is unchanged is not merged again
        found = _obj(h["digests"])
        if len(found) > 64:
            raise ValueError("digests")
        digests = {_str(k, 64, pattern="[a-z_]+"): _str(v, 64, pattern="[0-9a-f]{64}")
                   for k, v in found.items()}
        known |= {"digests"}
    point: Point | None = None
    # "down": a package from the office above (mediator.sync.down); absent: upward
    if h.get("direction", "up") not in ("up", "down"):
        raise ValueError("direction")
    known |= {"direction"}
    if version >= 2:
        # format 2: where in the sender's history the snapshot was taken; format 1 packages
        # carry none (such fields would be a newer writer's extra, never trusted)
        known |= {"lineage", "lineage_seq", "ancestry"}
        point = _point(h)
    return PackageInfo(
        path=path, size=size, format_version=version, prefix=prefix, header=h, sender=pub,
        recipient_code=rcode, recipient_fingerprint=rfp,
        schema_version=_int(_req(h, "schema_version"), 0, 10**6),
        app_version=_str(_req(h, "app_version"), 40),
        created_at=_str(_req(h, "created_at"), 40), week=_str(h.get("week", ""), 16,
                                                               pattern=WEEK_PATTERN),
        counts=counts, payload_size=psize, payload_sha256=sha, ephemeral_key=eph,
        extra={k: v for k, v in h.items() if k not in known}, lineage=point,
        digests=digests,
    )


def _point(h: dict[str, Any]) -> Point:
    own = _str(_req(h, "lineage"), 32, pattern=LINEAGE_PATTERN)
    seq = _int(_req(h, "lineage_seq"))
    ancestry = _req(h, "ancestry")
    if not isinstance(ancestry, list) or len(ancestry) >= MAX_LINEAGE_DEPTH:
        raise ValueError("ancestry")
    pairs: list[tuple[str, int]] = []
    for item in ancestry:
        if not isinstance(item, list) or len(item) != 2:
            raise ValueError("ancestry")
        pairs.append((_str(item[0], 32, pattern=LINEAGE_PATTERN), _int(item[1])))
    ids = [own, *(lid for lid, _ in pairs)]
    if len(set(ids)) != len(ids):
        raise ValueError("ancestry repeats a lineage")
    return Point(own, seq, tuple(pairs))


def verify_signature(info: PackageInfo, progress: Progress = _no_progress) -> None:
    """Check the sender's signature over header and body (streaming, constant memory)."""
    body_hash = hashlib.sha256()
    try:
        with open(info.path, "rb") as fh:
            fh.seek(info.body_start)
            left = info.body_end - info.body_start
            while left > 0:
                block = fh.read(min(READ_BLOCK, left))
                if not block:
                    raise _damaged(info.path, t("sync.why.truncated"))
                body_hash.update(block)
                left -= len(block)
                progress(len(block))
            signature = fh.read(SIG_LEN)
    except OSError as exc:
        from mediator.sync.errors import SyncIOError

        raise SyncIOError(t("sync.io_error", path=str(info.path), error=str(exc))) from exc
    if len(signature) != SIG_LEN:
        raise _damaged(info.path, t("sync.why.truncated"))
    try:
        info.sender.verifier.verify(signature, SIG_CONTEXT + info.prefix + body_hash.digest())
    except InvalidSignature as exc:
        raise _damaged(info.path, t("sync.why.signature")) from exc


def open_payload(info: PackageInfo, out_path: Path, own_enc: X25519PrivateKey | None,
                 progress: Progress = _no_progress) -> None:
    """Decrypt (if sealed) and decompress the body into ``out_path``; checks every chunk's
    tag, the final-chunk flag, the declared size and the payload hash."""
    aead: ChaCha20Poly1305 | None = None
    aad = hashlib.sha256(info.prefix).digest()
    if info.encrypted:
        assert info.ephemeral_key is not None and own_enc is not None
        own_pub = _raw_public(own_enc.public_key())
        try:
            shared = own_enc.exchange(X25519PublicKey.from_public_bytes(info.ephemeral_key))
            aead = ChaCha20Poly1305(_payload_key(shared, info.ephemeral_key, own_pub))
        except ValueError as exc:
            raise _damaged(info.path, t("sync.why.decrypt")) from exc
    body_len = info.body_end - info.body_start
    step = CHUNK + TAG_LEN if aead else CHUNK
    chunks = max(1, -(-body_len // step))
    decomp = zlib.decompressobj()
    written = 0
    digest = hashlib.sha256()
    limit = info.payload_size

    def sink(data: bytes, out: BinaryIO) -> None:
        nonlocal written
        written += len(data)
        if written > limit:
            raise _damaged(info.path, t("sync.why.size"))
        digest.update(data)
        out.write(data)

    try:
        with open(info.path, "rb") as fh, open(out_path, "wb") as out:
            fh.seek(info.body_start)
            for i in range(chunks):
                want = min(step, body_len - i * step)
                data = fh.read(want)
                if len(data) != want:
                    raise _damaged(info.path, t("sync.why.truncated"))
                last = i == chunks - 1
                if aead is not None:
                    if want < TAG_LEN:
                        raise _damaged(info.path, t("sync.why.truncated"))
                    try:
                        data = aead.decrypt(_nonce(i, last), data, aad)
                    except InvalidTag as exc:
                        raise _damaged(info.path, t("sync.why.decrypt")) from exc
                try:
                    # never inflate more than the declared size allows (no decompression bomb)
                    piece = decomp.decompress(data, limit - written + 1)
                    sink(piece, out)
                    while decomp.unconsumed_tail:
                        piece = decomp.decompress(decomp.unconsumed_tail, limit - written + 1)
                        sink(piece, out)
                except zlib.error as exc:
                    raise _damaged(info.path, t("sync.why.compression")) from exc
                progress(want)
            if not decomp.eof or decomp.unused_data:
                raise _damaged(info.path, t("sync.why.compression"))
            out.flush()
    except OSError as exc:
        from mediator.sync.errors import SyncIOError

        raise SyncIOError(t("sync.io_error", path=str(out_path), error=str(exc))) from exc
    if written != info.payload_size or digest.hexdigest() != info.payload_sha256:
        raise _damaged(info.path, t("sync.why.size"))


def sender_fingerprint_of(info: PackageInfo) -> str:
    return fingerprint(info.sender.office_code, info.sender.sign_key, info.sender.enc_key)


__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "PackageDamaged",
    "PackageInfo",
    "open_payload",
    "read_header",
    "verify_signature",
    "write_package",
]
