"""A DNS-over-HTTPS server on 127.0.0.1 that answers DNSLink TXT records the test sets: what a Kubo
gateway asks (its `DNS.Resolvers` maps a TLD to a DoH URL, https only) to serve a DNSLink host without
the internet. It serves TLS with a certificate from a CA of its own; Kubo (Go) trusts that CA when its
environment names it in SSL_CERT_FILE."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.http_server import LocalHTTPServer


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """(ca.pem, server.pem, server.key): a CA and a certificate for 127.0.0.1 that it signed."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test DoH CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


class _DohServer(ThreadingHTTPServer):
    records: dict[str, str]  # lower-case FQDN with trailing dot -> TXT value


class _Handler(BaseHTTPRequestHandler):
    server: _DohServer

    def do_POST(self) -> None:  # RFC 8484: the query is the body, application/dns-message
        query = dns.message.from_wire(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        answer = dns.message.make_response(query)
        question = query.question[0]
        value = self.server.records.get(question.name.to_text().lower())
        if question.rdtype == dns.rdatatype.TXT and value is not None:
            answer.answer.append(
                dns.rrset.from_text(question.name, 1, dns.rdataclass.IN, dns.rdatatype.TXT, f'"{value}"')
            )
        elif value is None:
            answer.set_rcode(dns.rcode.NXDOMAIN)
        body = answer.to_wire()
        self.send_response(200)
        self.send_header("Content-Type", "application/dns-message")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class DohServer(LocalHTTPServer):
    """`records[name] = 'dnslink=/ipns/…'` sets a TXT record (name: `_dnslink.shop.test.`); `ca` is the
    CA file to trust; `url` is the DoH endpoint."""

    def __init__(self, directory: Path) -> None:
        self.ca, cert, key = _certificates(directory)
        server = _DohServer(("127.0.0.1", 0), _Handler)
        server.records = {}
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self.records = server.records
        super().__init__(server)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}/dns-query"
