#!/usr/bin/env python3
"""Test helper: serves a test PKI's revocation data on 127.0.0.1.

POST /        an OCSP request; answered by `openssl ocsp` against the CA's index.txt, so the
              response is a real OpenSSL OCSP response (openssl's own responder cannot be bound
              to 127.0.0.1 only).
GET  /NAME    a file of the directory, e.g. the CRL.

Usage: pki_http_server.py PORT DIRECTORY
"""
import http.server
import os
import subprocess
import sys

port, directory = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        request = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        result = subprocess.run(
            ["openssl", "ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "ocsp.pem", "-rkey", "ocsp.key",
             "-reqin", "/dev/stdin", "-respout", "/dev/stdout", "-ndays", "1"],
            input=request, capture_output=True, cwd=directory)
        self.reply(200 if result.returncode == 0 else 500, "application/ocsp-response", result.stdout)

    def do_GET(self):
        path = os.path.join(directory, os.path.basename(self.path))
        if not os.path.isfile(path):
            self.reply(404, "text/plain", b"not found")
            return
        with open(path, "rb") as file:
            self.reply(200, "application/pkix-crl", file.read())

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *arguments):
        sys.stderr.write("%s\n" % (format % arguments))


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
