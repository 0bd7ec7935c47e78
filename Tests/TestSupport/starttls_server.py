#!/usr/bin/env python3
"""Test helper: a server on 127.0.0.1 that upgrades to TLS the way mail and database servers do.

smtp       greets with 220, answers EHLO with 250 and STARTTLS in its capabilities, then 220 to
           STARTTLS and a TLS handshake (Python's ssl module, i.e. OpenSSL).
smtp-plain the same without STARTTLS: mail to it travels in clear text.
postgres   answers a PostgreSQL SSLRequest with S, then a TLS handshake.

Usage: starttls_server.py MODE PORT CERT KEY [legacy]   (legacy: also TLS 1.0 and every cipher)
"""
import socketserver
import ssl
import sys

mode, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
if len(sys.argv) > 5 and sys.argv[5] == "legacy":
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")


class Handler(socketserver.BaseRequestHandler):
    def line(self):
        data = b""
        while not data.endswith(b"\n"):
            chunk = self.request.recv(1)
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data.strip().upper()

    def handle(self):
        try:
            if mode.startswith("smtp"):
                self.request.sendall(b"220 mail.test ESMTP ready\r\n")
                if not self.line().startswith(b"EHLO"):
                    return
                offers = b"250-STARTTLS\r\n" if mode == "smtp" else b""
                self.request.sendall(b"250-mail.test\r\n" + offers + b"250 8BITMIME\r\n")
                if self.line() != b"STARTTLS":
                    self.request.sendall(b"502 not implemented\r\n")
                    return
                self.request.sendall(b"220 go ahead\r\n")
            else:
                if self.request.recv(8) != b"\x00\x00\x00\x08\x04\xd2\x16\x2f":
                    return
                self.request.sendall(b"S")
            with context.wrap_socket(self.request, server_side=True) as tls:
                tls.recv(1)
        except (OSError, ConnectionError, ssl.SSLError):
            pass


socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler).serve_forever()
