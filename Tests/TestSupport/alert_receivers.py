#!/usr/bin/env python3
"""Test helper: the receivers of Canh's alert channels, on 127.0.0.1, each writing one JSON line
per message it received to OUT.

webhook PORT OUT SECRET [HANG_FIRST_SECONDS]
    HTTP server. Checks X-Canh-Signature (HMAC-SHA256 of the body under SECRET) and answers 401
    when it is wrong; records key, whether the key was seen before, and the body. With
    HANG_FIRST_SECONDS, the first request gets its answer only after that long (the collector
    is killed meanwhile in the crash test).
syslog PORT OUT [CERT KEY]
    TCP (TLS with CERT and KEY) syslog receiver: RFC 6587 octet-counted frames of RFC 5424
    messages, parsed into header fields, structured data and MSG.
smtp PORT OUT CERT KEY USER PASSWORD
    SMTP server (aiosmtpd) that offers STARTTLS, requires it, and requires AUTH as USER.
"""
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import re
import socketserver
import ssl
import sys
import threading
import time

mode, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()


def record(entry):
    with lock, open(out, "a", encoding="utf-8") as file:
        file.write(json.dumps(entry, ensure_ascii=False) + "\n")


def webhook(secret, hang_first):
    seen = set()
    state = {"requests": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            signature_ok = hmac.compare_digest(expected, self.headers.get("X-Canh-Signature", ""))
            key = self.headers.get("X-Canh-Key", "")
            with lock:
                state["requests"] += 1
                first = state["requests"] == 1
                duplicate = key in seen
                if signature_ok:
                    seen.add(key)
            record({"key": key, "signature_ok": signature_ok, "duplicate": duplicate, "body": json.loads(body or b"null")})
            if first and hang_first:
                time.sleep(hang_first)
            self.send_response(200 if signature_ok else 401)
            self.end_headers()
            self.wfile.write(b"ok" if signature_ok else b"bad signature")

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


HEADER = re.compile(r"<(\d+)>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) ")
PARAM = re.compile(r'(\w+)="((?:[^"\\\]]|\\.)*)"')


def parse_5424(text):
    match = HEADER.match(text)
    if not match:
        return {"unparsed": text}
    priority, version, timestamp, hostname, app, procid, msgid = match.groups()
    rest = text[match.end():]
    structured = {}
    while rest.startswith("["):
        end = 1
        while rest[end] != "]":
            end += 2 if rest[end] == "\\" else 1
        element = rest[1:end]
        sd_id, _, params = element.partition(" ")
        structured[sd_id] = {k: re.sub(r"\\(.)", r"\1", v) for k, v in PARAM.findall(params)}
        rest = rest[end + 1:]
    message = rest[1:] if rest.startswith(" ") else rest
    return {
        "facility": int(priority) // 8, "severity": int(priority) % 8, "version": int(version), "timestamp": timestamp,
        "hostname": hostname, "app": app, "procid": procid, "msgid": msgid, "sd": structured,
        "bom": message.startswith("\ufeff"), "msg": message.lstrip("\ufeff"),
    }


def syslog(cert, key):
    context = None
    if cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            connection = context.wrap_socket(self.request, server_side=True) if context else self.request
            data = b""
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
                while b" " in data:
                    length, _, rest = data.partition(b" ")
                    if len(rest) < int(length):
                        break
                    frame, data = rest[: int(length)], rest[int(length):]
                    entry = parse_5424(frame.decode("utf-8"))
                    entry["tls"] = context is not None
                    record(entry)

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    Server(("127.0.0.1", port), Handler).serve_forever()


def smtp(cert, key, user, password):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            record({
                "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "tls": session.ssl is not None,
                "authenticated": session.authenticated, "subject": str(message["Subject"]),
                "message_id": str(message["Message-ID"]), "key": str(message["X-Canh-Key"]),
                "body": message.get_body(preferencelist=("plain",)).get_content(),
            })
            return "250 Message accepted"

    # server_hostname: without it aiosmtpd asks the resolver for the machine's full name on every
    # connection, which on a machine without DNS can take longer than the sender waits.
    controller = Controller(
        Handler(), hostname="127.0.0.1", port=port, server_hostname="localhost", tls_context=context, require_starttls=True, authenticator=authenticator,
        auth_require_tls=True, auth_exclude_mechanism=["LOGIN"])
    controller.start()
    threading.Event().wait()


if mode == "webhook":
    webhook(sys.argv[4], float(sys.argv[5]) if len(sys.argv) > 5 else 0)
elif mode == "syslog":
    syslog(sys.argv[4] if len(sys.argv) > 4 else None, sys.argv[5] if len(sys.argv) > 5 else None)
elif mode == "smtp":
    smtp(*sys.argv[4:8])
else:
    sys.exit(f"unknown mode {mode}")
