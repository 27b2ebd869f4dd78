"""Who may open the served page: the password, the certificate, the address and the port.

No aiohttp here (the server is :mod:`mediator.web.server`): everything that can be decided and
tested without a running server.

- **Loopback** (127.0.0.0/8, ::1, ``localhost``) needs nothing: only this PC reaches it.
- **Any other address** needs the password set with ``mediator serve --set-password``
  (scrypt, a random salt, stored in the configuration folder) and is served over HTTPS with a
  certificate mediator makes itself the first time (kept beside the password, so the
  fingerprint the clerk compared once stays the same).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from mediator.core.errors import ValidationError
from mediator.core.files import atomic_write, private_folder
from mediator.i18n import t

#: how many ports after the asked one are tried when it is busy
PORT_TRIES = 50
#: the shortest password accepted
MIN_PASSWORD = 8
#: scrypt's cost (N = 2**14, r = 8, p = 1: about 16 MB and a tenth of a second)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 14, 8, 1
#: the folder, in the configuration folder, with the password and the certificate
WEB_FOLDER = "web"
PASSWORD_FILE = "password.json"
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"
#: the certificate's life (a new one is made when it runs out)
CERT_DAYS = 3650


def web_folder(config: Path) -> Path:
    return Path(config) / WEB_FOLDER


def is_loopback(host: str) -> bool:
    """Whether ``host`` only this PC can reach (``localhost``, 127.x.x.x, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


# --- the password ------------------------------------------------------------------------------


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> dict[str, object]:
    """The stored form of ``password``: scrypt with a random 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return {"scheme": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
            "salt": salt.hex(), "hash": digest.hex()}


def check_password(stored: dict[str, object], password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time compare)."""
    try:
        if stored.get("scheme") != "scrypt":
            return False
        salt = bytes.fromhex(str(stored["salt"]))
        expected = bytes.fromhex(str(stored["hash"]))
        n, r, p = int(stored["n"]), int(stored["r"]), int(stored["p"])  # type: ignore[call-overload]
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), expected)


def check_new_password(first: str, second: str) -> str:
    """The new password when it is long enough and typed the same twice; else a message."""
    if first != second:
        raise ValidationError(t("web.password.mismatch"))
    if len(first) < MIN_PASSWORD:
        raise ValidationError(t("web.password.too_short", n=MIN_PASSWORD))
    return first


def save_password(config: Path, password: str) -> Path:
    folder = private_folder(web_folder(config))
    data = json.dumps(hash_password(password), indent=1)
    return atomic_write(folder / PASSWORD_FILE, data, private=True)


def load_password(config: Path) -> dict[str, object] | None:
    """The stored password, or None when none is set (or the file cannot be read)."""
    path = web_folder(config) / PASSWORD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("scheme") != "scrypt":
        return None
    return data


# --- the certificate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    #: SHA-256 of the certificate, as browsers show it (AB:CD:...)
    fingerprint: str


def fingerprint(pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    digest = x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def _names(host: str) -> list[str]:
    """The names and addresses the certificate is made for."""
    names = [host, "localhost", "127.0.0.1", socket.gethostname()]
    out: list[str] = []
    for name in names:
        name = name.strip().strip("[]")
        if name and name not in ("0.0.0.0", "::") and name not in out:
            out.append(name)
    return out


def _covers(pem: bytes, host: str) -> bool:
    """Whether the certificate in ``pem`` is still valid and names ``host``."""
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(pem)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    if cert.not_valid_after_utc <= dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        return False
    named = {str(v) for v in san.get_values_for_type(x509.IPAddress)}
    named |= set(san.get_values_for_type(x509.DNSName))
    return all(name in named for name in _names(host))


def ensure_certificate(config: Path, host: str) -> Certificate:
    """The self-made certificate for ``host``, made (and kept) when there is none yet or the
    one kept does not name ``host`` or runs out."""
    folder = private_folder(web_folder(config))
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    try:
        pem = cert_path.read_bytes()
        key_path.stat()
    except OSError:
        pem = b""
    if not pem or not _covers(pem, host):
        pem, key_pem = make_certificate(host)
        atomic_write(key_path, key_pem, private=True)
        atomic_write(cert_path, pem)
    return Certificate(cert=cert_path, key=key_path, fingerprint=fingerprint(pem))


def make_certificate(host: str) -> tuple[bytes, bytes]:
    """A new self-signed certificate for ``host`` (and this PC's name): (cert PEM, key PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mediator"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "人民调解")])
    alt: list[x509.GeneralName] = []
    for name in _names(host):
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CERT_DAYS))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


# --- the address and the port ------------------------------------------------------------------


#: the addresses served without a password: this PC's own, as the default and its names
LOCAL_ONLY = ("127.0.0.1", "localhost", "::1", "[::1]")


def needs_password(host: str) -> bool:
    """Whether serving on ``host`` needs the password (and HTTPS): every address but the
    default loopback one (127.0.0.1, ``localhost``, ``::1``). Another 127.x address is
    loopback too, but it is not what an office types by mistake: it takes the same path as
    an office network address (and the browser test uses it for that)."""
    return host.strip().lower() not in LOCAL_ONLY


def check_host(host: str, config: Path) -> bool:
    """Whether ``host`` needs the password (and HTTPS); refuses such an address when no
    password is set."""
    if not needs_password(host):
        return False
    if load_password(config) is None:
        raise ValidationError(t("web.refused_no_password", host=host))
    return True


def _family(host: str) -> int:
    try:
        return socket.AF_INET6 if ipaddress.ip_address(host.strip("[]")).version == 6 \
            else socket.AF_INET
    except ValueError:
        return socket.AF_INET


def bind_socket(host: str, port: int, tries: int = PORT_TRIES) -> socket.socket:
    """A listening socket on ``host`` at ``port`` or, when that one is busy, the next free
    port after it. The socket is handed to the server as it is (no race with another
    program between finding the port and using it)."""
    if not 1 <= port <= 65535:
        raise ValidationError(t("web.bad_port", port=port))
    last = min(port + tries, 65536)
    for candidate in range(port, last):
        sock = socket.socket(_family(host), socket.SOCK_STREAM)
        if os.name != "nt":
            # a port left in TIME_WAIT by the last run is free; Windows' SO_REUSEADDR would
            # let two servers share a port, so it is set only elsewhere
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), candidate))
            sock.listen(128)
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EADDRINUSE, errno.EACCES) or \
                    getattr(exc, "winerror", None) in (10048, 10013):
                continue
            if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
                raise ValidationError(t("web.bad_host", host=host)) from exc
            raise
        return sock
    raise ValidationError(t("web.no_free_port", first=port, last=last - 1))
