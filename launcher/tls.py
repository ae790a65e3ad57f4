"""A local certificate authority and a server certificate for localhost, made once.

For local use only: the proxy of the production shape terminates TLS with them. Clients trust
`ca.pem` (curl --cacert, or import it into a browser). A real deployment sets TLS_CERT_FILE and
TLS_KEY_FILE to its own certificate (chain) and key instead.
"""

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_NAMES = ("localhost",)
SERVER_ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class Certificate:
    cert_file: Path  # the server certificate followed by its chain
    key_file: Path
    ca_file: Path | None  # the local CA, when the launcher made it


def certificate(folder: Path) -> Certificate:
    """TLS_CERT_FILE/TLS_KEY_FILE when set; else the local CA's certificate (made if missing)."""
    cert, key = os.environ.get("TLS_CERT_FILE"), os.environ.get("TLS_KEY_FILE")
    if cert and key:
        return Certificate(Path(cert), Path(key), None)
    ca_file = folder / "ca.pem"
    made = Certificate(folder / "server.pem", folder / "server.key", ca_file)
    if not all(path.exists() for path in (made.cert_file, made.key_file, ca_file)) or _expiring(
        made.cert_file
    ):
        _make(folder, made.cert_file, made.key_file, ca_file)
    return made


def _expiring(cert_file: Path, margin: datetime.timedelta = datetime.timedelta(days=30)) -> bool:
    server = x509.load_pem_x509_certificate(cert_file.read_bytes())
    return server.not_valid_after_utc < datetime.datetime.now(datetime.timezone.utc) + margin


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Celia assistant (local use only)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _make(folder: Path, cert_file: Path, key_file: Path, ca_file: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Celia assistant local CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in SERVER_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in SERVER_ADDRESSES]
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=397))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    _write_private(key_file, key)
    _write_private(folder / "ca.key", ca_key)
    cert_file.write_bytes(server.public_bytes(pem) + ca.public_bytes(pem))
    ca_file.write_bytes(ca.public_bytes(pem))


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
